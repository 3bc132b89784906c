import type { GuestAgent, GuestResult } from './guest-agent.ts';

/** A string as one bash word, quoted. */
export function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The dock's log lines, as journald keeps them (`-o cat`: the JSON after the priority prefix). */
export const DOCK_UNITS = ['recorder-dock.service', 'recorder-dock-mountd.service'];

/**
 * The guest seen through its agent: the journal as the clock of events. Every wait takes the
 * journal's cursor before the action and follows the journal after it, so nothing is missed and
 * nothing is slept on.
 */
export class GuestShell {
  constructor(readonly agent: GuestAgent) {}

  /** Run a script that must succeed; its stdout. */
  sh(script: string, timeoutMs?: number): Promise<string> {
    return this.agent.sh(script, timeoutMs);
  }

  /** Run a script; its exit code and output, whatever they are. */
  run(script: string, timeoutMs?: number): Promise<GuestResult> {
    return this.agent.run(script, timeoutMs);
  }

  /** The journal's current end, to follow from. */
  async cursor(): Promise<string> {
    const out = await this.sh('journalctl -q -n 0 --show-cursor');
    const cursor = /-- cursor: (\S+)/.exec(out)?.[1];
    if (!cursor) throw new Error(`journalctl gave no cursor: ${out}`);
    return cursor;
  }

  /**
   * The first journal line after `cursor` matching the extended regex `pattern` (in the units
   * given, else the whole journal), waiting at most `timeoutMs`. Rejects when none comes.
   */
  async waitJournal(
    cursor: string,
    pattern: string,
    timeoutMs: number,
    units: readonly string[] = DOCK_UNITS,
  ): Promise<string> {
    const seconds = Math.ceil(timeoutMs / 1000);
    const unitArgs = units.map((u) => `-u ${shq(u)}`).join(' ');
    const script = [
      `exec {fd}< <(exec timeout ${seconds} journalctl -f -q -o cat ${unitArgs} --after-cursor=${shq(cursor)})`,
      'jp=$!',
      `line=$(grep -m1 -E -- ${shq(pattern)} <&$fd); rc=$?`,
      'kill $jp 2>/dev/null',
      'printf "%s\\n" "$line"',
      'exit $rc',
    ].join('\n');
    const r = await this.run(script, timeoutMs + 15_000);
    if (r.code !== 0) throw new Error(`no journal line matching ${pattern} within ${seconds} s`);
    return r.stdout.trim();
  }

  /** A dock step of the recorder with this serial, after `cursor`. */
  waitStep(cursor: string, serial: string, step: string, timeoutMs: number): Promise<string> {
    return this.waitJournal(cursor, `"serial":"${serial}","step":"${step}"`, timeoutMs);
  }

  /** `dockctl ARGS --json` as root (as the office's administrator runs it), parsed. */
  async dockctlJson<T>(args: string, timeoutMs = 120_000): Promise<T> {
    const out = await this.sh(`dockctl ${args} --json`, timeoutMs);
    return JSON.parse(out) as T;
  }

  /** dockd's main pid. */
  async dockdPid(): Promise<number> {
    return Number((await this.sh('systemctl show -p MainPID --value recorder-dock')).trim());
  }
}
