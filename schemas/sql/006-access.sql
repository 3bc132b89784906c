-- recorder-dock ledger, schema 6: accounts, clip labels, footage access (requests, approvals, the
-- access log 查询台账), exports and vault checks (issue 7; R2, R6, R10, R11). Tables down to
-- `recorder_bindings` are projections of events, as every table below `checkpoints`; verify
-- rebuilds and compares them. `account_secrets` and `web_sessions` are not history: they hold
-- password hashes and login sessions, which never enter the chain or the outbox.

-- Local accounts of the page and dockctl (account.saved). `officer_no` links an officer's account
-- to their own footage.
CREATE TABLE accounts (
  username   TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('officer', 'manager', 'supervisor', 'auditor', 'admin')),
  officer_no TEXT,
  disabled   INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  changed_by TEXT,
  last_seq   INTEGER NOT NULL
) STRICT;

-- R2 labels of a clip: case number 案号, party 当事人 (personal data), officer in charge 承办人,
-- and the manager's "important" mark (clip.labelled; the newest labelling wins).
CREATE TABLE clip_labels (
  clip_id           TEXT PRIMARY KEY REFERENCES clips (id),
  case_no           TEXT,
  party             TEXT,
  officer_in_charge TEXT,
  important         INTEGER NOT NULL CHECK (important IN (0, 1)),
  labelled_by       TEXT NOT NULL,
  labelled_at       INTEGER NOT NULL,
  last_seq          INTEGER NOT NULL
) STRICT;
CREATE INDEX clip_labels_by_case ON clip_labels (case_no) WHERE case_no IS NOT NULL;

-- R6: a request to view or export footage outside one's own, and the supervisor's decision
-- (access.requested, access.decided). Approved access ends at `expires_at`.
CREATE TABLE access_requests (
  id            TEXT PRIMARY KEY,
  requested_by  TEXT NOT NULL,
  clip_ids      TEXT NOT NULL,
  purpose       TEXT NOT NULL CHECK (purpose IN ('view', 'export')),
  reason        TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  decided_by    TEXT,
  decided_at    INTEGER,
  decision_note TEXT,
  expires_at    INTEGER,
  last_seq      INTEGER NOT NULL
) STRICT;
CREATE INDEX access_requests_by_requester ON access_requests (requested_by, requested_at);
CREATE INDEX access_requests_pending ON access_requests (requested_at) WHERE status = 'pending';

-- The access log (查询台账): every view, download and export, with who, what, when, why and the
-- approval it rested on (access.logged).
CREATE TABLE access_log (
  seq        INTEGER PRIMARY KEY,
  username   TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  reason     TEXT,
  request_id TEXT,
  at         INTEGER NOT NULL
) STRICT;
CREATE INDEX access_log_by_user ON access_log (username, at);
CREATE INDEX access_log_by_at ON access_log (at);

-- R10: export packages made for review or litigation (export.created).
CREATE TABLE exports (
  id              TEXT PRIMARY KEY,
  request_id      TEXT,
  created_by      TEXT NOT NULL,
  case_no         TEXT,
  clip_ids        TEXT NOT NULL,
  bytes           INTEGER NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_seq        INTEGER NOT NULL
) STRICT;

-- The newest re-check of a clip's vault copy against its seal (clip.checked).
CREATE TABLE clip_checks (
  clip_id    TEXT PRIMARY KEY REFERENCES clips (id),
  result     TEXT NOT NULL CHECK (result IN ('ok', 'mismatch', 'missing')),
  checked_by TEXT,
  checked_at INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL
) STRICT;

-- Which officer a recorder is bound to (recorder.bound); written into the device on its next
-- docking where the driver can.
CREATE TABLE recorder_bindings (
  serial     TEXT PRIMARY KEY REFERENCES recorders (serial),
  officer_no TEXT,
  bound_by   TEXT NOT NULL,
  bound_at   INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL
) STRICT;

-- Not projections. scrypt password hashes (`scrypt$N$r$p$salt$hash`, base64).
CREATE TABLE account_secrets (
  username      TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  changed_at    INTEGER NOT NULL
) STRICT;

-- Logged-in sessions of the page: only the SHA-256 of the cookie's token is stored.
CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  username   TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) STRICT;
CREATE INDEX web_sessions_by_user ON web_sessions (username);

-- The alerts page lists recently resolved alerts.
CREATE INDEX alerts_resolved ON alerts (resolved_at) WHERE resolved_at IS NOT NULL;

-- Clip search by recorder and date, by officer through sessions.
CREATE INDEX clips_by_recorder_start ON clips (recorder_serial, recording_start);
CREATE INDEX clips_by_sealed ON clips (sealed_at);
