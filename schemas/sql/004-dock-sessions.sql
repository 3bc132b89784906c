-- recorder-dock ledger, schema 4: what dock sessions add (issue 5). Projections of events, as
-- every table below `checkpoints`; verify rebuilds and compares them.

-- Each transition of a dock session's state machine (session.step).
CREATE TABLE session_steps (
  seq        INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id),
  step       TEXT NOT NULL,
  at         INTEGER NOT NULL,
  detail     TEXT
) STRICT;
CREATE INDEX session_steps_by_session ON session_steps (session_id, seq);

-- Where a clip's recording times came from, raw (device clock) and corrected by the skew
-- (clip.timed). clips.recording_start/end hold the corrected values.
CREATE TABLE clip_timing (
  clip_id       TEXT PRIMARY KEY REFERENCES clips (id),
  time_source   TEXT NOT NULL CHECK (time_source IN ('mvhd', 'filename', 'mtime')),
  raw_start     INTEGER,
  raw_end       INTEGER,
  clock_skew_ms INTEGER,
  seq           INTEGER NOT NULL
) STRICT;

-- Files deleted from a recorder after their seal was durable and verified (clip.wiped).
CREATE TABLE wiped_files (
  clip_id         TEXT PRIMARY KEY REFERENCES clips (id),
  recorder_serial TEXT NOT NULL,
  source_path     TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  size            INTEGER NOT NULL,
  wiped_at        INTEGER NOT NULL,
  seq             INTEGER NOT NULL
) STRICT;

-- R9: a written explanation of a recording gap, signed by two or more officers (gap.explained).
CREATE TABLE gap_explanations (
  alert_id     TEXT PRIMARY KEY REFERENCES alerts (id),
  text         TEXT NOT NULL,
  signed_by    TEXT NOT NULL,
  explained_at INTEGER NOT NULL,
  seq          INTEGER NOT NULL
) STRICT;

-- The dock skips files it already sealed for a recorder: look them up by path.
CREATE INDEX clips_by_recorder_source ON clips (recorder_serial, source_path);
-- Gap detection compares a clip with the recorder's previous one.
CREATE INDEX clips_by_recorder_end ON clips (recorder_serial, recording_end);
