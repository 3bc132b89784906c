import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { recordersCommand } from '../../agent/cli/dock-commands.ts';
import type { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { DockFixture, dock, waitFor } from '../fixtures/dock/dock-fixture.ts';

const H = 3_600_000;

/** Continuous 2 s segments from `first`, with a stop of `gapAfter` ms planted after segment `gapIndex`. */
function segments(first: Date, count: number, gapIndex = -1, gapMs = 0) {
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(first.getTime() + i * 2000 + (i > gapIndex && gapIndex >= 0 ? gapMs : 0)),
    seconds: 2,
  }));
}

describe('docking simulated recorders end to end', () => {
  let fx: DockFixture;
  before(async () => {
    fx = await DockFixture.create();
  });
  after(() => fx.close());

  it('seals every clip of a GA, a serial and a mass-storage recorder, wipes only sealed files', async () => {
    const sims: SimRecorder[] = [];
    for (const kind of ['ga-sdk', 'serial', 'mass-storage'] as const)
      sims.push(await fx.recorder({ kind, battery: 80 }));
    const sources = sims.map((s) => fx.digests(s));
    const count = fx.results.length;
    for (const sim of sims) await sim.plug();
    await waitFor(() => fx.results.length === count + 3);
    await fx.manager.idle();
    for (const [i, sim] of sims.entries()) {
      const result = fx.results.find((r) => r.serial === sim.identity.serial)!;
      assert.equal(result.outcome, 'complete', `${sim.kind} complete`);
      const clips = fx.ledger.queries.sessionClips(result.sessionId!);
      const expected = sources[i]!;
      assert.deepEqual(
        new Map(clips.map((c) => [c.sourcePath, c.sha256])),
        expected,
        `${sim.kind}: seals equal the source files`,
      );
      for (const relPath of expected.keys())
        assert.equal(existsSync(path.join(sim.volumeDir, relPath)), false, 'sealed file wiped');
      assert.deepEqual(
        fx.ledger.sessionRecords
          .wipedFiles(sim.identity.serial)
          .map((w) => w.sha256)
          .sort(),
        [...expected.values()].sort(),
        'the ledger lists every wiped file with its digest',
      );
    }
    const ga = fx.results.find((r) => r.serial === sims[0]!.identity.serial)!;
    assert.deepEqual(
      fx.ledger.sessionRecords.steps(ga.sessionId!).map((s) => s.step),
      [
        'identified',
        'clock-read',
        'checked-in',
        'clock-synced',
        'mass-storage',
        'mounted',
        'listed',
        'ingesting',
        'storage-read',
        'finished',
        'released',
      ],
    );
    for (const sim of sims) await sim.close();
  });

  it('checks a recorder out to its officer on undock and in on the next dock, with battery and storage (R7)', async () => {
    const sim = await fx.recorder({ kind: 'ga-sdk', battery: 64 });
    const serial = sim.identity.serial;
    await dock(fx, sim);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fx.ledger.find.openAssignment(serial), null, 'still in the dock: not checked out');
    await sim.unplug();
    await waitFor(() => fx.ledger.find.openAssignment(serial) !== null);
    const out = fx.ledger.find.openAssignment(serial)!;
    assert.equal(out.officerNo, sim.identity.userNo);
    assert.equal(out.outBatteryPct, 64);
    assert.ok(out.outFreeBytes !== null && out.outFreeBytes > 0, 'free storage recorded at check-out');
    sim.setBattery(21);
    const second = await dock(fx, sim);
    assert.equal(second.outcome, 'complete');
    const usage = fx.ledger.queries.recorderUsage(serial, {
      from: new Date(0),
      to: new Date(Date.now() + H),
    });
    const back = usage.assignments.find((a) => a.id === out.id)!;
    assert.ok(back.checkedInAt, 'checked in on the next dock');
    assert.equal(back.inBatteryPct, 21);
    const alerts = fx.ledger.queries.openAlerts().filter((a) => a.subject === `recorder:${serial}`);
    assert.deepEqual(
      alerts.map((a) => a.kind),
      ['recorder-not-ready'],
      'a 21% battery is shown as not ready',
    );
    await sim.close();
  });

  it('a recorder handed out by dockctl is not checked out twice; a faulty one leaving is an alert, not a crash', async () => {
    const handed = await fx.recorder({ kind: 'ga-sdk', battery: 90 });
    await dock(fx, handed);
    const out: string[] = [];
    const io = {
      argv: ['checkout', handed.identity.serial, '000123', '--state', fx.paths.stateDir],
      stdout: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream,
      stderr: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream,
      env: {},
    };
    assert.equal(await recordersCommand.run(io), 0, out.join(''));
    assert.match(out.join(''), /checked out to 张三 \(000123\)/, 'the officer by name and number');
    await handed.unplug();
    await new Promise((r) => setTimeout(r, 300));
    const usage = fx.ledger.queries.recorderUsage(handed.identity.serial, {
      from: new Date(0),
      to: new Date(Date.now() + H),
    });
    assert.equal(
      usage.assignments.filter((a) => a.checkedInAt === null).length,
      1,
      'one open check-out, not two',
    );
    assert.equal(usage.assignments.at(-1)?.outBatteryPct, 90, 'battery of the last docking');

    const faulty = await fx.recorder({ kind: 'mass-storage' });
    await dock(fx, faulty);
    fx.ledger.setRecorderStatus(faulty.identity.serial, 'faulty', 'lens cracked');
    await faulty.unplug();
    await waitFor(() => fx.ledger.queries.openAlerts().some((a) => a.kind === 'unusable-recorder-taken'));
    assert.equal(
      fx.ledger.find.openAssignment(faulty.identity.serial),
      null,
      'a faulty recorder is not checked out',
    );
    for (const sim of [handed, faulty]) await sim.close();
  });

  it('flags late clips (R1) and recording gaps (R9) exactly on the planted clips', async () => {
    const now = Date.now();
    const lateSim = await fx.recorder({
      kind: 'mass-storage',
      clips: [...segments(new Date(now - 30 * H), 2), ...segments(new Date(now - 2 * H), 2)],
    });
    const gapSim = await fx.recorder({
      kind: 'mass-storage',
      clips: segments(new Date(now - 3 * H), 5, 2, 15 * 60_000),
    });
    for (const sim of [lateSim, gapSim]) await dock(fx, sim);
    const flagsOf = (sim: SimRecorder) => {
      const r = fx.results.find((x) => x.serial === sim.identity.serial)!;
      return fx.ledger.queries
        .sessionClips(r.sessionId!)
        .sort((a, b) => a.recordingStart!.getTime() - b.recordingStart!.getTime())
        .map((c) => c.flags.join('+'));
    };
    assert.deepEqual(flagsOf(lateSim), ['late', 'late', '', '']);
    assert.deepEqual(flagsOf(gapSim), ['', '', '', 'gap', '']);
    const gaps = fx.ledger.queries
      .openAlerts()
      .filter((a) => a.kind === 'recording-gap' && a.subject.startsWith(`gap:${gapSim.identity.serial}:`));
    assert.equal(gaps.length, 1);
    assert.match(gaps[0]!.detail ?? '', /stopped for 15 min.*two officers/);
    const late = fx.ledger.queries
      .openAlerts()
      .filter((a) => a.kind === 'late-clip' && /recorder A\d+: /.test(a.detail ?? ''));
    assert.ok(late.length >= 2);
    for (const sim of [lateSim, gapSim]) await sim.close();
  });

  it('a yank mid-copy leaves the session interrupted with what was sealed; the re-dock gives the same seals', async () => {
    const sim = await fx.recorder({ kind: 'mass-storage', clips: segments(new Date(Date.now() - H), 4) });
    const sources = fx.digests(sim);
    const third = sim.clips[2]!.relPath;
    sim.injectVanish(third, 1000);
    const first = await dock(fx, sim);
    assert.equal(first.outcome, 'interrupted');
    const sealedFirst = fx.ledger.queries
      .sessionClips(first.sessionId!)
      .map((c) => c.sourcePath)
      .sort();
    assert.deepEqual(sealedFirst, [sim.clips[0]!.relPath, sim.clips[1]!.relPath]);
    assert.equal(
      existsSync(path.join(sim.volumeDir, third)),
      true,
      'the unsealed file is still on the recorder',
    );
    await waitFor(() => fx.ledger.find.openSession(sim.identity.serial) === null);
    const second = await dock(fx, sim);
    assert.equal(second.outcome, 'complete');
    const all = [first, second].flatMap((r) => fx.ledger.queries.sessionClips(r.sessionId!));
    assert.deepEqual(
      new Map(all.map((c) => [c.sourcePath, c.sha256])),
      sources,
      'every clip sealed once, with its true digest',
    );
    assert.equal(all.length, 4, 'nothing sealed twice');
    await sim.close();
  });

  it('a recorder that stops answering mid-copy and is pulled out ends its session early; the hung file is kept on it', async () => {
    const sim = await fx.recorder({ kind: 'mass-storage', clips: segments(new Date(Date.now() - H), 3) });
    const sources = fx.digests(sim);
    sim.injectStall(sim.clips[1]!.relPath, 1000); // its read never returns, as from a hung USB link
    const count = fx.results.length;
    await sim.plug();
    const sealed = () =>
      fx.ledger.queries.sessionClips(fx.ledger.find.openSession(sim.identity.serial)?.id ?? '');
    const parts = () => readdirSync(fx.paths.stagingDir).filter((n) => n.endsWith('.part'));
    await waitFor(() => sealed().length === 1 && parts().length === 1); // the second clip is being read
    await sim.unplug();
    await waitFor(() => fx.results.length > count, 10_000);
    const first = fx.results.slice(count).find((r) => r.serial === sim.identity.serial)!;
    assert.equal(first.outcome, 'interrupted', 'the pulled recorder ends its session though its read hangs');
    const steps = fx.ledger.sessionRecords.steps(first.sessionId!).map((s) => s.step);
    assert.deepEqual(
      steps.slice(-3),
      ['ingesting', 'ended-early', 'released'],
      'it ended early, without end readings',
    );
    // Docked again while the old read still hangs: that file is not copied into the part the hung
    // copy holds, and stays on the recorder; the others are sealed.
    const second = await dock(fx, sim);
    assert.equal(second.outcome, 'partial');
    assert.equal(second.failed, 1);
    const all = [first, second].flatMap((r) => fx.ledger.queries.sessionClips(r.sessionId!));
    const stuck = sim.clips[1]!.relPath;
    assert.deepEqual(
      new Map(all.map((c) => [c.sourcePath, c.sha256])),
      new Map([...sources].filter(([p]) => p !== stuck)),
      'the other clips sealed once each, with their digests',
    );
    assert.equal(all.length, 2, 'nothing sealed twice');
    assert.equal(
      existsSync(path.join(sim.volumeDir, stuck)),
      true,
      'the unsealed file is still on the recorder',
    );
    await sim.close();
  });

  it('the service stopping while a copy hangs ends the session early and interrupted, not partial', async () => {
    const own = await DockFixture.create();
    try {
      const sim = await own.recorder({ kind: 'mass-storage', clips: segments(new Date(Date.now() - H), 2) });
      const stuck = sim.clips[1]!.relPath;
      sim.injectStall(stuck, 1000);
      await sim.plug();
      const open = () => own.ledger.find.openSession(sim.identity.serial)?.id ?? '';
      const parts = () => readdirSync(own.paths.stagingDir).filter((n) => n.endsWith('.part'));
      await waitFor(() => own.ledger.queries.sessionClips(open()).length === 1 && parts().length === 1);
      await own.pool.close(); // what dockd's stop does first: running copies end here
      await waitFor(() => own.results.length > 0, 10_000);
      const [result] = own.results;
      assert.equal(result?.outcome, 'interrupted', 'a stop is not a failure of the recorder’s files');
      const steps = own.ledger.sessionRecords.steps(result!.sessionId!).map((s) => s.step);
      assert.deepEqual(steps.slice(-3), ['ingesting', 'ended-early', 'released']);
      assert.equal(
        existsSync(path.join(sim.volumeDir, stuck)),
        true,
        'the unsealed file is still on the recorder',
      );
    } finally {
      await own.close();
    }
  });

  it('holds an unknown recorder and a changed identity for the manager, and reports a generic disk', async () => {
    const unknown = await fx.recorder({ kind: 'mass-storage' }, false);
    const held = await dock(fx, unknown);
    assert.equal(held.outcome, 'held');
    assert.equal(held.sessionId, null);
    for (const c of unknown.clips)
      assert.equal(existsSync(path.join(unknown.volumeDir, c.relPath)), true, 'nothing read or wiped');
    const alerts = () => fx.ledger.queries.openAlerts();
    assert.ok(
      alerts().some(
        (a) => a.kind === 'unknown-recorder' && a.subject === `recorder:${unknown.identity.serial}`,
      ),
    );

    const changed = await fx.recorder({ kind: 'mass-storage' }, false);
    fx.ledger.registerRecorder({
      serial: changed.identity.serial,
      model: 'sim',
      fingerprint: 'other-model:1234:5678',
    });
    assert.equal((await dock(fx, changed)).outcome, 'held');
    assert.ok(
      alerts().some(
        (a) => a.kind === 'identity-changed' && a.subject === `recorder:${changed.identity.serial}`,
      ),
    );

    const stick = await fx.recorder(
      { kind: 'mass-storage', usb: { vendorId: '0781', productId: '5567' } },
      false,
    );
    await stick.plug();
    await waitFor(() => alerts().some((a) => a.kind === 'unknown-device'));
    assert.equal(
      fx.results.some((r) => r.serial === stick.identity.serial),
      false,
      'a generic disk gets no session',
    );
    for (const sim of [unknown, changed, stick]) await sim.close();
  });

  it('dockctl recorders accept registers a held recorder as the page does; a re-check docks it at once', async () => {
    const held = await fx.recorder({ kind: 'mass-storage' }, false);
    const serial = held.identity.serial;
    assert.equal((await dock(fx, held)).outcome, 'held');
    const out: string[] = [];
    const run = (...argv: string[]) =>
      recordersCommand.run({
        argv: [...argv, '--state', fx.paths.stateDir],
        stdout: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream,
        stderr: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream,
        env: {},
      });
    assert.equal(await run('accept', serial, '--by', 'mgr'), 0, out.join(''));
    assert.match(out.join(''), new RegExp(`recorder ${serial} accepted`));
    const registered = fx.ledger.find.recorder(serial);
    assert.match(registered?.fingerprint ?? '', /:/, 'registered with the fingerprint the dock saw');
    assert.equal(await run('accept', serial), 64, 'a second decision is refused');
    assert.match(out.join(''), /is not waiting for a decision/);
    const count = fx.results.length;
    fx.manager.recheck(serial);
    await waitFor(() => fx.results.slice(count).some((r) => r.serial === serial));
    const again = fx.results.slice(count).find((r) => r.serial === serial);
    assert.equal(again?.outcome, 'complete');
    assert.equal(again?.sealed, held.clips.length);
    await held.close();
  });
});
