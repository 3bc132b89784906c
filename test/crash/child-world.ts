import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Ingester } from '../../agent/ingest/ingester.ts';
import type { Ledger } from '../../agent/ledger/ledger.ts';
import type { SimBus } from '../../drivers/sim/sim-bus.ts';
import { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { tell } from './child-log-tap.ts';
import type { GrowSpec, RecorderSpec } from './run-spec.ts';

/**
 * The trial's recorders as the crash child rebuilds them on every start: the same cards (real
 * folders planted by the harness), the same identities and clocks, the same bad sectors, and the
 * file that grows while it is copied.
 */
export class ChildWorld {
  private constructor(readonly sims: readonly SimRecorder[]) {}

  /** Build the simulated recorders of `specs` on `bus` and register them at the office. */
  static async create(specs: readonly RecorderSpec[], bus: SimBus, ledger: Ledger): Promise<ChildWorld> {
    const sims: SimRecorder[] = [];
    for (const spec of specs) {
      const sim = await SimRecorder.create({
        kind: spec.kind,
        bus,
        dir: spec.dir,
        clips: [],
        identity: { serial: spec.serial },
        clockSkewMs: spec.clockSkewMs,
      });
      for (const fault of spec.readErrors) sim.injectReadError(fault.relPath, fault.atByte);
      if (!ledger.find.recorder(spec.serial))
        ledger.registerRecorder({ serial: spec.serial, model: `sim ${spec.kind}`, vendor: 'Example vendor' });
      sims.push(sim);
    }
    return new ChildWorld(sims);
  }

  /** Finish a growth a kill interrupted, and grow the file on the first progress of its copy. */
  watchGrowth(specs: readonly RecorderSpec[], ingester: Ingester): void {
    for (const spec of specs) {
      const grow = spec.grow;
      if (!grow) continue;
      const file = path.join(spec.dir, 'volume', grow.relPath);
      if (existsSync(grow.marker) && existsSync(file) && statSync(file).size === grow.baseSize) {
        append(file, grow);
        tell({ crash: 'grown', relPath: grow.relPath, duringCopy: false });
      }
      ingester.onProgress((p) => {
        if (p.phase !== 'copy' || p.sourcePath !== file || existsSync(grow.marker)) return;
        durableMarker(grow.marker);
        append(file, grow);
        tell({ crash: 'grown', relPath: grow.relPath, duringCopy: true });
      });
    }
  }

  /** Dock every recorder. */
  async plugAll(): Promise<void> {
    for (const sim of this.sims) await sim.plug();
  }

  /** Take every recorder out (their folders stay: the harness owns them). */
  async closeAll(): Promise<void> {
    for (const sim of this.sims) await sim.close();
  }
}

function durableMarker(marker: string): void {
  const fd = openSync(marker, 'w');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function append(file: string, grow: GrowSpec): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, readFileSync(grow.appendFile));
  } finally {
    closeSync(fd);
  }
}
