import { DockError } from '../errors.ts';

/** The ledger database was written by a newer recorder-dock than this build. */
export class LedgerTooNewError extends DockError {
  constructor(file: string, found: number, known: number) {
    super(
      'LEDGER_TOO_NEW',
      `the ledger ${file} is from a newer recorder-dock (schema ${found}, this build knows ${known}): install the newer version or restore a backup`,
    );
  }
}

/** The file exists but is not a recorder-dock ledger (another application's database, or not SQLite). */
export class LedgerForeignError extends DockError {
  constructor(file: string, what: string, cause?: unknown) {
    super(
      'LEDGER_FOREIGN',
      `the file ${file} is not a recorder-dock ledger (${what}): move it away or restore the ledger from a backup`,
      { cause },
    );
  }
}

/** The ledger cannot be opened at all (missing when it must exist, unreadable, locked). */
export class LedgerUnavailableError extends DockError {
  constructor(file: string, what: string, cause?: unknown) {
    super('LEDGER_UNAVAILABLE', `the ledger ${file} cannot be used (${what})`, { cause });
  }
}

/**
 * The dock already has a key but its ledger is missing or empty: history was lost, and starting a
 * fresh ledger silently would hide that.
 */
export class LedgerLostError extends DockError {
  constructor(file: string, keyFile: string) {
    super(
      'LEDGER_LOST',
      `the ledger ${file} is missing or empty but this dock already has a key (${keyFile}): restore the ledger from a backup, or move the key away to start a new ledger deliberately`,
    );
  }
}

/** The dock key pair is missing, unreadable or does not match the key recorded in the ledger. */
export class DockKeyError extends DockError {
  constructor(keyFile: string, what: string, cause?: unknown) {
    super('DOCK_KEY', `the dock key ${keyFile} ${what}: restore the key file from a backup`, { cause });
  }
}

/** A ledger operation refers to something the ledger does not hold, or breaks one of its rules. */
export class LedgerStateError extends DockError {
  constructor(message: string) {
    super('LEDGER_STATE', message);
  }
}

/** A caller passed a value the ledger cannot record (a malformed digest, a negative size …). */
export class LedgerInputError extends DockError {
  constructor(message: string) {
    super('LEDGER_INPUT', message);
  }
}

/** A checkpoint document (for example one fetched from the central store) is malformed. */
export class CheckpointFormatError extends DockError {
  constructor(source: string, what: string) {
    super(
      'CHECKPOINT_FORMAT',
      `the checkpoint ${source} is not valid (${what}): fetch it again from the central store`,
    );
  }
}
