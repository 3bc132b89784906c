import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ForwarderStatus } from '../forwarder/forwarder-status.ts';
import type { Ledger } from '../ledger/ledger.ts';

/** The thresholds of the dock's own alerts (config `alerts`). */
export interface AlertThresholds {
  readonly storageLowPercent: number;
  readonly forwardBacklogHours: number;
}

/** What the monitor watches. */
export interface AlertMonitorDeps {
  readonly ledger: Ledger;
  readonly vaultDir: string;
  readonly forwarder: () => ForwarderStatus | null;
  readonly thresholds: AlertThresholds;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Free and total bytes of the file system holding `dir` (injected for tests). */
  readonly diskSpace?: (dir: string) => Promise<{ freeBytes: number; totalBytes: number }>;
}

async function statfsSpace(dir: string): Promise<{ freeBytes: number; totalBytes: number }> {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/**
 * Raises and clears the alerts the dock finds on its own: the vault running out of space, and
 * indexes not reaching the central store (R13). An alert opens once while the condition holds
 * and is resolved by `dockd` when it clears, so the page shows both times.
 */
export class AlertMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: AlertMonitorDeps) {}

  /** Check now and then every `intervalMs`. */
  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.checkNow(), intervalMs);
    this.timer.unref();
    void this.checkNow();
  }

  /** Stop checking; waits for a check in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Run both checks once (a check already running is joined, not repeated). */
  checkNow(): Promise<void> {
    this.running ??= this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async check(): Promise<void> {
    try {
      await this.checkStorage();
      this.checkForwarding();
    } catch (err) {
      this.deps.logger.warn({ err }, 'alert check failed');
    }
  }

  private async checkStorage(): Promise<void> {
    const space = await (this.deps.diskSpace ?? statfsSpace)(this.deps.vaultDir);
    if (space.totalBytes <= 0) return;
    const freePct = (space.freeBytes * 100) / space.totalBytes;
    const low = freePct < this.deps.thresholds.storageLowPercent;
    this.setCondition('storage-low', 'vault', low, 'critical', {
      freeBytes: space.freeBytes,
      totalBytes: space.totalBytes,
      freePercent: Math.floor(freePct),
      thresholdPercent: this.deps.thresholds.storageLowPercent,
    });
  }

  private checkForwarding(): void {
    const status = this.deps.forwarder();
    if (!status) return;
    const oldest = status.oldestUnsentAt ? Date.parse(status.oldestUnsentAt) : null;
    const ageHours = oldest === null ? 0 : (this.deps.now().getTime() - oldest) / 3_600_000;
    const behind = status.backlog > 0 && ageHours >= this.deps.thresholds.forwardBacklogHours;
    this.setCondition('forward-backlog', 'forwarder', behind, 'warning', {
      backlog: status.backlog,
      oldestUnsentAt: status.oldestUnsentAt,
      target: status.target,
      thresholdHours: this.deps.thresholds.forwardBacklogHours,
    });
  }

  private setCondition(
    kind: string,
    subject: string,
    holds: boolean,
    severity: 'warning' | 'critical',
    detail: Record<string, unknown>,
  ): void {
    const { ledger } = this.deps;
    const open = ledger.queries.openAlerts().find((a) => a.kind === kind && a.subject === subject);
    if (holds && !open) {
      ledger.openAlert({ kind, severity, subject, detail: JSON.stringify(detail) });
      this.deps.logger.warn({ kind, ...detail }, 'alert raised');
    } else if (!holds && open) {
      ledger.resolveAlert(open.id, { resolvedBy: 'dockd', note: 'cleared' });
      this.deps.logger.info({ kind }, 'alert cleared');
    }
  }
}
