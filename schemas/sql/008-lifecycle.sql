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
