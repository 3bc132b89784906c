import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isDockError } from '../errors.ts';
import type { CreateExportInput } from '../export/export-service.ts';
import type { ExportRecord } from '../ledger/access-records.ts';
import { BadRequestError } from './web-errors.ts';

/** One export package being written for the page (state is in memory; the result is in the ledger). */
export interface ExportJob {
  readonly id: string;
  readonly requestId: string;
  readonly createdBy: string;
  readonly startedAt: Date;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  bytes: number;
  exportId: string | null;
  /** One sentence for the page when it failed. */
  error: string | null;
}

/** Writes one export package (EXPORT's createExport with the dock's directories bound). */
export type ExportRunner = (
  input: CreateExportInput,
  onProgress: (p: { done: number; total: number; bytes: number }) => void,
) => Promise<ExportRecord>;

const KEEP_FINISHED = 50;

/**
 * Export packages started from the page run off the request: the form returns at once and the
 * exports page shows each job's progress, then its result or its one-sentence failure.
 */
export class ExportJobs {
  private readonly jobs: ExportJob[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly run: ExportRunner,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /** Start writing the package of an approved export request; refuses a second run of the same request. */
  start(input: CreateExportInput): ExportJob {
    if (this.jobs.some((j) => j.requestId === input.requestId && j.state === 'running'))
      throw new BadRequestError('an export package of this request is being written already: wait for it');
    const job: ExportJob = {
      id: randomUUID(),
      requestId: input.requestId,
      createdBy: input.createdBy,
      startedAt: this.now(),
      state: 'running',
      done: 0,
      total: 0,
      bytes: 0,
      exportId: null,
      error: null,
    };
    this.jobs.unshift(job);
    const p = this.execute(job, input).finally(() => this.running.delete(p));
    this.running.add(p);
    this.trim();
    return job;
  }

  private async execute(job: ExportJob, input: CreateExportInput): Promise<void> {
    const started = Date.now();
    try {
      const record = await this.run(input, (p) => {
        job.done = p.done;
        job.total = p.total;
        job.bytes = p.bytes;
      });
      job.exportId = record.id;
      job.bytes = record.bytes;
      job.state = 'done';
      this.logger.info(
        { job: job.id, exportId: record.id, ms: Date.now() - started },
        'export package written',
      );
    } catch (err) {
      job.state = 'failed';
      job.error = isDockError(err) ? err.message : null;
      if (isDockError(err)) this.logger.warn({ job: job.id, code: err.code }, 'export package refused');
      else this.logger.error({ job: job.id, err }, 'export package failed');
    }
  }

  private trim(): void {
    while (this.jobs.length > KEEP_FINISHED) {
      const idx = this.jobs.findLastIndex((j) => j.state !== 'running');
      if (idx < 0) break;
      this.jobs.splice(idx, 1);
    }
  }

  /** Jobs of this process, newest first (optionally one user's). */
  list(createdBy?: string): readonly ExportJob[] {
    return createdBy ? this.jobs.filter((j) => j.createdBy === createdBy) : [...this.jobs];
  }

  /** Resolves when no job is running (close the server, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
