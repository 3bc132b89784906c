import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildGaSimLibrary } from '../../drivers/sim/ga-sim-build.ts';
import { buildClipLibrary } from './clip-library.ts';
import { buildCrashApp } from './crash-app.ts';
import { checkPowerCutSupport } from './powercut-mount.ts';
import { ensureServiceUser } from './service-user.ts';
import { planTrial } from './trial-plan.ts';
import type { TrialRecord } from './trial-record.ts';
import { type CampaignContext, runTrial } from './trial-runner.ts';

/** How to run a campaign. */
export interface CampaignOptions {
  readonly seed: number;
  /** Trial numbers to run (a campaign of N runs 0…N-1; a reproduction runs one). */
  readonly trials: readonly number[];
  /** Work folder: the bundle, the clip library, the trials. */
  readonly dir: string;
  readonly repoRoot: string;
  readonly keepFailed: boolean;
  /** Trials run at once (each is a few processes; 2 suits a 2-core box). */
  readonly jobs?: number;
  /** Called after each trial (progress lines). */
  readonly onTrial?: (t: TrialRecord, index: number) => void;
}

/** Everything a campaign needs before its first trial: root, FUSE, the user, the bundle, the clips. */
export async function prepareCampaign(opts: CampaignOptions): Promise<CampaignContext> {
  checkPowerCutSupport();
  const user = ensureServiceUser();
  await mkdir(opts.dir, { recursive: true });
  // The service user walks through it to its trial folders.
  await chmod(opts.dir, 0o755);
  await buildGaSimLibrary();
  const [app, library] = await Promise.all([
    buildCrashApp(opts.repoRoot, path.join(opts.dir, 'app')),
    buildClipLibrary(path.join(opts.dir, 'library')),
  ]);
  const trials = path.join(opts.dir, 'trials');
  await mkdir(trials, { recursive: true });
  await chmod(trials, 0o755);
  return { app, user, library, dir: trials, keepFailed: opts.keepFailed, runTimeoutMs: 90_000 };
}

/** Run the trials of a campaign, `jobs` at a time; results come back in trial order. */
export async function runCampaign(opts: CampaignOptions): Promise<TrialRecord[]> {
  const ctx = await prepareCampaign(opts);
  const out: TrialRecord[] = new Array(opts.trials.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < opts.trials.length) {
      const i = next++;
      const record = await runTrial(planTrial(opts.seed, opts.trials[i] as number), ctx);
      out[i] = record;
      opts.onTrial?.(record, done++);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 1) }, worker));
  return out;
}
