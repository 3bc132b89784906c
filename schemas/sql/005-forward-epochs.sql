-- recorder-dock ledger, schema 5: forwarding epochs (agent/forwarder/README.md). Not a projection:
-- delivery state, like the outbox. The newest row is the current epoch; older rows are history.
-- An epoch is one continuous life of this ledger file as the central store saw it. A restored or
-- replaced ledger gets a new epoch, and the forwarder resends the whole outbox under it.
CREATE TABLE forward_epochs (
  n             INTEGER PRIMARY KEY,
  epoch         TEXT NOT NULL UNIQUE,
  started_at    INTEGER NOT NULL,
  -- Why it began: first-start, state-missing, state-unreadable, other-ledger,
  -- ledger-file-changed, ledger-rolled-back, key-conflict.
  reason        TEXT NOT NULL,
  -- Identity of the ledger file when the epoch began, "<st_dev>:<st_ino>:<birth time ms>" (text:
  -- inode numbers may not fit a signed 64-bit integer). A copy put in its place has another one.
  file_identity TEXT NOT NULL
) STRICT;
