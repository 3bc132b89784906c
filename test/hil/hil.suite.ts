import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exfatCheck, fatIngestCheck, heldCheck, yankCheck } from './checks/docking-checks.ts';
import { gadgetRecorderCheck, gaSdkCheck } from './checks/gadget-checks.ts';
import { restartCheck, watchdogCheck } from './checks/restart-checks.ts';
import { serialPermissionCheck, serialRecorderCheck } from './checks/serial-checks.ts';
import {
  doctorCheck,
  journalPriorityCheck,
  pageCheck,
  purgeCheck,
  stackPathCheck,
  verifyFilesCheck,
} from './checks/service-checks.ts';
import {
  bootCheck,
  deviceAllowCheck,
  installCheck,
  reloadOnceCheck,
  securityCheck,
  siteConfigCheck,
} from './checks/setup-checks.ts';
import type { HilCheck } from './hil-check.ts';
import { collectFailureEvidence, Evidence, type HilContext, startHil, stopHil } from './hil-context.ts';
import { OUTPUT_DIR } from './hil-paths.ts';
import { withTimeout } from './qmp-client.ts';

/** The checks of issue 14 (and issue 12 item 11), in the order they build on each other. */
const CHECKS: readonly HilCheck[] = [
  bootCheck,
  installCheck,
  reloadOnceCheck,
  deviceAllowCheck,
  securityCheck,
  siteConfigCheck,
  heldCheck,
  exfatCheck,
  yankCheck,
  journalPriorityCheck,
  serialPermissionCheck,
  serialRecorderCheck,
  restartCheck,
  watchdogCheck,
  gadgetRecorderCheck,
  gaSdkCheck,
  fatIngestCheck,
  doctorCheck,
  pageCheck,
  stackPathCheck,
  verifyFilesCheck,
  purgeCheck,
];

/**
 * `make hil`: the shipped package on a real USB stack under real systemd. One Debian 12 guest
 * (QEMU, TCG, one vCPU) boots, installs the .deb with apt and docks recorders through QMP; each
 * check is a named test whose evidence is kept under test-output/hil/<slug>/, and a failed
 * check leaves the guest's journal and the dock's logs beside its result.
 */
describe('HIL: recorder-dock on a Debian 12 guest with systemd, real USB through QEMU', () => {
  let ctx: HilContext | null = null;
  let startError: unknown = null;
  const results: { name: string; ok: boolean; seconds: number; error?: string }[] = [];
  const started = Date.now();

  before(
    async () => {
      try {
        ctx = await startHil();
      } catch (err) {
        startError = err;
      }
    },
    { timeout: 1_800_000 },
  );

  after(
    async () => {
      if (ctx) {
        ctx.figures.suiteSeconds = Math.round((Date.now() - started) / 1000);
        await stopHil(ctx);
      }
      await writeFile(path.join(OUTPUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    },
    { timeout: 120_000 },
  );

  // HIL_ONLY=slug,slug runs those checks (and the essential ones they build on), e.g. against an
  // older package with HIL_DEB to see which checks fail before a fix.
  const only = process.env.HIL_ONLY?.split(',').filter(Boolean);
  for (const check of CHECKS.filter((c) => !only || c.essential || only.includes(c.slug))) {
    it(check.name, { timeout: check.timeoutMs + 240_000 }, async () => {
      if (!ctx) throw new Error(`the guest did not start: ${(startError as Error)?.message ?? startError}`);
      if (ctx.broken) throw new Error(`not run: ${ctx.broken}`);
      const ev = new Evidence(check.slug);
      const t0 = Date.now();
      try {
        await withTimeout(check.run(ctx, ev), check.timeoutMs, `the check '${check.slug}'`);
        results.push({ name: check.name, ok: true, seconds: (Date.now() - t0) / 1000 });
      } catch (err) {
        results.push({
          name: check.name,
          ok: false,
          seconds: (Date.now() - t0) / 1000,
          error: (err as Error).message,
        });
        await collectFailureEvidence(ctx, ev, err);
        if (check.essential) ctx.broken = `${check.slug} failed`;
        throw err;
      }
    });
  }
});
