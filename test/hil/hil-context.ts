import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDeb } from '../../packaging/build-deb.ts';
import { buildGaVendorLibrary } from './ga-vendor-build.ts';
import { guestInitrd } from './guest-initrd.ts';
import { guestKernel } from './guest-kernel.ts';
import { guestRootImage } from './guest-root.ts';
import { GuestShell, shq } from './guest-shell.ts';
import { GuestVm } from './guest-vm.ts';
import { CACHE_DIR, OUTPUT_DIR } from './hil-paths.ts';
import { type Cards, makeCards } from './hil-recorders.ts';
import { finishExfatScript } from './stick-images.ts';
import { UsbPlugs } from './usb-plug.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Where one check keeps its evidence: test-output/hil/<slug>/ on the host, /mnt/hil-out/<slug> in the guest. */
export class Evidence {
  constructor(readonly slug: string) {}

  /** The folder on the host. */
  get dir(): string {
    return path.join(OUTPUT_DIR, this.slug);
  }

  /** The same folder as the guest sees it. */
  get guestDir(): string {
    return `/mnt/hil-out/${this.slug}`;
  }

  /** Keep a file of evidence. */
  async write(name: string, content: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, name), content);
  }
}

/** Everything the checks share: the guest, its plugs, the host's scratch folder, the figures. */
export interface HilContext {
  readonly vm: GuestVm;
  readonly guest: GuestShell;
  readonly plugs: UsbPlugs;
  /** The package file's name, as the guest finds it in /mnt/hil-in. */
  readonly debName: string;
  /** Host scratch: card images, firmware sockets. */
  readonly work: string;
  /** Shared read-only with the guest at /mnt/hil-in. */
  readonly inDir: string;
  /** The recorders' cards, made on the host while the guest boots. */
  readonly cards: Cards;
  /** Measured figures, written to test-output/hil/figures.json. */
  readonly figures: Record<string, number | string>;
  /** Facts one check leaves for a later one (the journal cursor before the install). */
  readonly notes: Record<string, string>;
  /** Set when a check the others depend on failed (boot, install): the rest fail at once. */
  broken: string | null;
}

/** Seconds since `t0`, to one decimal. */
export const secondsSince = (t0: number): number => Math.round((Date.now() - t0) / 100) / 10;

/**
 * Build what the suite needs (the .deb from this checkout, or $HIL_DEB; the GA vendor library;
 * the guest's kernel, initrd and root image, cached) and boot the guest.
 */
export async function startHil(): Promise<HilContext> {
  const figures: Record<string, number | string> = {};
  await rm(OUTPUT_DIR, { recursive: true, force: true });
  await mkdir(OUTPUT_DIR, { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), 'recorder-dock-hil-'));
  const inDir = path.join(work, 'in');
  await mkdir(inDir);
  let t0 = Date.now();
  let debFile: string;
  if (process.env.HIL_DEB) {
    debFile = path.join(inDir, path.basename(process.env.HIL_DEB));
    await copyFile(process.env.HIL_DEB, debFile);
  } else debFile = (await buildDeb({ outDir: inDir, compression: 'zstd' })).file;
  figures.debBuildSeconds = secondsSince(t0);
  await buildGaVendorLibrary(path.join(inDir, 'libZFYSDK.so'));
  await copyFile(path.join(HERE, 'guest/usb-gadget.sh'), path.join(inDir, 'usb-gadget.sh'));
  const cards = makeCards(path.join(inDir, 'cards'), path.join(OUTPUT_DIR, 'cards'));
  cards.catch(() => undefined); // awaited below
  t0 = Date.now();
  const kernel = await guestKernel(CACHE_DIR);
  const initrd = await guestInitrd(CACHE_DIR, kernel);
  const rootImage = await guestRootImage(CACHE_DIR, kernel);
  figures.guestImageSeconds = secondsSince(t0);
  figures.kernel = kernel.release;
  const vm = await GuestVm.start({
    kernel,
    initrd,
    rootImage,
    runDir: path.join(work, 'run'),
    inDir,
    outDir: OUTPUT_DIR,
    consoleLog: path.join(OUTPUT_DIR, 'guest-console.log'),
  });
  figures.bootToAgentSeconds = Math.round(vm.bootMs / 100) / 10;
  let made: Cards;
  try {
    made = await cards;
    t0 = Date.now();
    await vm.agent.sh(
      finishExfatScript(made.exfat, '/mnt/hil-in/cards', `/mnt/hil-out/cards/${made.exfat.serial}.img`),
    );
    figures.exfatCardInGuestSeconds = secondsSince(t0);
  } catch (err) {
    await vm.stop();
    throw err;
  }
  return {
    cards: made,
    vm,
    guest: new GuestShell(vm.agent),
    plugs: new UsbPlugs(vm.qmp),
    debName: path.basename(debFile),
    work,
    inDir,
    figures,
    notes: {},
    broken: null,
  };
}

/**
 * What a failed check leaves beside its result: the guest's whole journal, the dock's own logs,
 * the units' state and the dock's status, written by the guest into the check's folder.
 */
export async function collectFailureEvidence(ctx: HilContext, ev: Evidence, error: unknown): Promise<void> {
  await ev.write('error.txt', `${(error as Error).stack ?? String(error)}\n`);
  const d = shq(ev.guestDir);
  await ctx.guest
    .run(
      [
        `mkdir -p ${d}`,
        `journalctl -b --no-pager -o short-precise > ${d}/journal.txt 2>&1`,
        `journalctl -b --no-pager -o cat -u recorder-dock -u recorder-dock-mountd > ${d}/dock.log 2>&1`,
        `systemctl status --no-pager recorder-dock recorder-dock-mountd.socket recorder-dock-mountd > ${d}/units.txt 2>&1`,
        `timeout 60 dockctl sessions > ${d}/dockctl-sessions.txt 2>&1`,
        `timeout 60 dockctl alerts > ${d}/dockctl-alerts.txt 2>&1`,
        'true',
      ].join('\n'),
      180_000,
    )
    .catch((err: unknown) => ev.write('evidence-error.txt', `${(err as Error).message}\n`));
}

/** Power the guest off and write the figures. */
export async function stopHil(ctx: HilContext): Promise<void> {
  await ctx.vm.stop();
  await writeFile(path.join(OUTPUT_DIR, 'figures.json'), `${JSON.stringify(ctx.figures, null, 2)}\n`);
  await rm(ctx.work, { recursive: true, force: true });
  await rm(path.join(OUTPUT_DIR, 'cards'), { recursive: true, force: true });
}
