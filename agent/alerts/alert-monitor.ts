import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ForwarderStatus } from '../forwarder/forwarder-status.ts';
import type { AlertFacts } from '../ledger/alert-kinds.ts';
import type { AnyAlertInput } from '../ledger/alert-writes.ts';
import type { AlertRecord } from '../ledger/ledger-records.ts';
import { subjectKey } from '../ledger/subjects.ts';

/** The ledger as the monitor uses it (the real Ledger satisfies it). */
export interface MonitorLedger {
  readonly queries: { openAlerts(): AlertRecord[] };
  openAlert(input: AnyAlertInput): AlertRecord;
  resolveAlert(alertId: string, input: { resolvedBy: string; note: string }): AlertRecord;
}

/** The thresholds of the dock's own alerts (config `alerts`). */
export interface AlertThresholds {
  readonly storageLowPercent: number;
  readonly forwardBacklogHours: number;
}

/** What the monitor watches. */
export interface AlertMonitorDeps {
  readonly ledger: MonitorLedger;
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

  /** Each check on its own: one that fails (a vault folder not there yet) never skips the other. */
  private async check(): Promise<void> {
    for (const [name, run] of [
      ['storage', () => this.checkStorage()],
      ['forwarding', async () => this.checkForwarding()],
    ] as const) {
      try {
        await run();
      } catch (err) {
        this.deps.logger.warn({ check: name, err: (err as Error).message }, 'alert check failed');
      }
    }
  }

  private async checkStorage(): Promise<void> {
    const space = await (this.deps.diskSpace ?? statfsSpace)(this.deps.vaultDir);
    if (space.totalBytes <= 0) return;
    const freePct = (space.freeBytes * 100) / space.totalBytes;
    const low = freePct < this.deps.thresholds.storageLowPercent;
    const facts: AlertFacts<'storage-low'> = {
      freeBytes: space.freeBytes,
      totalBytes: space.totalBytes,
      freePercent: Math.floor(freePct),
      limitPercent: this.deps.thresholds.storageLowPercent,
    };
    this.setCondition(low, {
      kind: 'storage-low',
      severity: 'critical',
      subject: subjectKey({ kind: 'vault' }),
      facts,
      detail: `the vault has ${facts.freePercent}% free (${facts.freeBytes} of ${facts.totalBytes} bytes; alert below ${facts.limitPercent}%): free space or add a disk before it fills`,
    });
  }

  private checkForwarding(): void {
    const status = this.deps.forwarder();
    if (!status) return;
    const oldest = status.oldestUnsentAt ? Date.parse(status.oldestUnsentAt) : null;
    const ageHours = oldest === null ? 0 : (this.deps.now().getTime() - oldest) / 3_600_000;
    const behind = status.backlog > 0 && ageHours >= this.deps.thresholds.forwardBacklogHours;
    const facts: AlertFacts<'forward-backlog'> = {
      records: status.backlog,
      oldestAt: status.oldestUnsentAt,
      target: status.target,
      limitHours: this.deps.thresholds.forwardBacklogHours,
    };
    this.setCondition(behind, {
      kind: 'forward-backlog',
      severity: 'warning',
      subject: subjectKey({ kind: 'forwarder' }),
      facts,
      detail: `${facts.records} records have not reached the central store (${facts.target}) for more than ${facts.limitHours} h: check the link and 'dockctl forward status' (R13)`,
    });
  }

  private setCondition(holds: boolean, alert: AnyAlertInput): void {
    const { ledger } = this.deps;
    const open = ledger.queries
      .openAlerts()
      .find((a) => a.kind === alert.kind && a.subject === alert.subject);
    if (holds && !open) {
      ledger.openAlert(alert);
      this.deps.logger.warn({ kind: alert.kind, ...alert.facts }, 'alert raised');
    } else if (!holds && open) {
      ledger.resolveAlert(open.id, { resolvedBy: 'dockd', note: 'cleared' });
      this.deps.logger.info({ kind: alert.kind }, 'alert cleared');
    }
  }
}
