import { DockError } from '../errors.ts';

/** A purge the rules do not allow (retention not ended, a hold): one sentence saying why. */
export class PurgeRefusedError extends DockError {
  constructor(message: string) {
    super('PURGE_REFUSED', message);
  }
}

/** A clip evicted locally could not be fetched back and verified against its seal. */
export class FetchBackError extends DockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FETCH_BACK_FAILED', message, options);
  }
}
