import type { FileExpectation, MountedVolume, VolumeMounter } from '../contract/ports.ts';
import { resolveUnchanged, unlinkDurably } from '../mass-storage/sealed-file-delete.ts';

/**
 * The mounter's twin for the simulator and the demo: a simulated disk's "device node" maps to
 * its volume directory, which is handed out as the mount point. Nothing is mounted (no root
 * needed); every call is recorded so tests can check the driver's sequence.
 */
export class SimVolumeMounter implements VolumeMounter {
  readonly calls: string[] = [];

  constructor(private readonly volumeFor: (devNode: string) => string | undefined) {}

  async mount(req: { devNode: string; fsType: string; name: string }): Promise<MountedVolume> {
    const dir = this.volumeFor(req.devNode);
    if (dir === undefined) throw new Error(`no simulated recorder disk at ${req.devNode}`);
    this.calls.push(`mount ${req.devNode}`);
    return {
      devNode: req.devNode,
      mountPoint: dir,
      fsType: req.fsType,
      options: ['ro', 'nosuid', 'nodev', 'noexec'],
      nosymfollow: false,
    };
  }

  async unmount(volume: MountedVolume, options: { deviceGone?: boolean } = {}): Promise<void> {
    this.calls.push(`unmount ${volume.devNode}${options.deviceGone ? ' lazy' : ''}`);
  }

  /** Delete in the volume directory, with the real mounter's checks (no links, unchanged). */
  async deleteFile(volume: MountedVolume, relPath: string, expect: FileExpectation): Promise<void> {
    this.calls.push(`delete ${volume.devNode} ${relPath}`);
    const { abs } = await resolveUnchanged(volume.mountPoint, relPath, expect);
    await unlinkDurably(abs, volume.devNode);
  }
}
