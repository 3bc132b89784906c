import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheKey } from '../../drivers/sim/sim-cache.ts';
import type { GuestKernel } from './guest-kernel.ts';
import { cachedPath, host } from './host-command.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

/** Debian 12, as the offices run it. */
const SUITE = 'bookworm';

/**
 * Packages besides the .deb's own Depends: the Recommends (a time daemon), and what the suite
 * uses in the guest: socat (relays a gadget's serial port to the host's firmware player), curl
 * (the page), inotify-tools (waiting on the vault's files instead of polling them).
 */
const EXTRA_PACKAGES = ['systemd-sysv', 'kmod', 'systemd-timesyncd', 'socat', 'curl', 'inotify-tools'];

/** Kernel module folders the guest needs (USB, disks, file systems, virtio, 9p, gadgets). */
const MODULE_DIRS = [
  'kernel/fs',
  'kernel/lib',
  'kernel/crypto',
  'kernel/block',
  'kernel/arch',
  'kernel/mm',
  'kernel/virt',
  'kernel/net/9p',
  'kernel/drivers/usb',
  'kernel/drivers/block',
  'kernel/drivers/scsi',
  'kernel/drivers/virtio',
  'kernel/drivers/char',
  'kernel/drivers/md',
  'kernel/drivers/ata',
  'kernel/drivers/hid',
  'kernel/drivers/input',
  'kernel/drivers/cdrom',
];

/** Units of a minimal Debian that only add noise (timers, gettys) in a test guest. */
const MASKED_UNITS = [
  'getty@tty1.service',
  'getty-static.service',
  'serial-getty@ttyS0.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'dpkg-db-backup.timer',
];

/** Size of the root disk (sparse: only what is written takes room); doctor wants 64 GiB free for a vault. */
const ROOT_DISK = '80G';

/** The Debian mirror the host's apt uses for the suite (so nothing here names a host). */
async function debianMirror(): Promise<string> {
  const policy = await host('apt-cache', ['policy']);
  const url = new RegExp(`^\\s*\\d+\\s+(\\S+)\\s+${SUITE}/main amd64 Packages`, 'm').exec(policy)?.[1];
  if (!url) throw new Error(`the host's apt has no ${SUITE}/main source to build the guest from`);
  return url;
}

/** The package's Depends (names only), from packaging/debian/control.in. */
async function packageDepends(): Promise<string[]> {
  const control = await readFile(path.join(REPO, 'packaging/debian/control.in'), 'utf8');
  const line = /^Depends:(.*)$/m.exec(control)?.[1] ?? '';
  return line
    .split(',')
    .map((d) => d.trim().split(/[\s(|]/)[0] ?? '')
    .filter(Boolean);
}

/** debootstrap --variant=minbase with systemd and the package's dependencies; cached. */
async function baseRoot(cacheDir: string): Promise<{ dir: string; key: string }> {
  const packages = [...new Set([...(await packageDepends()), ...EXTRA_PACKAGES])].sort();
  const key = cacheKey([SUITE, packages]);
  const dir = await cachedPath(path.join(cacheDir, `debootstrap-${key}`), async (tmp) => {
    const mirror = await debianMirror();
    await host('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, SUITE, tmp, mirror], {
      timeoutMs: 900_000,
    });
    await host('sh', ['-c', 'rm -f "$1"/var/cache/apt/archives/*.deb', 'sh', tmp]);
  });
  return { dir, key };
}

async function guestFile(name: string): Promise<string> {
  return readFile(path.join(HERE, 'guest', name), 'utf8');
}

/** What makes the debootstrap tree the HIL guest: fstab, time zone, agent, masks, modules. */
async function configureRoot(root: string, kernel: GuestKernel): Promise<void> {
  const etc = (p: string) => path.join(root, 'etc', p);
  await writeFile(etc('hostname'), 'dock-hil\n');
  await writeFile(etc('hosts'), '127.0.0.1 localhost\n127.0.1.1 dock-hil\n');
  await writeFile(
    etc('fstab'),
    [
      '/dev/vda / ext4 rw,errors=remount-ro 0 1',
      'hilin /mnt/hil-in 9p trans=virtio,version=9p2000.L,ro,nofail 0 0',
      'hilout /mnt/hil-out 9p trans=virtio,version=9p2000.L,rw,nofail 0 0',
      '',
    ].join('\n'),
  );
  await host('mkdir', ['-p', path.join(root, 'mnt/hil-in'), path.join(root, 'mnt/hil-out')]);
  // The offices' zone; doctor checks the system uses rules.timezone.
  await host('ln', ['-sfn', '/usr/share/zoneinfo/Asia/Shanghai', etc('localtime')]);
  await writeFile(etc('timezone'), 'Asia/Shanghai\n');
  for (const unit of MASKED_UNITS) await host('ln', ['-sfn', '/dev/null', etc(`systemd/system/${unit}`)]);
  await host('sh', [
    '-c',
    'rm -f "$1"/etc/systemd/system/getty.target.wants/* "$1"/etc/systemd/system/timers.target.wants/*',
    'sh',
    root,
  ]);
  await writeFile(path.join(root, 'usr/local/sbin/hil-agent'), await guestFile('hil-agent.sh'), {
    mode: 0o755,
  });
  await writeFile(etc('systemd/system/hil-agent.service'), await guestFile('hil-agent.service'));
  await host('ln', [
    '-sfn',
    '/etc/systemd/system/hil-agent.service',
    etc('systemd/system/multi-user.target.wants/hil-agent.service'),
  ]);
  const modules = path.join(root, 'usr/lib/modules', kernel.release);
  const source = path.join(kernel.tree, 'lib/modules', kernel.release);
  for (const dir of MODULE_DIRS) {
    await host('mkdir', ['-p', path.dirname(path.join(modules, dir))]);
    await host('cp', ['-a', path.join(source, dir), path.join(modules, dir)]);
  }
  for (const f of (await readdir(source)).filter((n) => /^modules\.(order|builtin)/.test(n)))
    await host('cp', [path.join(source, f), modules]);
  await host('depmod', ['-b', root, kernel.release]);
}

/**
 * The guest's root disk: a raw ext4 image made with `mkfs.ext4 -d` (no mount, no loop device)
 * from the cached debootstrap tree, the kernel's modules and the suite's agent. Cached by
 * everything it is made from; a run boots a copy-on-write overlay of it.
 */
export async function guestRootImage(cacheDir: string, kernel: GuestKernel): Promise<string> {
  const base = await baseRoot(cacheDir);
  const guestFiles = await Promise.all(['hil-agent.sh', 'hil-agent.service'].map(guestFile));
  const key = cacheKey([
    base.key,
    kernel.release,
    guestFiles,
    MODULE_DIRS,
    MASKED_UNITS,
    ROOT_DISK,
    configureRoot.toString(),
  ]);
  const image = path.join(cacheDir, `root-${key}.img`);
  return cachedPath(image, async (tmp) => {
    const tree = `${tmp}.d`;
    try {
      await host('cp', ['-a', base.dir, tree]);
      await configureRoot(tree, kernel);
      await host('mkfs.ext4', ['-q', '-F', '-L', 'hil-root', '-d', tree, tmp, ROOT_DISK]);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
    // Older images of the root disk are of no further use.
    for (const f of await readdir(cacheDir))
      if (/^root-[0-9a-f]+\.img$/.test(f) && f !== path.basename(image))
        await rm(path.join(cacheDir, f), { force: true });
  });
}
