import type { SourceSpec } from '../contract/source.ts';
import type { SimLink } from './link-pacer.ts';
import { simSourceSpec } from './sim-source.ts';

interface Fault {
  readonly failAtByte: number;
  readonly errorCode: string;
  readonly vanish: boolean;
  /** The read stops answering at `failAtByte` instead of failing. */
  readonly stall?: boolean;
}

/**
 * Read faults and the link speed planned on a simulated recorder's files. Files are handed out as SourceSpecs whose
 * shaping the simulator's source opener (sim-source.ts) turns into a failing read at a byte.
 */
export class FaultPlan {
  private readonly faults = new Map<string, Fault>();
  private link: SimLink | null = null;

  /** Every read goes at the speed of a USB link (null: as fast as the disk holding the card). */
  setLink(link: SimLink | null): void {
    this.link = link;
  }

  /** Reads of `relPath` fail at byte `atByte` with `errorCode` (EIO: a failing card). */
  readError(relPath: string, atByte: number, errorCode = 'EIO'): void {
    this.faults.set(relPath, { failAtByte: atByte, errorCode, vanish: false });
  }

  /** The recorder disappears while `relPath` is read: ENODEV at `atByte`, and `onVanish` runs. */
  vanish(relPath: string, atByte: number): void {
    this.faults.set(relPath, { failAtByte: atByte, errorCode: 'ENODEV', vanish: true });
  }

  /** The recorder stops answering while `relPath` is read: the read at `atByte` never returns. */
  stall(relPath: string, atByte: number): void {
    this.faults.set(relPath, { failAtByte: atByte, errorCode: 'EIO', vanish: false, stall: true });
  }

  /**
   * The spec for a file; a vanishing fault calls `onVanish` on the next turn of the loop, and is
   * used up: the recorder that comes back on the next dock is whole again.
   */
  sourceFor(absPath: string, relPath: string, onVanish: () => void): SourceSpec {
    const fault = this.faults.get(relPath);
    if (!fault) return simSourceSpec(absPath, null, null, this.link);
    if (fault.stall) {
      this.faults.delete(relPath); // used up: the recorder docked again answers
      return simSourceSpec(absPath, null, null, this.link, { atByte: fault.failAtByte });
    }
    if (fault.vanish) {
      this.faults.delete(relPath);
      setImmediate(onVanish);
    }
    return simSourceSpec(absPath, fault, null, this.link);
  }
}
