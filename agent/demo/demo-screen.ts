import { progressLine } from '../cli/progress-line.ts';
import { fitColumns } from '../cli/table.ts';
import type { DockManager } from '../dock/dock-manager.ts';
import type { Ledger } from '../ledger/ledger.ts';

/**
 * What the demo shows in its terminal: each session step and each sealed clip as a line, and the
 * files copying right now as live progress lines (redrawn in a terminal, printed every few
 * seconds otherwise). Steps and seals are read from the ledger by sequence number, so every one
 * is printed, however briefly its session lived; the live block is redrawn below them and never
 * wider than the terminal, so a redraw cannot overwrite a printed line. It changes nothing.
 */
export class DemoScreen {
  private timer: NodeJS.Timeout | undefined;
  private liveLines = 0;
  private lastPlain = 0;
  private lastStepSeq = 0;
  private lastSealSeq = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly manager: DockManager,
    private readonly ledger: Ledger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
    this.tick();
    this.clearLive();
  }

  /** Print a line above the live block. */
  say(line: string): void {
    this.clearLive();
    this.out.write(`${line}\n`);
  }

  private tick(): void {
    this.showLedger();
    const live = this.manager
      .status()
      .sessions.flatMap((s) => (s.progress ? [`  ${s.serial}  ${progressLine(s.progress)}`] : []));
    this.drawLive(live);
  }

  /** Print the steps and seals recorded since the last look, in the order they happened. */
  private showLedger(): void {
    const steps = this.ledger.queries.stepsAfter(this.lastStepSeq);
    const seals = this.ledger.queries.clipsSealedAfter(this.lastSealSeq);
    const lines = [
      ...steps.map((s) => ({ seq: s.seq, text: `  ${s.serial}  ${s.step}` })),
      ...seals.map((c) => {
        const flags = c.flags.length > 0 ? `  [${c.flags.join(', ')}]` : '';
        return {
          seq: c.sealSeq,
          text: `  ${c.serial}  sealed ${c.sourcePath}  sha256 ${c.sha256.slice(0, 12)}…${flags}`,
        };
      }),
    ].sort((a, b) => a.seq - b.seq);
    for (const l of lines) this.say(l.text);
    this.lastStepSeq = steps.at(-1)?.seq ?? this.lastStepSeq;
    this.lastSealSeq = seals.at(-1)?.sealSeq ?? this.lastSealSeq;
  }

  private drawLive(lines: string[]): void {
    if (this.out.isTTY) {
      this.clearLive();
      // One row per line: a line wider than the terminal would wrap, and the next redraw would
      // move up too few rows and overwrite what was printed above.
      const columns = Math.max(20, (this.out.columns || 80) - 1);
      for (const l of lines) this.out.write(`${fitColumns(l, columns)}\n`);
      this.liveLines = lines.length;
    } else if (lines.length > 0 && Date.now() - this.lastPlain > 2000) {
      this.lastPlain = Date.now();
      for (const l of lines) this.out.write(`${l}\n`);
    }
  }

  private clearLive(): void {
    if (!this.out.isTTY || this.liveLines === 0) return;
    this.out.write(`\x1b[${this.liveLines}A\x1b[J`);
    this.liveLines = 0;
  }
}
