import { shq } from '../guest-shell.ts';
import { expect, type HilCheck } from '../hil-check.ts';
import type { Evidence, HilContext } from '../hil-context.ts';
import { SERIALS } from '../hil-recorders.ts';
import { fatFilesLeft, type Stick } from '../stick-images.ts';
import { dockAndFinish, expectSealedAsHost, STAGING, waitCopying } from './dock-steps.ts';

/** The disk recorders the held check docks first (each is unknown at its first dock). */
const NEW_DISKS = ['fat', 'exfat', 'yank', 'restart'] as const;

/** An unknown recorder is detected and held; the equipment manager accepts it with dockctl. */
export const heldCheck: HilCheck = {
  name: 'unknown recorders are detected and held, then accepted with dockctl recorders accept',
  slug: 'held-and-accepted',
  timeoutMs: 420_000,
  async run(ctx, ev) {
    const cursor = await ctx.guest.cursor();
    const released = NEW_DISKS.map((k) => ctx.guest.waitStep(cursor, SERIALS[k], 'released', 240_000));
    const held = NEW_DISKS.map((k) => ctx.guest.waitStep(cursor, SERIALS[k], 'held', 240_000));
    for (const p of [...released, ...held]) p.catch(() => undefined);
    for (const k of NEW_DISKS) await ctx.plugs.plugStick(`held-${k}`, ctx.cards[k]);
    const lines = await Promise.all(held);
    await ev.write('held-steps.txt', `${lines.join('\n')}\n`);
    await Promise.all(released);
    const mounts = await ctx.guest.sh('findmnt -rn -o TARGET,SOURCE,OPTIONS | grep recorder-dock || true');
    await ev.write('mounts-while-held.txt', mounts);
    expect(
      mounts.trim() === '',
      `a held recorder's volume is mounted before it was accepted: ${mounts.trim()}`,
    );
    const alerts = await ctx.guest.dockctlJson<{ kind: string; subject: string }[]>('alerts');
    await ev.write('alerts.json', JSON.stringify(alerts, null, 2));
    for (const k of NEW_DISKS)
      expect(
        alerts.some((a) => a.kind === 'unknown-recorder' && a.subject === `recorder:${SERIALS[k]}`),
        `no unknown-recorder alert for ${SERIALS[k]}`,
      );
    const accepted = await ctx.guest.sh(
      NEW_DISKS.map((k) => `dockctl recorders accept ${SERIALS[k]} --by 000001`).join('\n'),
      300_000,
    );
    await ev.write('accept.txt', accepted);
    for (const k of NEW_DISKS) await ctx.plugs.unplug(`held-${k}`);
    const sessions = await ctx.guest.sh('dockctl sessions');
    await ev.write('sessions.txt', sessions);
  },
};

/** The card's files whose names `listed` (mtools' long names) still hold. */
function stillListed(card: Stick, listed: readonly string[]): string[] {
  return card.files
    .filter((f) => listed.some((l) => l.endsWith(f.name.split('/').at(-1) ?? '')))
    .map((f) => f.name);
}

/**
 * The wipe as the shipped units do it: the mount helper deleted each file itself ("recorder file
 * deleted for the agent"), no wipe was refused, and none of the card's files is left on it.
 */
async function expectWipedByHelper(ctx: HilContext, ev: Evidence, card: Stick, cursor: string) {
  const journal = await ctx.guest.sh(
    `journalctl -q -o cat -u recorder-dock.service -u recorder-dock-mountd.service --after-cursor=${shq(cursor)}`,
  );
  const lines = journal.split('\n');
  const deleted = lines.filter((l) => l.includes('"msg":"recorder file deleted for the agent"'));
  const refused = lines.filter((l) => /"msg":"(wipe refused|mount helper refused a request)/.test(l));
  await ev.write('wipes-in-journal.txt', `${[...deleted, ...refused].join('\n')}\n`);
  expect(refused.length === 0, `wipes refused: ${refused.join(' | ')}`);
  for (const f of card.files) {
    const base = f.name.split('/').at(-1) ?? f.name;
    expect(
      deleted.some((l) => l.includes(`${base}"`)),
      `the mount helper did not delete ${f.name} (see wipes-in-journal.txt)`,
    );
  }
  await ctx.plugs.unplug('fat');
  const left = await fatFilesLeft(card);
  await ev.write('files-left-on-card.txt', `${left.join('\n')}\n`);
  const kept = stillListed(card, left);
  expect(kept.length === 0, `still on the card after their seal: ${kept.join(', ')}`);
}

/**
 * A FAT32 card with the office's wipe policy (after-seal): every digest the host's, each file
 * wiped from the card after its seal by the mount helper, the session complete. Run last among
 * the dockings: it turns the policy on.
 */
export const fatIngestCheck: HilCheck = {
  name: "FAT32 recorder: every digest equals the host's sha256sum, and each file is wiped from the card after its seal",
  slug: 'fat-ingest-wipe',
  timeoutMs: 300_000,
  async run(ctx, ev) {
    // The office default: each file is deleted from the recorder once its seal is durable.
    await ctx.guest.sh(
      "sed -i 's/^  wipePolicy: never$/  wipePolicy: after-seal/' /etc/recorder-dock/config.yaml && grep -q 'wipePolicy: after-seal' /etc/recorder-dock/config.yaml && systemctl restart recorder-dock",
      240_000,
    );
    const card = ctx.cards.fat;
    // Every file is on the card before the dock (so the check after it cannot pass on names that
    // never matched).
    const before = stillListed(card, await fatFilesLeft(card));
    expect(
      before.length === card.files.length,
      `the card lists ${before.length} of ${card.files.length} files`,
    );
    const cursor = await ctx.guest.cursor();
    const r = await dockAndFinish(ctx, 'fat', card);
    await ev.write('finished.txt', `${r.finished}\n`);
    ctx.figures.plugToMountedSeconds = r.mountedSeconds;
    expect(/"detail":"complete"/.test(r.finished), `the session did not complete: ${r.finished}`);
    await expectSealedAsHost(ctx, ev, card);
    await expectWipedByHelper(ctx, ev, card, cursor);
  },
};

/** An exFAT card whose files have Chinese names. */
export const exfatCheck: HilCheck = {
  name: 'exFAT recorder with Chinese file names: sealed under their names with the host digests',
  slug: 'exfat-chinese-names',
  timeoutMs: 300_000,
  async run(ctx, ev) {
    const card = ctx.cards.exfat;
    const r = await dockAndFinish(ctx, 'exfat', card);
    await ev.write('finished.txt', `${r.finished}\n`);
    expect(/"detail":"complete"/.test(r.finished), `the session did not complete: ${r.finished}`);
    await expectSealedAsHost(ctx, ev, card);
    await ctx.plugs.unplug('exfat');
  },
};

/**
 * Pulled out mid-copy of a 240 MiB clip (while copying, the volume is read-only inside dockd's
 * sandbox), then docked again: the copy resumes from the kept part and the digest is the host's.
 */
export const yankCheck: HilCheck = {
  name: 'yank mid-copy and resume: the volume is read-only in the sandbox, the resumed copy has the host digest',
  slug: 'yank-and-resume',
  timeoutMs: 600_000,
  async run(ctx, ev) {
    const card = ctx.cards.yank;
    const serial = card.serial;
    let cursor = await ctx.guest.cursor();
    const ended = ctx.guest.waitStep(cursor, serial, 'ended-early', 300_000);
    ended.catch(() => undefined);
    const t0 = Date.now();
    await ctx.plugs.plugStick('yank', card);
    const part = await waitCopying(ctx, 48 << 20, 240_000);
    await ev.write('copying.txt', `${part}\n`);
    const sandbox = await ctx.guest.run(
      [
        'pid=$(systemctl show -p MainPID --value recorder-dock)',
        'mnt=$(awk \'$5 ~ "^/run/recorder-dock/mnt/" {print $5; exit}\' /proc/$pid/mountinfo)',
        'grep " $mnt " /proc/$pid/mountinfo',
        'echo "as dockd in its namespace:"',
        'nsenter -t $pid -m -S $(id -u recorder-dock) -G $(id -g recorder-dock) -- touch "$mnt/hil-write-test" 2>&1 && echo WROTE-ON-RECORDER',
        'nsenter -t $pid -m -S $(id -u recorder-dock) -G $(id -g recorder-dock) -- touch /etc/hil-write-test 2>&1 && echo WROTE-ON-ETC',
        'true',
      ].join('\n'),
    );
    await ev.write('sandbox-mount.txt', sandbox.stdout + sandbox.stderr);
    const mountLine = sandbox.stdout.split('\n')[0] ?? '';
    for (const opt of ['ro', 'nosuid', 'nodev', 'noexec'])
      expect(
        new RegExp(`[ ,]${opt}[ ,]`).test(` ${mountLine} `),
        `the recorder volume is not ${opt} in dockd's namespace: ${mountLine}`,
      );
    expect(!/WROTE-ON/.test(sandbox.stdout), `dockd's user could write: ${sandbox.stdout}`);
    expect(/Read-only file system/.test(sandbox.stdout), `no read-only refusal: ${sandbox.stdout}`);
    await ctx.plugs.unplug('yank');
    const endedLine = await ended;
    ctx.figures.yankToSessionEndSeconds = Math.round((Date.now() - t0) / 100) / 10;
    await ev.write('ended-early.txt', `${endedLine}\n`);
    const kept = await ctx.guest.sh(`ls -l ${STAGING}`);
    await ev.write('staging-after-yank.txt', kept);
    cursor = await ctx.guest.cursor();
    const resumed = ctx.guest.waitJournal(cursor, '"msg":"copy resumed from kept part"', 300_000);
    resumed.catch(() => undefined);
    const r = await dockAndFinish(ctx, 'yank', card, 480_000);
    await ev.write('finished.txt', `${r.finished}\n`);
    expect(/"detail":"complete"/.test(r.finished), `the session did not complete: ${r.finished}`);
    await ev.write('resumed.txt', `${await resumed}\n`);
    const big = card.files[0];
    ctx.figures.bigClipMiB = Math.round((big?.size ?? 0) / 2 ** 20);
    await expectSealedAsHost(ctx, ev, card);
    await ctx.plugs.unplug('yank');
  },
};
