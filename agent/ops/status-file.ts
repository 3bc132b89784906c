import { promises as fsp } from 'node:fs';
import path from 'node:path';

/**
 * The daemon's live state as a small JSON file in the run directory (`status.json`), rewritten
 * every second: what `dockctl status` shows beside the ledger. It is a view, not a record, so it
 * is replaced atomically (temp + rename) without fsync.
 */
export class StatusFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly intervalMs = 1000,
  ) {}

  /** Start rewriting the file; the first write happens at once. */
  async start(): Promise<void> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await this.write();
    this.timer = setInterval(() => {
      this.writing = this.writing.then(() => this.write()).catch(() => {});
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stop and remove the file: no daemon, no live status. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    await fsp.rm(this.file, { force: true });
  }

  private async write(): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fsp.writeFile(
      tmp,
      `${JSON.stringify({ pid: process.pid, at: new Date().toISOString(), ...(this.snapshot() as object) })}\n`,
    );
    await fsp.rename(tmp, this.file);
  }
}

/** Read the daemon's status file; null when no daemon is running (no file, or its process is gone). */
export async function readStatusFile(file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return null;
  }
  const status = JSON.parse(text) as Record<string, unknown>;
  try {
    process.kill(status.pid as number, 0);
  } catch {
    return null;
  }
  return status;
}
