import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cachedPath, host } from './host-command.ts';

/** Debian's kernel for the guest, unpacked (never installed on the host). */
export interface GuestKernel {
  /** The kernel release (`6.1.0-57-amd64`). */
  readonly release: string;
  /** The uncompressed ELF kernel: QEMU boots it through its PVH entry (no BIOS, no decompression). */
  readonly vmlinux: string;
  /** The unpacked package root; modules are under lib/modules/RELEASE. */
  readonly tree: string;
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** The versioned kernel package behind Debian's linux-image-amd64 metapackage. */
async function kernelPackage(): Promise<string> {
  const read = () => host('apt-cache', ['depends', 'linux-image-amd64']).catch(() => '');
  let deps = await read();
  if (!/Depends: linux-image-/.test(deps)) {
    await host('apt-get', ['update', '-qq']);
    deps = await read();
  }
  const name = /Depends: (linux-image-[0-9][^\s]*)/.exec(deps)?.[1];
  if (!name) throw new Error('apt knows no linux-image-amd64: check the machine’s Debian sources');
  return name;
}

/** Pull the xz stream out of a bzImage and decompress it into an ELF vmlinux. */
async function extractVmlinux(vmlinuz: string, out: string): Promise<void> {
  const image = await readFile(vmlinuz);
  const at = image.indexOf(XZ_MAGIC);
  if (at < 0) throw new Error(`${vmlinuz} holds no xz-compressed kernel`);
  const xz = `${out}.xz`;
  await writeFile(xz, image.subarray(at));
  // --single-stream stops at the end of the kernel's stream; what follows in the bzImage is not xz.
  await host('sh', ['-c', 'xz -dc --single-stream "$1" > "$2" && rm "$1"', 'sh', xz, out]);
}

/**
 * The guest kernel: Debian's current linux-image-amd64 package, downloaded with apt-get and
 * unpacked into the cache with its module tree, and its vmlinux extracted (cached by package).
 */
export async function guestKernel(cacheDir: string): Promise<GuestKernel> {
  const pkg = await kernelPackage();
  const release = pkg.replace(/^linux-image-/, '');
  const dir = await cachedPath(path.join(cacheDir, `kernel-${release}`), async (tmp) => {
    await host('mkdir', ['-p', tmp]);
    await host('apt-get', ['download', '-q', pkg], { cwd: tmp });
    const [deb] = (await readdir(tmp)).filter((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`);
    await host('dpkg-deb', ['-x', path.join(tmp, deb), path.join(tmp, 'tree')]);
    await host('rm', [path.join(tmp, deb)]);
    await extractVmlinux(path.join(tmp, 'tree/boot', `vmlinuz-${release}`), path.join(tmp, 'vmlinux'));
    await host('depmod', ['-b', path.join(tmp, 'tree'), release]);
  });
  return { release, vmlinux: path.join(dir, 'vmlinux'), tree: path.join(dir, 'tree') };
}
