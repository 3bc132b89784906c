-- recorder-dock ledger, schema 7: custody under faults (issue 12) and typed alert facts (issue 13).
-- Projections of events like every table below `checkpoints`; verify rebuilds and compares them.

-- The facts of an alert's kind as canonical JSON (agent/ledger/alert-kinds.ts), so the page and
-- the CLI can say it in the reader's language (alert.opened from schema 7 on). Kept beside
-- `alerts`, whose rows older builds wrote, so their events still apply to their own tables.
CREATE TABLE alert_facts (
  alert_id TEXT PRIMARY KEY REFERENCES alerts (id),
  facts    TEXT NOT NULL,
  seq      INTEGER NOT NULL
) STRICT;

-- What the recorder file looked like when it was sealed (clip.sealed from schema 7 on): its
-- modification time and the SHA-256 of its first bytes (up to 1 MiB). A later file of the same
-- name and size is taken for the sealed one only when both match, and a wipe always needs the
-- whole digest.
CREATE TABLE clip_sources (
  clip_id         TEXT PRIMARY KEY REFERENCES clips (id),
  source_mtime_ms INTEGER,
  head_sha256     TEXT,
  seq             INTEGER NOT NULL
) STRICT;

-- A wipe about to happen (clip.wipe_intended), recorded durably before the recorder file is
-- unlinked; clip.wiped or clip.wipe_cancelled removes it. What is left after a crash is
-- reconciled at the recorder's next dock.
CREATE TABLE wipe_intents (
  clip_id         TEXT PRIMARY KEY REFERENCES clips (id),
  recorder_serial TEXT NOT NULL,
  source_path     TEXT NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ms        INTEGER NOT NULL,
  intended_at     INTEGER NOT NULL,
  seq             INTEGER NOT NULL
) STRICT;
CREATE INDEX wipe_intents_by_recorder ON wipe_intents (recorder_serial);

-- Recorder files that failed to read (file.unreadable): a bad sector fails that file only; it is
-- retried at the next docks a bounded number of times and never wiped.
CREATE TABLE unreadable_files (
  -- canonical JSON of [serial, source_path, size, mtime_ms]: the recorder file as it was listed
  file_key        TEXT PRIMARY KEY,
  recorder_serial TEXT NOT NULL,
  source_path     TEXT NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ms        INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  position        INTEGER NOT NULL,
  errno           TEXT,
  last_at         INTEGER NOT NULL,
  seq             INTEGER NOT NULL
) STRICT;
