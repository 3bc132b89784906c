-- recorder-dock ledger, schema 8: the footage lifecycle (issue 15; R2, R3, R4, R5): verified
-- off-site copies and the store's WORM probes. Every table here is a projection of events;
-- verify rebuilds and compares them.

-- The newest verification of each file's copy on each store (copy.verified). `id` is
-- '<store>|<sha256>'. A copy counts only while `last_result` is 'ok': the object was read back
-- and hashed to the seal. `first_ok_at` is when it first verified; `last_checked_at` the newest
-- read-back (copy, scrub or fetch). 'requeued' (copy.requeued) puts it back in the queue.
CREATE TABLE offsite_copies (
  id              TEXT PRIMARY KEY,
  sha256          TEXT NOT NULL,
  store           TEXT NOT NULL,
  object_key      TEXT NOT NULL,
  version_id      TEXT,
  size            INTEGER NOT NULL,
  last_result     TEXT NOT NULL CHECK (last_result IN ('ok', 'mismatch', 'missing', 'requeued')),
  last_purpose    TEXT NOT NULL CHECK (last_purpose IN ('copy', 'scrub', 'fetch', 'requeue')),
  first_ok_at     INTEGER,
  last_checked_at INTEGER NOT NULL,
  retain_until    INTEGER,
  legal_hold      INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
  lock_kept       INTEGER CHECK (lock_kept IN (0, 1)),
  last_seq        INTEGER NOT NULL
) STRICT;
CREATE INDEX offsite_copies_by_sha256 ON offsite_copies (sha256);
CREATE INDEX offsite_copies_by_store ON offsite_copies (store, last_result);

-- Each WORM probe of a store (offsite.probed): did it keep the locks and refuse deletes?
CREATE TABLE worm_probes (
  seq     INTEGER PRIMARY KEY,
  store   TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('worm', 'not-worm', 'unsupported', 'failed')),
  summary TEXT NOT NULL,
  checks  TEXT NOT NULL,
  at      INTEGER NOT NULL
) STRICT;
CREATE INDEX worm_probes_by_store ON worm_probes (store, at);

-- R3: cases closed (case.closed; case.reopened removes the row). Evidence of a closed case is kept
-- until `closed_at` plus the configured case-file period.
CREATE TABLE closed_cases (
  case_no   TEXT PRIMARY KEY,
  closed_at INTEGER NOT NULL,
  closed_by TEXT NOT NULL,
  note      TEXT,
  last_seq  INTEGER NOT NULL
) STRICT;

-- R3: the manager's mark "of no value" on a clip (clip.valued).
CREATE TABLE clip_values (
  clip_id   TEXT PRIMARY KEY REFERENCES clips (id),
  no_value  INTEGER NOT NULL CHECK (no_value IN (0, 1)),
  marked_by TEXT NOT NULL,
  marked_at INTEGER NOT NULL,
  last_seq  INTEGER NOT NULL
) STRICT;

-- R4 holds on a clip, a dock session, or a recorder's footage over a time range (hold.placed),
-- with the ground, case name and number; lifted only by a supervisor with a reason (hold.lifted).
CREATE TABLE holds (
  id          TEXT PRIMARY KEY,
  scope       TEXT NOT NULL CHECK (scope IN ('clip', 'session', 'recorder')),
  clip_id     TEXT,
  session_id  TEXT,
  serial      TEXT,
  from_at     INTEGER,
  to_at       INTEGER,
  ground      TEXT NOT NULL CHECK (ground IN ('dispute', 'obstruction', 'incident', 'major')),
  case_name   TEXT NOT NULL,
  case_no     TEXT NOT NULL,
  placed_by   TEXT NOT NULL,
  placed_at   INTEGER NOT NULL,
  lifted_by   TEXT,
  lifted_at   INTEGER,
  lift_reason TEXT,
  last_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX holds_active ON holds (scope) WHERE lifted_at IS NULL;

-- R3 purges: the manager's confirmed list (purge.requested), the supervisor's approval for
-- evidence (purge.approved), the recoverable area with its grace period (purge.staged), undo
-- (purge.undone), deletion locally and off-site (purge.deleted), the end (purge.completed).
CREATE TABLE purges (
  id             TEXT PRIMARY KEY,
  status         TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'recoverable', 'undone', 'completed')),
  clip_ids       TEXT NOT NULL,
  sha256s        TEXT NOT NULL,
  bytes          INTEGER NOT NULL,
  reason         TEXT NOT NULL,
  needs_approval INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
  requested_by   TEXT NOT NULL,
  requested_at   INTEGER NOT NULL,
  approved_by    TEXT,
  approved_at    INTEGER,
  staged_at      INTEGER,
  grace_until    INTEGER,
  undone_by      TEXT,
  undone_at      INTEGER,
  undo_reason    TEXT,
  completed_at   INTEGER,
  last_seq       INTEGER NOT NULL
) STRICT;

-- Each clip in a purge that is not undone: a clip is in at most one such purge.
CREATE TABLE purge_clips (
  clip_id  TEXT PRIMARY KEY REFERENCES clips (id),
  purge_id TEXT NOT NULL REFERENCES purges (id),
  seq      INTEGER NOT NULL
) STRICT;

-- Each deletion of a purged file, locally or on a store: deleted, refused (still locked), absent.
CREATE TABLE purge_deletions (
  id       TEXT PRIMARY KEY,
  purge_id TEXT NOT NULL REFERENCES purges (id),
  sha256   TEXT NOT NULL,
  place    TEXT NOT NULL,
  result   TEXT NOT NULL CHECK (result IN ('deleted', 'refused', 'absent')),
  at       INTEGER NOT NULL,
  last_seq INTEGER NOT NULL
) STRICT;

-- Space: a file whose local copy was evicted (file.evicted) because a verified off-site copy
-- exists, and when it was fetched back and verified (file.restored).
CREATE TABLE evictions (
  sha256        TEXT PRIMARY KEY,
  evicted_at    INTEGER NOT NULL,
  free_percent  INTEGER NOT NULL,
  restored_at   INTEGER,
  restored_from TEXT,
  last_seq      INTEGER NOT NULL
) STRICT;
