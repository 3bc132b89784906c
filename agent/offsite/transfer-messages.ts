import type { WriteJob } from './object-writer.ts';
import type { FolderOffsiteTarget, S3OffsiteTarget } from './offsite-config.ts';
import type { ObjectVersion } from './offsite-store.ts';
import type { ReadBack } from './read-back.ts';
import type { Seal } from './transfers.ts';

/** What the transfer thread is started with (workerData): plain data only. */
export interface TransferThreadSetup {
  readonly target: S3OffsiteTarget | FolderOffsiteTarget;
  readonly journalDir: string;
  readonly bytesPerSecond: number;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly partConcurrency: number;
  /** The copy windows ("19:00-07:30") and the dock's time zone: parts start only inside them. */
  readonly windows: readonly string[];
  readonly timeZone: string;
  readonly logLevel: string;
}

/** Requests to the thread. */
export type TransferRequest =
  | { readonly type: 'write'; readonly id: number; readonly job: WriteJob }
  | { readonly type: 'readBack'; readonly id: number; readonly version: ObjectVersion; readonly seal: Seal }
  | { readonly type: 'abort' }
  | { readonly type: 'resume' }
  | { readonly type: 'close' };

/** An error as it crosses the thread: what isNotFound, storeErrorText and the copier look at. */
export interface TransferError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly httpStatusCode?: number;
  /** A CopyPausedError: cut between parts, resumes from the journal. */
  readonly paused: boolean;
}

/** Messages from the thread. */
export type TransferReply =
  | { readonly type: 'ready' }
  | { readonly type: 'written'; readonly id: number; readonly version: ObjectVersion }
  | { readonly type: 'readBack'; readonly id: number; readonly result: ReadBack }
  | { readonly type: 'failed'; readonly id: number; readonly error: TransferError }
  | { readonly type: 'bytes'; readonly bytes: number }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'closed' };
