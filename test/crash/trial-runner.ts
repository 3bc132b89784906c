import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { SlotLibrary } from './clip-library.ts';
import type { CrashApp } from './crash-app.ts';
import {
  type CustodyView,
  checkComplete,
  checkFaultsFlagged,
  checkLost,
  checkSealedTwice,
  checkUnsealedDelete,
  DigestCache,
} from './custody-checks.ts';
import type { Finding } from './invariants.ts';
import { killPoint } from './kill-points.ts';
import { readLedgerFacts } from './ledger-facts.ts';
import {
  checkDelivered,
  checkNoCrash,
  checkServiceUser,
  checkStaging,
  checkVerifyFiles,
} from './ops-checks.ts';
import { type PlantedWorld, plantFirstDocking, plantSecondDocking, targetClip } from './planting.ts';
import { PowerCutMount } from './powercut-mount.ts';
import { chownTree, type ServiceUser } from './service-user.ts';
import type { FaultPlan, TrialSpec } from './trial-plan.ts';
import type { RunRecord, TrialRecord } from './trial-record.ts';
import { type RunContext, runOnce } from './trial-runs.ts';
import { prepareWorld, type TrialPaths, trialPaths } from './trial-world.ts';

/** What every trial of a campaign shares. */
export interface CampaignContext {
  readonly app: CrashApp;
  readonly user: ServiceUser;
  readonly library: readonly SlotLibrary[];
  /** Trials go below it, one folder each. */
  readonly dir: string;
  /** Keep a trial's folder (logs, ledger, vault) when it broke an invariant. */
  readonly keepFailed: boolean;
  readonly runTimeoutMs: number;
}

const BLOCK = 256 * 1024; // ingest.bufferBytes of the trial config
const CHECKPOINT = 1024 * 1024; // ingest.checkpointBytes

/** The DOCK_FAILPOINTS entry of a fault: the point, its subject, the hit, the trial's stop mode. */
export function failpointEntry(spec: TrialSpec, lib: readonly SlotLibrary[], fault: FaultPlan): string {
  const point = killPoint(fault.point);
  let subject = point.fixedSubject ?? null;
  let hit = fault.hit;
  if (point.subject === 'file' && fault.target) {
    const clip = targetClip(spec, lib, fault.target);
    subject = clip.relPath;
    const scale =
      point.maxHit > 0
        ? point.maxHit
        : point.failpoint === 'ingest.copy.checkpoint'
          ? Math.max(1, Math.floor(clip.size / CHECKPOINT))
          : Math.max(1, Math.ceil(clip.size / BLOCK));
    hit = 1 + Math.floor(fault.hit * scale);
  }
  return `${point.failpoint}${subject ? `~${subject}` : ''}=${hit}:${spec.mode}`;
}

/** Run one trial: plant, dock with its faults, plant the second docking, recover, re-dock, check. */
export async function runTrial(spec: TrialSpec, ctx: CampaignContext): Promise<TrialRecord> {
  const started = Date.now();
  const paths = trialPaths(
    path.join(ctx.dir, `trial-${String(spec.trial).padStart(4, '0')}`),
    spec.mode === 'power',
  );
  await rm(paths.root, { recursive: true, force: true });
  await prepareWorld(paths, ctx.user);
  const world = await plantFirstDocking(spec, ctx.library, paths.world, ctx.user);
  await chownTree(path.join(paths.world, 'recorders'), ctx.user);
  const layer = paths.layer ? await PowerCutMount.start(paths.layer) : null;
  const runs: RunRecord[] = [];
  let findings: Finding[] = [];
  try {
    const run: RunContext = {
      app: ctx.app,
      user: ctx.user,
      paths,
      recorders: world.recorders,
      layer,
      timeoutMs: ctx.runTimeoutMs,
    };
    const entries = spec.faults.map((f) => failpointEntry(spec, ctx.library, f));
    if (spec.setup) {
      const setup = spec.setup === 'clean' ? null : failpointEntry(spec, ctx.library, spec.setup);
      runs.push(await runOnce(run, 'A0', setup));
    }
    runs.push(await runOnce(run, 'A', entries[0] ?? null));
    if (entries[1]) runs.push(await runOnce(run, 'A2', entries[1]));
    await plantSecondDocking(spec, ctx.library, world, ctx.user);
    await chownTree(path.join(paths.world, 'recorders'), ctx.user);
    runs.push(await runOnce(run, 'B', null, false));
    runs.push(await runOnce(run, 'C', null));
    findings = await checkTrial(paths, world, runs, ctx);
  } finally {
    await layer?.stop();
  }
  const keep = ctx.keepFailed && findings.length > 0;
  if (!keep) await rm(paths.root, { recursive: true, force: true });
  return {
    spec,
    point: spec.faults[0]?.point ?? 'none',
    runs,
    sameName: world.sameName,
    findings,
    ms: Date.now() - started,
    keptAt: keep ? paths.root : null,
  };
}

async function checkTrial(
  paths: TrialPaths,
  world: PlantedWorld,
  runs: readonly RunRecord[],
  ctx: CampaignContext,
): Promise<Finding[]> {
  const last = runs.at(-1);
  const out: Finding[] = [...(await checkServiceUser(paths, runs, ctx.user)), ...checkNoCrash(runs)];
  if (last?.ending !== 'clean')
    out.push({
      invariant: 'session-complete',
      detail: `the re-dock (run C) did not finish: it ${last?.ending}`,
    });
  let facts: Awaited<ReturnType<typeof readLedgerFacts>>;
  try {
    facts = await readLedgerFacts(path.join(paths.stateDir, 'ledger.db'), paths.harness);
  } catch (err) {
    out.push({
      invariant: 'lost',
      detail: `the ledger cannot be read after the trial: ${(err as Error).message}`,
    });
    return out;
  }
  const view: CustodyView = { world, facts, vaultDir: paths.vaultDir, digests: new DigestCache() };
  out.push(
    ...(await checkLost(view)),
    ...checkSealedTwice(view),
    ...(await checkUnsealedDelete(view)),
    ...(await checkVerifyFiles(paths, ctx.app, ctx.user)),
    ...(await checkDelivered(paths, facts, last)),
    ...(await checkComplete(view)),
    ...(await checkStaging(paths, world)),
    ...(await checkFaultsFlagged(
      view,
      runs.flatMap((r) =>
        r.grewDuringCopy.map((relPath) => ({ relPath, from: r.startedAt, to: r.startedAt + r.ms })),
      ),
    )),
  );
  return out;
}
