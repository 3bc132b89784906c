import {
  SourceGoneError,
  SourceMissingError,
  SourcePermissionError,
  SourceReadError,
} from '../../drivers/contract/errors.ts';
import { DockError, errnoCode } from '../errors.ts';
import { withWords } from '../i18n/error-words.ts';

/** The vault's file system is full: nothing was published; the staged part was removed. */
export class DestinationFullError extends DockError {
  constructor(what: string, cause?: unknown) {
    super(
      'DESTINATION_FULL',
      `the vault is full while copying ${what}: nothing was published; free space in the vault, then dock the recorder again`,
      { cause },
    );
    withWords(this, 'err.ingest.full', { what });
  }
}

/** The vault or its staging area cannot be written for lack of permission. */
export class DestinationPermissionError extends DockError {
  constructor(target: string, cause?: unknown) {
    super(
      'DESTINATION_PERMISSION',
      `cannot write ${target} (permission denied): check that the vault belongs to the service user`,
      { cause },
    );
    withWords(this, 'err.ingest.permission', { target });
  }
}

/**
 * An earlier copy of the same file is still waiting on a read of its recorder (one that left while
 * it was read): a second copy into the same part is not started. Nothing is lost; the file stays
 * on the recorder for a later dock.
 */
export class CopyStillRunningError extends DockError {
  constructor(what: string) {
    super(
      'COPY_STILL_RUNNING',
      `an earlier copy of ${what} is still waiting for its recorder to answer: the file is left on the recorder; dock it again later or restart the service`,
    );
    withWords(this, 'err.ingest.stillRunning', { what });
  }
}

/** The copy read back from disk does not hash to the digest taken while copying. */
export class ChecksumMismatchError extends DockError {
  readonly expected: string;
  readonly actual: string;
  readonly quarantinedAt: string;
  constructor(what: string, expected: string, actual: string, quarantinedAt: string) {
    super(
      'CHECKSUM_MISMATCH',
      `the copy of ${what} failed verification (expected sha256 ${expected}, read back ${actual}); it was quarantined at ${quarantinedAt} and not sealed: check the vault disk, then dock the recorder again`,
    );
    this.expected = expected;
    this.actual = actual;
    this.quarantinedAt = quarantinedAt;
    withWords(this, 'err.ingest.checksum', { what, expected, actual, quarantinedAt });
  }
}

/** An error as it crosses from a worker thread to the main thread: plain data. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly errno?: string;
  readonly position?: number;
  readonly subject?: string;
}

/** Flatten an error raised in a worker for postMessage. */
export function toWire(err: unknown, subject: string): WireError {
  if (err instanceof SourceGoneError || err instanceof SourceReadError) {
    return {
      code: err.code,
      message: err.message,
      errno: errnoCode(err.cause),
      position: err.position,
      subject,
    };
  }
  if (err instanceof DockError) return { code: err.code, message: err.message, subject };
  const errno = errnoCode(err);
  return { code: errno ?? 'UNEXPECTED', message: (err as Error)?.message ?? String(err), errno, subject };
}

/** Rebuild the typed error on the main thread. `subject` names the source file for the message. */
export function fromWire(wire: WireError): Error {
  const subject = wire.subject ?? 'a recorder file';
  const cause = wire.errno ? Object.assign(new Error(wire.message), { code: wire.errno }) : undefined;
  switch (wire.code) {
    case 'SOURCE_GONE':
      return new SourceGoneError(subject, wire.position ?? 0, cause);
    case 'SOURCE_READ_FAILED':
      return new SourceReadError(subject, wire.position ?? 0, cause);
    case 'SOURCE_PERMISSION':
      return new SourcePermissionError(subject, cause);
    case 'SOURCE_MISSING':
      return new SourceMissingError(subject, cause);
    case 'ENOSPC':
    case 'EDQUOT':
    case 'DESTINATION_FULL':
      return new DestinationFullError(subject, cause);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'DESTINATION_PERMISSION':
      return new DestinationPermissionError(subject, cause);
    default:
      return new DockError(wire.code, wire.message, { cause });
  }
}
