import { expect } from '../hil-check.ts';
import type { Evidence, HilContext } from '../hil-context.ts';
import type { Stick } from '../stick-images.ts';

/** The service's state folder. */
const STATE_DIR = '/var/lib/recorder-dock';
/** Where the vault keeps parts being copied. */
export const STAGING = `${STATE_DIR}/vault/.staging`;

/** A sealed file as `dockctl clips --json` lists it. */
interface ClipRow {
  readonly serial: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly sha256: string;
  readonly vaultRel?: string;
}

/** Dock a card and wait for its session to finish; the finished line and plug → mounted/finished seconds. */
export async function dockAndFinish(
  ctx: HilContext,
  id: string,
  stick: Stick,
  timeoutMs = 300_000,
): Promise<{ finished: string; mountedSeconds: number; finishedSeconds: number }> {
  const cursor = await ctx.guest.cursor();
  const t0 = Date.now();
  const mounted = ctx.guest.waitStep(cursor, stick.serial, 'mounted', timeoutMs).then(() => Date.now() - t0);
  mounted.catch(() => undefined);
  await ctx.plugs.plugStick(id, stick);
  const finished = await ctx.guest.waitStep(cursor, stick.serial, 'finished', timeoutMs);
  return {
    finished,
    mountedSeconds: Math.round((await mounted) / 100) / 10,
    finishedSeconds: Math.round((Date.now() - t0) / 100) / 10,
  };
}

/**
 * Every file of the card is sealed once in the ledger with the digest the host computed, and the
 * vault's copy hashes to it in the guest (sha256sum there).
 */
export async function expectSealedAsHost(ctx: HilContext, ev: Evidence, stick: Stick): Promise<void> {
  const clips = await ctx.guest.dockctlJson<ClipRow[]>(`clips --recorder ${stick.serial} --limit 1000`);
  await ev.write(`clips-${stick.serial}.json`, JSON.stringify(clips, null, 2));
  const lines: string[] = [];
  for (const f of stick.files) {
    const rows = clips.filter((c) => c.sourcePath === f.name || c.sourcePath.endsWith(`/${f.name}`));
    expect(rows.length === 1, `${f.name} is sealed ${rows.length} times, not once`);
    const [row] = rows;
    expect(row?.sha256 === f.sha256, `${f.name}: ledger ${row?.sha256}, host sha256sum ${f.sha256}`);
    expect(row.size === f.size, `${f.name}: ledger size ${row.size}, host ${f.size}`);
    lines.push(`${f.sha256}  ${f.name}`);
  }
  await ev.write(`host-sha256sum-${stick.serial}.txt`, `${lines.join('\n')}\n`);
  const vault = stick.files
    .map((f) => `/var/lib/recorder-dock/vault/sha256/${f.sha256.slice(0, 2)}/${f.sha256}`)
    .join(' ');
  const guestSums = await ctx.guest.sh(`sha256sum ${vault}`);
  await ev.write(`guest-sha256sum-vault-${stick.serial}.txt`, guestSums);
  for (const f of stick.files)
    expect(guestSums.includes(`${f.sha256}  `), `the vault's copy of ${f.name} does not hash to ${f.sha256}`);
}

/**
 * A guest script that follows inotify `event`s on the staging area's parts and runs `test` on
 * each (`$p` is the part; it sets found=1), ending at the first hit or after `timeoutMs`.
 */
function watchStaging(event: string, timeoutMs: number, test: string): string {
  // The whole state folder, recursively: the vault and its staging folder may not exist yet
  // (the service creates them at its first ingest; creating them here would make them root's).
  return [
    `exec {fd}< <(exec timeout ${Math.ceil(timeoutMs / 1000)} inotifywait -q -m -r -e ${event} --format '%w%f' ${STATE_DIR})`,
    'ip=$!; found=0',
    'while [ $found = 0 ] && read -r p <&$fd; do',
    `  case "$p" in ${STAGING}/*.part) ;; *) continue ;; esac`,
    `  ${test}`,
    'done',
    'kill $ip 2>/dev/null',
    '[ $found = 1 ]',
  ].join('\n');
}

/** Wait until a part in the vault's staging area holds more than `bytes` (inotify, not polling). */
export async function waitCopying(ctx: HilContext, bytes: number, timeoutMs: number): Promise<string> {
  const test = `s=$(stat -c %s "$p" 2>/dev/null || echo 0); if [ "$s" -gt ${bytes} ]; then echo "$p $s"; found=1; fi`;
  const r = await ctx.guest.run(watchStaging('modify', timeoutMs, test), timeoutMs + 15_000);
  expect(r.code === 0 && r.stdout.trim(), `no part in ${STAGING} grew past ${bytes} bytes`);
  return r.stdout.trim();
}

/** Wait until a staged part is made read-only (0440): its copy is done and its verify begins. */
export async function waitVerifying(ctx: HilContext, timeoutMs: number): Promise<string> {
  const test = 'm=$(stat -c %a "$p" 2>/dev/null); if [ "$m" = 440 ]; then echo "$p $m"; found=1; fi';
  const r = await ctx.guest.run(watchStaging('attrib', timeoutMs, test), timeoutMs + 15_000);
  expect(
    r.code === 0 && r.stdout.trim(),
    `no staged part was made read-only for its verify in ${timeoutMs / 1000} s`,
  );
  return r.stdout.trim();
}
