import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Failpoints: named places where the crash campaign (test/crash/, `make crash`) makes the process
 * die, as etcd's gofail does. A call costs one comparison unless the environment arms it:
 *
 *   DOCK_FAILPOINTS="ingest.copy.block~DCIM/100MEDIA/x.MP4=3:kill;fs.durable.renamed=1:power"
 *
 * Each entry is `name[~subject]=N:action`: at the N-th hit of `name` whose subject contains the
 * given text, the action runs once. Actions: `kill` (SIGKILL self), `term` (SIGTERM self: a clean
 * stop, as `systemctl restart`), `power` (tell the harness, then SIGSTOP self, so that it can cut
 * the power of the file system under a frozen process). Before acting, one JSON line naming the
 * point goes to the file descriptor in DOCK_FAILPOINTS_FD (default 2). Hits are counted across
 * worker threads when DOCK_FAILPOINTS_DIR names a writable folder (one file per hit), else per thread.
 */
export type FailpointAction = 'kill' | 'term' | 'power';

/** One armed point. */
export interface FailpointRule {
  readonly name: string;
  readonly subject: string | null;
  readonly occurrence: number;
  readonly action: FailpointAction;
}

const ACTIONS: readonly FailpointAction[] = ['kill', 'term', 'power'];
const RULE = /^([a-z0-9.-]+)(?:~([^=]+))?=(\d+):([a-z]+)$/;

/** Parse a DOCK_FAILPOINTS value; throws naming the entry that does not fit the syntax. */
export function parseFailpoints(spec: string): FailpointRule[] {
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry) => {
      const m = RULE.exec(entry);
      const action = m?.[4] as FailpointAction | undefined;
      if (!m || !action || !ACTIONS.includes(action) || Number(m[3]) < 1) {
        throw new Error(
          `DOCK_FAILPOINTS entry '${entry}' is not name[~subject]=N:kill|term|power with N ≥ 1`,
        );
      }
      return { name: m[1] as string, subject: m[2] ?? null, occurrence: Number(m[3]), action };
    });
}

interface Armed {
  readonly rules: FailpointRule[];
  readonly fired: Set<FailpointRule>;
  readonly counts: Map<FailpointRule, number>;
  readonly countDir: string | null;
  readonly notifyFd: number;
}

function arm(env: NodeJS.ProcessEnv): Armed | null {
  const spec = env.DOCK_FAILPOINTS;
  if (!spec) return null;
  return {
    rules: parseFailpoints(spec),
    fired: new Set(),
    counts: new Map(),
    countDir: env.DOCK_FAILPOINTS_DIR || null,
    notifyFd: Number(env.DOCK_FAILPOINTS_FD ?? 2),
  };
}

const armed: Armed | null = arm(process.env);

/** True when DOCK_FAILPOINTS arms any point: call sites skip computing a costly subject otherwise. */
export const failpointsArmed = armed !== null;

/** A hit of `name` (with the file or event it concerns). Does nothing unless DOCK_FAILPOINTS arms it. */
export function failpoint(name: string, subject?: string): void {
  if (armed === null) return;
  for (const rule of armed.rules) {
    if (rule.name !== name || armed.fired.has(rule)) continue;
    if (rule.subject !== null && !(subject ?? '').includes(rule.subject)) continue;
    if (nextHit(armed, rule) !== rule.occurrence) continue;
    armed.fired.add(rule);
    act(armed, rule, subject ?? null);
  }
}

/** The number of this hit, counted across threads through exclusive file creation when possible. */
function nextHit(a: Armed, rule: FailpointRule): number {
  if (a.countDir === null) {
    const n = (a.counts.get(rule) ?? 0) + 1;
    a.counts.set(rule, n);
    return n;
  }
  const id = `${rule.name}~${rule.subject ?? ''}`.replace(/[^A-Za-z0-9.~-]/g, '_');
  for (let n = 1; ; n++) {
    try {
      closeSync(openSync(path.join(a.countDir, `${id}.${n}`), 'wx'));
      return n;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function act(a: Armed, rule: FailpointRule, subject: string | null): void {
  const line = JSON.stringify({ failpoint: rule.name, subject, hit: rule.occurrence, action: rule.action });
  try {
    writeSync(a.notifyFd, `${line}\n`);
  } catch {
    // the harness may have closed its end; the action still runs
  }
  if (rule.action === 'kill') process.kill(process.pid, 'SIGKILL');
  else if (rule.action === 'term') process.kill(process.pid, 'SIGTERM');
  else process.kill(process.pid, 'SIGSTOP');
}
