import { wallClock, zonedInstant } from '../time/zoned-time.ts';

/** One daily window, minutes after local midnight; `to` ≤ `from` runs past midnight. */
interface Window {
  readonly from: number;
  readonly to: number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** Parse "19:00-07:30"; throws one sentence naming the text when it is not a window. */
export function parseWindow(text: string): Window {
  const m = WINDOW.exec(text);
  if (!m) throw new Error(`the copy window '${text}' is not HH:MM-HH:MM (for example 19:00-07:30)`);
  return { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) };
}

/**
 * When off-site copies may use the office link: daily windows in the dock's time zone, so the
 * link is not flooded during work hours. No windows: any time.
 */
export class CopyWindows {
  private readonly windows: Window[];

  constructor(
    texts: readonly string[],
    private readonly timeZone: string,
  ) {
    this.windows = texts.map(parseWindow);
  }

  private minuteOfDay(ms: number): number {
    const w = wallClock(ms, this.timeZone);
    return w.hour * 60 + w.minute;
  }

  /** Whether copying may run at `ms`. */
  isOpen(ms: number): boolean {
    if (this.windows.length === 0) return true;
    const m = this.minuteOfDay(ms);
    return this.windows.some((w) =>
      w.from === w.to ? true : w.from < w.to ? m >= w.from && m < w.to : m >= w.from || m < w.to,
    );
  }

  /** Milliseconds from `ms` until a window opens (0 when one is open now). */
  msUntilOpen(ms: number): number {
    if (this.isOpen(ms)) return 0;
    const today = wallClock(ms, this.timeZone);
    let best = Number.POSITIVE_INFINITY;
    for (const w of this.windows) {
      for (const dayOffset of [0, 1]) {
        const at = zonedInstant(
          this.timeZone,
          today.year,
          today.month,
          today.day + dayOffset,
          Math.floor(w.from / 60),
          w.from % 60,
        );
        if (at > ms) best = Math.min(best, at - ms);
      }
    }
    return best;
  }
}
