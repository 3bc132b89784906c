import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheKey } from '../../drivers/sim/sim-cache.ts';
import type { GuestKernel } from './guest-kernel.ts';
import { cachedPath, host } from './host-command.ts';

/** What the kernel needs to mount the root disk; they are modules in Debian's kernel. */
const ROOT_MODULES = ['virtio_pci', 'virtio_blk', 'ext4'];

/**
 * The initrd's /init: load the modules, mount /dev/vda and hand over to systemd. The module
 * probes run synchronously inside insmod, so /dev/vda exists once virtio_blk is loaded.
 */
const INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
for m in $(/bin/busybox cat /modules.order); do /bin/busybox insmod "/lib/modules/$m" 2>/dev/null; done
if ! /bin/busybox mount -t ext4 -o rw /dev/vda /newroot; then
  echo "hil-initrd: cannot mount /dev/vda"; /bin/busybox poweroff -f
fi
/bin/busybox umount /proc /sys
/bin/busybox mount --move /dev /newroot/dev
exec /bin/busybox switch_root /newroot /sbin/init
`;

/** The module files (in load order) that `modules` need, from modprobe's dependency closure. */
async function moduleClosure(kernel: GuestKernel, modules: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const m of modules) {
    const out = await host('modprobe', ['--show-depends', '-d', kernel.tree, '-S', kernel.release, m]);
    for (const line of out.split('\n')) {
      const file = /^insmod (\S+)/.exec(line)?.[1];
      if (file && !files.includes(file)) files.push(file);
    }
  }
  return files;
}

/**
 * A small initrd (cpio newc): static busybox from Debian's busybox-static, the modules that
 * mount the root disk, and the /init above. Cached by kernel release and content.
 */
export async function guestInitrd(cacheDir: string, kernel: GuestKernel): Promise<string> {
  const key = cacheKey([kernel.release, INIT, ROOT_MODULES]);
  return cachedPath(path.join(cacheDir, `initrd-${key}.cpio`), async (tmp) => {
    const tree = `${tmp}.d`;
    try {
      for (const d of ['bin', 'dev', 'proc', 'sys', 'newroot', 'lib/modules'])
        await mkdir(path.join(tree, d), { recursive: true });
      await copyFile('/bin/busybox', path.join(tree, 'bin/busybox'));
      const files = await moduleClosure(kernel, ROOT_MODULES);
      for (const f of files) await copyFile(f, path.join(tree, 'lib/modules', path.basename(f)));
      await writeFile(path.join(tree, 'modules.order'), `${files.map((f) => path.basename(f)).join('\n')}\n`);
      await writeFile(path.join(tree, 'init'), INIT);
      await chmod(path.join(tree, 'init'), 0o755);
      await host('sh', ['-c', 'cd "$1" && find . | cpio -o -H newc --quiet > "$2"', 'sh', tree, tmp]);
    } finally {
      await host('rm', ['-rf', tree]);
    }
  });
}
