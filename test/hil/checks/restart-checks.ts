import { expect, type HilCheck } from '../hil-check.ts';
import { secondsSince } from '../hil-context.ts';
import { expectSealedAsHost, STAGING, waitCopying, waitVerifying } from './dock-steps.ts';

/**
 * `systemctl restart recorder-dock` while a 200 MiB clip copies, and again while it verifies,
 * with the recorder left in the dock: the restarted service docks it again, and the clip ends up
 * sealed exactly once with the host's digest.
 */
export const restartCheck: HilCheck = {
  name: 'systemctl restart during a copy and during a verify: the clip is sealed exactly once',
  slug: 'restart-copy-verify',
  timeoutMs: 900_000,
  async run(ctx, ev) {
    const card = ctx.cards.restart;
    await ctx.plugs.plugStick('restart', card);
    const copying = await waitCopying(ctx, 32 << 20, 240_000);
    await ev.write('1-copying.txt', `${copying}\n`);
    let t0 = Date.now();
    await ctx.guest.sh('systemctl restart recorder-dock', 240_000);
    ctx.figures.restartDuringCopyToReadySeconds = secondsSince(t0);
    await ev.write('2-staging-after-restart.txt', await ctx.guest.sh(`ls -l ${STAGING}`));
    const verifying = await waitVerifying(ctx, 480_000);
    await ev.write('3-verifying.txt', `${verifying}\n`);
    const cursor = await ctx.guest.cursor();
    const finished = ctx.guest.waitStep(cursor, card.serial, 'finished', 480_000);
    finished.catch(() => undefined);
    t0 = Date.now();
    await ctx.guest.sh('systemctl restart recorder-dock', 240_000);
    ctx.figures.restartDuringVerifyToReadySeconds = secondsSince(t0);
    const line = await finished;
    await ev.write('4-finished.txt', `${line}\n`);
    expect(/"detail":"complete"/.test(line), `the session after the restarts did not complete: ${line}`);
    await expectSealedAsHost(ctx, ev, card);
    const all = await ctx.guest.dockctlJson<{ sha256: string; sessionId: string }[]>('clips --limit 1000');
    const seals = all.filter((c) => c.sha256 === card.files[0]?.sha256);
    await ev.write('5-seals-of-the-clip.json', JSON.stringify(seals, null, 2));
    expect(seals.length === 1, `the clip was sealed ${seals.length} times`);
    await ctx.plugs.unplug('restart');
  },
};

/** The watchdog: a dockd stopped with SIGSTOP misses its pings, systemd kills and restarts it. */
export const watchdogCheck: HilCheck = {
  name: 'watchdog: systemd restarts a dockd stopped with SIGSTOP',
  slug: 'watchdog',
  timeoutMs: 300_000,
  async run(ctx, ev) {
    const before = await ctx.guest.dockdPid();
    const cursor = await ctx.guest.cursor();
    const timedOut = ctx.guest.waitJournal(cursor, 'Watchdog timeout', 150_000, []);
    timedOut.catch(() => undefined);
    const t0 = Date.now();
    await ctx.guest.sh(`kill -STOP ${before}`);
    await ev.write('watchdog-timeout.txt', `${await timedOut}\n`);
    ctx.figures.watchdogStopToKillSeconds = secondsSince(t0);
    const ready = await ctx.guest.waitJournal(cursor, '"msg":"dockd ready"', 180_000);
    ctx.figures.watchdogStopToReadySeconds = secondsSince(t0);
    await ev.write('ready-again.txt', `${ready}\n`);
    const after = await ctx.guest.dockdPid();
    await ev.write('pids.txt', `before ${before}\nafter ${after}\n`);
    expect(after !== before && after > 0, `dockd was not restarted (pid ${before} → ${after})`);
  },
};
