import { DockError } from '../errors.ts';

/** The reason a signal was aborted with, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DockError('INGEST_STOPPED', 'the copy was stopped before this file');
}

/**
 * `work`'s outcome, or the signal's reason as soon as `signal` aborts: the caller stops waiting
 * for work that may never end (a read of a recorder that is gone). The work itself runs on and
 * its outcome is dropped.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => {}); // observed here even when nobody waits for it any more
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
