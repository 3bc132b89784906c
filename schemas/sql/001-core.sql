-- recorder-dock ledger, schema 1: the event chain, checkpoints and the core registers.
-- Every table below `checkpoints` is a projection of the events: verify rebuilds it from the
-- chain and compares. Times in projections are milliseconds since the epoch (UTC); the events
-- hold the same instants as ISO-8601 strings. `last_seq` names the event that last changed a row.

-- The append-only chain. `body` is the canonical encoding that was hashed (agent/ledger/README.md).
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
  type      TEXT NOT NULL,
  body      TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;

-- Signed statements "the chain at `seq` has head `head`", sent upstream by the forwarder.
CREATE TABLE checkpoints (
  seq    INTEGER PRIMARY KEY,
  head   TEXT NOT NULL,
  at     TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sig    TEXT NOT NULL
) STRICT;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger checkpoints are append-only'); END;

-- This dock: one row, written by the genesis event.
CREATE TABLE dock (
  id         TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL
) STRICT;

CREATE TABLE recorders (
  serial        TEXT PRIMARY KEY,
  model         TEXT,
  vendor        TEXT,
  fingerprint   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('in_service', 'faulty', 'retired')),
  status_reason TEXT,
  registered_at INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL
) STRICT;

-- Officers: 警号, name (personal data: never logged), unit, enforcement certificate number.
CREATE TABLE officers (
  officer_no    TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  unit          TEXT,
  cert_no       TEXT,
  registered_at INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL
) STRICT;

-- One row per docking of one recorder.
CREATE TABLE sessions (
  id              TEXT PRIMARY KEY,
  recorder_serial TEXT NOT NULL REFERENCES recorders (serial),
  officer_no      TEXT,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  clock_skew_ms   INTEGER,
  battery_pct     INTEGER,
  free_bytes      INTEGER,
  total_bytes     INTEGER,
  end_battery_pct INTEGER,
  end_free_bytes  INTEGER,
  outcome         TEXT CHECK (outcome IN ('complete', 'partial', 'failed', 'interrupted')),
  last_seq        INTEGER NOT NULL
) STRICT;

-- One row per sealed file. The vault path is derived from sha256 (vault_rel), never stored apart.
CREATE TABLE clips (
  id              TEXT PRIMARY KEY,
  session_id      TEXT NOT NULL REFERENCES sessions (id),
  recorder_serial TEXT NOT NULL REFERENCES recorders (serial),
  source_path     TEXT NOT NULL,
  size            INTEGER NOT NULL CHECK (size >= 0),
  sha256          TEXT NOT NULL,
  prefix_digests  TEXT NOT NULL,
  verified_by     TEXT NOT NULL,
  recording_start INTEGER,
  recording_end   INTEGER,
  duration_ms     INTEGER,
  vault_rel       TEXT NOT NULL,
  sealed_at       INTEGER NOT NULL,
  flags           TEXT NOT NULL,
  seal_seq        INTEGER NOT NULL
) STRICT;

CREATE INDEX clips_by_session ON clips (session_id);
CREATE INDEX clips_by_sha256 ON clips (sha256);
