import type { DetectedDevice, DeviceDescription } from '../contract/ports.ts';
import { DeviceGoneError } from '../errors.ts';

interface Claim {
  readonly parent: DetectedDevice;
  readonly massStorageIds: { readonly vendorId: string; readonly productId: string } | null;
  readonly resolve: (disk: DeviceDescription) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Recorders that asked for mass storage and wait for their disk. A new disk is tied to a claim
 * by, in order: the same physical USB port, the same USB serial, or (when exactly one claim
 * could fit) the mass-storage ids its fingerprint entry declares.
 */
export class DiskClaims {
  private readonly claims = new Set<Claim>();

  /** Register a claim; the promise settles when `take` ties a disk to it, or on timeout. */
  add(
    parent: DetectedDevice,
    massStorageIds: { readonly vendorId: string; readonly productId: string } | null,
    timeoutMs: number,
  ): Promise<DeviceDescription> {
    return new Promise((resolve, reject) => {
      const claim: Claim = {
        parent,
        massStorageIds,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.claims.delete(claim);
          reject(
            new DeviceGoneError(
              parent.key,
              `no disk appeared within ${timeoutMs} ms of the switch to mass storage`,
            ),
          );
        }, timeoutMs),
      };
      this.claims.add(claim);
    });
  }

  /** The claim this disk answers, removed and resolved; null when it answers none. */
  take(disk: DeviceDescription): DetectedDevice | null {
    const claim = this.find(disk);
    if (!claim) return null;
    this.claims.delete(claim);
    clearTimeout(claim.timer);
    claim.resolve(disk);
    return claim.parent;
  }

  /** Number of open claims. */
  get size(): number {
    return this.claims.size;
  }

  /**
   * Drop every claim (the watcher is stopping): each waiting session is told its disk will not
   * come, at once, so a clean stop never waits for a switch to mass storage.
   */
  clear(): void {
    for (const c of this.claims) {
      clearTimeout(c.timer);
      c.reject(new DeviceGoneError(c.parent.key, 'the dock is stopping before its disk appeared'));
    }
    this.claims.clear();
  }

  private find(disk: DeviceDescription): Claim | undefined {
    const all = [...this.claims];
    const byPort = disk.portPath ? all.find((c) => c.parent.portPath === disk.portPath) : undefined;
    if (byPort) return byPort;
    const bySerial = disk.usb.serial ? all.find((c) => c.parent.usb.serial === disk.usb.serial) : undefined;
    if (bySerial) return bySerial;
    const byIds = all.filter(
      (c) =>
        c.massStorageIds?.vendorId === disk.usb.vendorId && c.massStorageIds.productId === disk.usb.productId,
    );
    return byIds.length === 1 ? byIds[0] : undefined;
  }
}
