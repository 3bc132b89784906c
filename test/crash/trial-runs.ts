import { chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChildRun } from './child-run.ts';
import type { CrashApp } from './crash-app.ts';
import type { PowerCutMount } from './powercut-mount.ts';
import type { RecorderSpec, RunSpec } from './run-spec.ts';
import type { ServiceUser } from './service-user.ts';
import type { RunEnding, RunRecord } from './trial-record.ts';
import type { TrialPaths } from './trial-world.ts';

/** What every run of a trial shares. */
export interface RunContext {
  readonly app: CrashApp;
  readonly user: ServiceUser;
  readonly paths: TrialPaths;
  readonly recorders: readonly RecorderSpec[];
  readonly layer: PowerCutMount | null;
  /** A run that has not docked every recorder by then is hung. */
  readonly timeoutMs: number;
}

/**
 * One dockd start: dock every recorder, then (with `drain`) wait until the forwarder delivered
 * everything, and stop cleanly — unless the armed failpoint fires first. A `power` failpoint freezes dockd; the layer then drops every
 * write not fsynced and dockd is killed, as a power cut would end it.
 */
export async function runOnce(
  ctx: RunContext,
  name: RunRecord['name'],
  failpoints: string | null,
  drain = true,
): Promise<RunRecord> {
  const started = Date.now();
  const specFile = path.join(ctx.paths.harness, `run-${name}.json`);
  const spec: RunSpec = { config: ctx.paths.config, recorders: ctx.recorders };
  await writeFile(specFile, JSON.stringify(spec, null, 2), { mode: 0o644 });
  // Each run counts its failpoint's hits afresh.
  const counts = path.join(ctx.paths.failpointCounts, name);
  await mkdir(counts, { recursive: true });
  await chown(counts, ctx.user.uid, ctx.user.gid);
  const child = new ChildRun({
    app: ctx.app,
    user: ctx.user,
    specFile,
    logFile: path.join(ctx.paths.harness, `run-${name}.log`),
    tmpDir: ctx.paths.tmp,
    failpoints,
    failpointCounts: counts,
  });
  const { ending, cut } = await runEnding(ctx, child, drain);
  const exit = await child.exited;
  await child.closeLog();
  return {
    name,
    failpoints,
    fired: child.fired,
    ending,
    exit,
    results: child.of('result'),
    identity: child.of('identity')[0] ?? null,
    drained: child.of('drained')[0] ?? null,
    grewDuringCopy: child
      .of('grown')
      .filter((g) => g.duringCopy)
      .map((g) => g.relPath),
    startedAt: started,
    cut,
    stderrTail: child.stderr.join(' | ').slice(0, 600),
    ms: Date.now() - started,
  };
}

/** Wait for the run to dock everything (or its failpoint to fire), then end it; say how it ended. */
async function runEnding(
  ctx: RunContext,
  child: ChildRun,
  drain: boolean,
): Promise<{ ending: RunEnding; cut: RunRecord['cut'] }> {
  const serials = ctx.recorders.map((r) => r.serial);
  const docked = () => serials.every((s) => child.of('result').some((r) => r.serial === s));
  const stopped = () => child.done || child.fired !== null;
  let ending: RunEnding = 'crashed';
  if (!(await child.until(() => stopped() || docked(), ctx.timeoutMs))) ending = 'hung';
  else if (!stopped() && drain) {
    child.send('drain');
    const drained = await child.until(() => stopped() || child.of('drained').length > 0, 60_000);
    if (!drained) ending = 'hung';
    else if (!stopped()) ending = (await child.terminate()).code === 0 ? 'clean' : 'crashed';
  } else if (!stopped()) ending = (await child.terminate()).code === 0 ? 'clean' : 'crashed';
  if (child.fired) return afterFailpoint(ctx, child);
  if (ending === 'hung') await child.kill();
  return { ending, cut: null };
}

async function afterFailpoint(
  ctx: RunContext,
  child: ChildRun,
): Promise<{ ending: RunEnding; cut: RunRecord['cut'] }> {
  const action = child.fired?.action;
  if (action === 'power') {
    await child.until(() => child.done || child.state() === 'T', 10_000);
    await child.kill();
    if (!ctx.layer) return { ending: 'killed', cut: null };
    const cut = await ctx.layer.cut();
    await ctx.layer.boot();
    return { ending: 'power-cut', cut };
  }
  if (action === 'kill') {
    const ok = await child.until(() => child.done, 10_000);
    if (!ok) await child.kill();
    return { ending: 'killed', cut: null };
  }
  const ok = await child.until(() => child.done, 60_000);
  if (!ok) {
    await child.kill();
    return { ending: 'hung', cut: null };
  }
  const exit = await child.exited;
  return { ending: exit.code === 0 ? 'terminated' : 'crashed', cut: null };
}
