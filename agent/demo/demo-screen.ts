import { progressLine } from '../cli/progress-line.ts';
import type { DockManager } from '../dock/dock-manager.ts';
import type { Ledger } from '../ledger/ledger.ts';

/**
 * What the demo shows in its terminal: each session's steps and each sealed clip as lines, and
 * the files copying right now as live progress lines (redrawn in a terminal, printed every few
 * seconds otherwise). It reads the manager's live status and the ledger; it changes nothing.
 */
export class DemoScreen {
  private readonly steps = new Map<string, string>();
  private readonly clipsShown = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private liveLines = 0;
  private lastPlain = 0;

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
    const status = this.manager.status();
    for (const s of status.sessions) {
      const name = s.serial ?? s.deviceKey;
      if (this.steps.get(name) !== s.step) {
        this.steps.set(name, s.step);
        this.say(`  ${name}  ${s.step}`);
      }
      if (s.sessionId) this.showClips(name, s.sessionId);
    }
    const live = status.sessions.flatMap((s) =>
      s.progress ? [`  ${s.serial}  ${progressLine(s.progress)}`] : [],
    );
    this.drawLive(live);
  }

  /** Print clips sealed since the last look, with their flags. */
  showClips(name: string, sessionId: string): void {
    const clips = this.ledger.queries.sessionClips(sessionId);
    const shown = this.clipsShown.get(sessionId) ?? 0;
    for (const c of clips.slice(shown)) {
      const flags = c.flags.length > 0 ? `  [${c.flags.join(', ')}]` : '';
      this.say(`  ${name}  sealed ${c.sourcePath}  sha256 ${c.sha256.slice(0, 12)}…${flags}`);
    }
    this.clipsShown.set(sessionId, clips.length);
  }

  private drawLive(lines: string[]): void {
    if (this.out.isTTY) {
      this.clearLive();
      for (const l of lines) this.out.write(`${l.slice(0, (this.out.columns || 120) - 1)}\n`);
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
