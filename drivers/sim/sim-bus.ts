import type { Logger } from 'pino';
import type { Now } from '../contract/ports.ts';
import type { RawDeviceEvent } from '../detect/event-source.ts';
import { FakeUdevSource } from '../detect/fake-sources.ts';
import { DefaultDriverFactory } from '../driver-factory.ts';
import type { WalkOptions } from '../mass-storage/safe-walk.ts';
import { openSerialLink } from '../serial/serial-link.ts';
import { SIM_GA_SETTINGS, SIM_SERIAL_SETTINGS } from './sim-defaults.ts';
import { simPortPath } from './sim-events.ts';
import { SimVolumeMounter } from './sim-mounter.ts';
import type { SimRecorder } from './sim-recorder.ts';

/**
 * A simulated USB bus: the udev-shaped event source the watcher listens to, the port each
 * simulated recorder sits in, and the disks they expose (for the simulated mounter).
 */
export class SimBus {
  /** Feed this to the RecorderWatcher (as its only source, or beside the real ones). */
  readonly source = new FakeUdevSource('sim');
  /** The mounter twin that maps simulated disks to their volume directories. */
  readonly mounter = new SimVolumeMounter((devNode) => this.disks.get(devNode)?.volumeDir);
  private readonly ports = new Map<string, SimRecorder>();
  private readonly disks = new Map<string, SimRecorder>();
  private nextPort = 1;

  /** Give a recorder a port; returns the port number. */
  attach(sim: SimRecorder): number {
    const port = this.nextPort++;
    this.ports.set(simPortPath(port), sim);
    return port;
  }

  /** Announce a udev-level event. */
  emit(ev: RawDeviceEvent): void {
    this.source.push(ev);
  }

  /** Record that a recorder's disk is present at `devNode` (or gone, with null). */
  setDisk(devNode: string, sim: SimRecorder | null): void {
    if (sim) this.disks.set(devNode, sim);
    else this.disks.delete(devNode);
  }

  /** The recorder in a port (`9-2`). */
  recorderAt(portPath: string | null): SimRecorder | undefined {
    return portPath === null ? undefined : this.ports.get(portPath);
  }

  /** The recorder whose disk is at `devNode`. */
  recorderForDisk(devNode: string | null): SimRecorder | undefined {
    return devNode === null ? undefined : this.disks.get(devNode);
  }
}

/**
 * A driver factory wired to the simulator: the same drivers as production, with the simulated
 * mounter, each recorder's own GA library copy, real serial ports on ptys, and the simulator's
 * fault injection on mass-storage reads.
 */
export function simDriverFactory(
  bus: SimBus,
  deps: { readonly log: Logger; readonly now: Now; readonly walk?: WalkOptions },
): DefaultDriverFactory {
  return new DefaultDriverFactory({
    log: deps.log,
    now: deps.now,
    walk: deps.walk,
    mounter: bus.mounter,
    gaSdkFor: (device) => bus.recorderAt(device.portPath)?.gaSdk() ?? null,
    gaSettings: SIM_GA_SETTINGS,
    openSerial: (devNode) => openSerialLink(devNode),
    serialSettings: SIM_SERIAL_SETTINGS,
    massStorageExtras: (device) => {
      const sim = bus.recorderForDisk(device.devNode);
      return sim ? { sourceFor: sim.sourceFor, statfs: sim.statfs } : {};
    },
  });
}
