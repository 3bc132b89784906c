-- recorder-dock ledger, schema 2: the usage ledger (check-out / check-in), faults, alerts and the
-- forwarder's outbox.

-- 执法记录仪使用情况台账: who took which recorder, when, in what state, and when it came back.
CREATE TABLE assignments (
  id                TEXT PRIMARY KEY,
  recorder_serial   TEXT NOT NULL REFERENCES recorders (serial),
  officer_no        TEXT NOT NULL REFERENCES officers (officer_no),
  checked_out_at    INTEGER NOT NULL,
  out_battery_pct   INTEGER,
  out_free_bytes    INTEGER,
  checked_in_at     INTEGER,
  in_battery_pct    INTEGER,
  in_free_bytes     INTEGER,
  last_seq          INTEGER NOT NULL
) STRICT;

-- A recorder is out with at most one officer at a time.
CREATE UNIQUE INDEX assignments_one_open ON assignments (recorder_serial) WHERE checked_in_at IS NULL;

-- Fault reports (R8: report within 24 h).
CREATE TABLE faults (
  id              TEXT PRIMARY KEY,
  recorder_serial TEXT NOT NULL REFERENCES recorders (serial),
  reported_by     TEXT NOT NULL,
  observed_at     INTEGER NOT NULL,
  reported_at     INTEGER NOT NULL,
  deadline_hours  INTEGER NOT NULL,
  deadline_met    INTEGER NOT NULL CHECK (deadline_met IN (0, 1)),
  description     TEXT NOT NULL,
  resolved_at     INTEGER,
  resolution_note TEXT,
  last_seq        INTEGER NOT NULL
) STRICT;

CREATE TABLE alerts (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  subject     TEXT NOT NULL,
  detail      TEXT,
  opened_at   INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  note        TEXT,
  last_seq    INTEGER NOT NULL
) STRICT;

-- Records for the central store, written in the same transaction as the event (or checkpoint)
-- that produces them. `id` is the delivery order; `record_id` is stable, for idempotent delivery.
-- Not a projection: delivery state, not history.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  record_id  TEXT NOT NULL UNIQUE,
  event_seq  INTEGER,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
