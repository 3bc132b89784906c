-- recorder-dock ledger, schema 9: changes that take two people (issue 16). An account change made
-- at the page that gives footage waits for a supervisor's confirmation (R6); a recording-gap
-- explanation is entered once and signed by each signer with their own password (R9).
-- `account_proposals` is not history (it holds pending password hashes, like account_secrets);
-- every other table here is a projection of events, which verify rebuilds and compares.

-- Account changes waiting for a supervisor: what would be saved, by whom, and a pending password
-- hash for an added account or a reset. Confirming writes account.saved + account.confirmed.
CREATE TABLE account_proposals (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL,
  change        TEXT NOT NULL CHECK (change IN ('add', 'role', 'password', 'enable')),
  role          TEXT NOT NULL,
  officer_no    TEXT,
  password_hash TEXT,
  proposed_by   TEXT NOT NULL,
  proposed_at   INTEGER NOT NULL,
  UNIQUE (username, change)
) STRICT;

-- Who confirmed which account change that was proposed by whom (account.confirmed).
CREATE TABLE account_confirmations (
  seq          INTEGER PRIMARY KEY,
  username     TEXT NOT NULL,
  change       TEXT NOT NULL,
  proposed_by  TEXT NOT NULL,
  proposed_at  INTEGER NOT NULL,
  confirmed_by TEXT NOT NULL,
  confirmed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX account_confirmations_by_user ON account_confirmations (username, seq);

-- An officer number belongs to one account at most: another account on the same number would see
-- that officer's footage as its own (checked on write; this index lets the check find it fast).
CREATE INDEX accounts_by_officer ON accounts (officer_no) WHERE officer_no IS NOT NULL;

-- R9: a recording gap's explanation as entered, and who must sign it (gap.drafted). A new text
-- replaces the old one and voids its signatures (they name the draft's event).
CREATE TABLE gap_drafts (
  alert_id   TEXT PRIMARY KEY REFERENCES alerts (id),
  draft_seq  INTEGER NOT NULL,
  text       TEXT NOT NULL,
  signers    TEXT NOT NULL,
  entered_by TEXT NOT NULL,
  entered_at INTEGER NOT NULL
) STRICT;

-- Each signer's signature, given with their own password: logged in at the page, in person at
-- the manager's page, or at the console (gap.signed). When every signer of the current draft
-- has signed, gap.explained records the explanation and the gap's alert is resolved.
CREATE TABLE gap_signatures (
  seq        INTEGER PRIMARY KEY,
  alert_id   TEXT NOT NULL REFERENCES alerts (id),
  draft_seq  INTEGER NOT NULL,
  officer_no TEXT NOT NULL,
  username   TEXT NOT NULL,
  method     TEXT NOT NULL CHECK (method IN ('own-login', 'in-person', 'console')),
  signed_at  INTEGER NOT NULL,
  UNIQUE (alert_id, draft_seq, officer_no)
) STRICT;

-- The responsible leader (supervisor) read an explained gap (gap.acknowledged).
CREATE TABLE gap_acknowledgements (
  alert_id        TEXT PRIMARY KEY REFERENCES alerts (id),
  acknowledged_by TEXT NOT NULL,
  acknowledged_at INTEGER NOT NULL,
  seq             INTEGER NOT NULL
) STRICT;

-- The Now page's last 24 hours and `dockctl sessions` read sessions by start time across recorders.
CREATE INDEX sessions_by_start ON sessions (started_at);
