import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import { DEFAULT_DOCK_RULES, type DockRules } from '../../agent/dock/dock-rules.ts';
import { type DockResult, DockSession } from '../../agent/dock/dock-session.ts';
import { createRootLogger, silentLogger } from '../../agent/ops/logger.ts';
import { DockError } from '../../drivers/contract/errors.ts';
import type { RecorderIdentity } from '../../drivers/contract/ports.ts';
import {
  FakeCard,
  FakeFactory,
  FakeIngester,
  FakeProbe,
  FakeWatcher,
  fakeDevice,
} from '../fixtures/dock/fake-dock-parts.ts';
import { MemoryDockLedger } from '../fixtures/dock/memory-dock-ledger.ts';

const SERIAL = 'A123458';
const IDENTITY: RecorderIdentity = {
  serial: SERIAL,
  officerNo: null,
  officerName: null,
  unitNo: null,
  unitName: null,
  model: 'sim',
  vendor: 'Example vendor',
};
const HOUR = 3_600_000;

/** One dock with the in-memory ledger and fakes: no SQLite, no workers, no files. */
function world(rules: Partial<DockRules> = {}, logger: Logger = silentLogger()) {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const clock = { ms: t0 };
  const now = () => new Date(clock.ms);
  const ledger = new MemoryDockLedger(now);
  const card = new FakeCard();
  const watcher = new FakeWatcher();
  const factory = new FakeFactory(card, IDENTITY);
  const ingester = new FakeIngester(card, now);
  const probe = new FakeProbe(card, ingester);
  /** Digests whose vault file a test pretends a power cut took. */
  const lostFromVault = new Set<string>();
  const deps = {
    ledger,
    ingester,
    watcher,
    factory,
    probe,
    rules: { ...DEFAULT_DOCK_RULES, ...rules },
    logger,
    now,
    massStorageTimeoutMs: 1000,
    vaultHolds: async (sha256: string) => ingester.sealedFrom.has(sha256) && !lostFromVault.has(sha256),
    departureGraceMs: 0,
    isForwarded: () => false,
  };
  const device = fakeDevice('block:sdb1', 'mass-storage', SERIAL);
  const dock = (): Promise<DockResult> => {
    watcher.present.splice(0, watcher.present.length, device);
    return new DockSession(deps, device).run();
  };
  return { ledger, card, watcher, factory, ingester, clock, dock, device, t0, lostFromVault };
}

/** The card of a recorder whose clips ended an hour before the dock. */
function recorded(w: ReturnType<typeof world>, names: string[]): void {
  names.forEach((name, i) => {
    w.card.put(`DCIM/${name}`, `clip ${name} #${i}`, w.t0 - HOUR + i * 1000);
  });
}

describe('dock session (in-memory ledger)', () => {
  it('holds an unknown recorder without mounting its volume', async () => {
    const w = world();
    recorded(w, ['a.MP4']);
    const result = await w.dock();
    assert.equal(result.outcome, 'held');
    assert.equal(w.factory.volumesOpened, 0, 'nothing mounted before admission');
    assert.deepEqual(
      w.ledger.openAlerts().map((a) => [a.kind, a.facts?.serial]),
      [['unknown-recorder', SERIAL]],
    );
    assert.equal(w.card.files.size, 1, 'nothing read or wiped');
  });

  it('seals every file, then wipes each one with its intent recorded before the unlink', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    const digests = new Map([...w.card.files.keys()].map((p) => [p, w.card.sha256(p)]));
    const intentAtUnlink: boolean[] = [];
    w.card.onDelete = (relPath) => {
      // What a power cut at this instant would leave: the seal of this file and the intent.
      const disk = w.ledger.durableState;
      const sealed = [...disk.clips.values()].find((c) => c.sourcePath === relPath);
      intentAtUnlink.push(sealed !== undefined && disk.intents.has(sealed.id));
    };
    const result = await w.dock();
    assert.equal(result.outcome, 'complete');
    assert.equal(result.sealed, 2);
    assert.deepEqual(
      intentAtUnlink,
      [true, true],
      'the seal and intent were durable when the file was unlinked',
    );
    assert.equal(w.card.files.size, 0);
    assert.deepEqual(w.ledger.pendingWipes(SERIAL), [], 'every intent confirmed');
    const clips = [...w.ledger.written.clips.values()];
    assert.deepEqual(new Map(clips.map((c) => [c.sourcePath, c.sha256])), digests);
    assert.ok(clips.every((c) => w.ledger.isWiped(c.id)));
  });

  it('reports a session complete only once its seals would survive a power cut', async () => {
    const w = world({ wipePolicy: 'never' });
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    const result = await w.dock();
    assert.equal(result.outcome, 'complete');
    w.ledger.powerCut();
    const clips = [...w.ledger.written.clips.values()].map((c) => c.sourcePath).sort();
    assert.deepEqual(clips, ['DCIM/a.MP4', 'DCIM/b.MP4']);
    assert.ok(w.ledger.findSession(result.sessionId ?? '')?.finishedAt, 'the session end too');
  });

  it('seals a new recording that reuses a wiped file name and size (a reset clock)', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    w.card.put('DCIM/0001.MP4', 'first recording', w.t0 - HOUR);
    await w.dock();
    w.card.put('DCIM/0001.MP4', 'other recording', w.t0 - HOUR); // same name, size and mtime
    w.clock.ms += HOUR;
    const again = await w.dock();
    assert.equal(again.outcome, 'complete');
    assert.equal(again.sealed, 1, 'the new bytes are sealed, not skipped by their name');
    const shas = [...w.ledger.written.clips.values()].map((c) => c.sha256);
    assert.equal(new Set(shas).size, 2);
    assert.equal(w.card.files.size, 0, 'and wiped once proven');
  });

  it('leaves an unchanged sealed file alone under wipe policy never, without copying it again', async () => {
    const w = world({ wipePolicy: 'never' });
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4']);
    await w.dock();
    assert.deepEqual(w.ingester.copied, ['DCIM/a.MP4']);
    const second = await w.dock();
    assert.equal(second.outcome, 'complete');
    assert.equal(second.skipped, 1);
    assert.deepEqual(w.ingester.copied, ['DCIM/a.MP4'], 'the same file is not copied twice');
    assert.equal(w.card.files.size, 1);
  });

  it('copies again a file whose name, size and mtime match a sealed clip but whose first bytes differ', async () => {
    const w = world({ wipePolicy: 'never' });
    w.ledger.registerRecorder(SERIAL);
    w.card.put('DCIM/0001.MP4', 'AAAA recording', w.t0 - HOUR);
    await w.dock();
    w.card.put('DCIM/0001.MP4', 'BBBB recording', w.t0 - HOUR);
    const second = await w.dock();
    assert.equal(second.sealed, 1, 'the head digest told them apart');
    assert.equal(w.ledger.written.clips.size, 2);
  });

  it('reconciles a wipe a crash cut between the unlink and its confirmation', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    let crashes = 1;
    w.card.onDelete = (relPath) => {
      if (relPath === 'DCIM/b.MP4' && crashes-- > 0) {
        w.card.files.delete(relPath); // the unlink happened …
        throw new DockError('DEVICE_GONE', 'killed'); // … and the dock died before the confirmation
      }
    };
    const first = await w.dock();
    assert.equal(first.outcome, 'interrupted');
    const [intent] = w.ledger.pendingWipes(SERIAL);
    assert.equal(intent?.sourcePath, 'DCIM/b.MP4', 'the intent survived the crash');
    const second = await w.dock();
    assert.equal(second.outcome, 'complete');
    assert.deepEqual(w.ledger.pendingWipes(SERIAL), []);
    const b = [...w.ledger.written.clips.values()].find((c) => c.sourcePath === 'DCIM/b.MP4');
    assert.ok(b && w.ledger.isWiped(b.id), 'the file found gone is recorded as wiped');
  });

  it('a bad sector fails one file only: the rest is sealed, the file stays, the retries are bounded', async () => {
    const w = world({ maxReadAttempts: 2 });
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4', 'c.MP4']);
    const bad = w.card.files.get('DCIM/b.MP4');
    if (bad) bad.fault = { atByte: 4, errno: 'EIO' };
    const first = await w.dock();
    assert.equal(first.outcome, 'partial');
    assert.equal(first.sealed, 2, 'the file after the bad one is sealed too');
    assert.deepEqual([...w.card.files.keys()], ['DCIM/b.MP4'], 'only the unread file is left');
    const alert = w.ledger.openAlerts().find((a) => a.kind === 'read-error');
    assert.equal(alert?.facts?.sourcePath, 'DCIM/b.MP4');
    await w.dock();
    w.ingester.copied.length = 0;
    const third = await w.dock();
    assert.deepEqual(w.ingester.copied, [], 'after two failed docks it is not tried again');
    assert.equal(third.skipped, 1);
    assert.equal(w.card.files.size, 1, 'and never wiped');
  });

  it('a read error while the recorder leaves ends the session interrupted, not as a bad sector', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    const a = w.card.files.get('DCIM/a.MP4');
    if (a) a.fault = { atByte: 4, errno: 'EIO' };
    w.card.onDelete = () => {};
    const running = w.dock();
    w.watcher.depart(w.device);
    const result = await running;
    assert.equal(result.outcome, 'interrupted');
    assert.equal(
      w.ledger.unreadableAttempts({
        serial: SERIAL,
        sourcePath: 'DCIM/a.MP4',
        size: a?.bytes.length ?? 0,
        mtimeMs: a?.mtimeMs ?? 0,
      }),
      0,
    );
  });

  it('a full vault is a critical alert at once, and the files after it are not tried', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    w.ingester.vaultFull = true;
    const result = await w.dock();
    assert.equal(result.outcome, 'partial');
    const full = w.ledger.openAlerts().filter((a) => a.kind === 'vault-full');
    assert.equal(full.length, 1);
    assert.equal(full[0]?.severity, 'critical');
    assert.equal(w.card.files.size, 2, 'nothing wiped');
  });

  it('a file that grows while it is copied is sealed as read, flagged, kept and alerted', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    w.card.put('DCIM/live.MP4', 'recording still going', w.t0 - 1000, { growsBy: 100 });
    const result = await w.dock();
    assert.equal(result.sealed, 1);
    const [clip] = [...w.ledger.written.clips.values()];
    assert.deepEqual(clip?.flags, ['changed']);
    assert.equal(w.card.files.size, 1, 'not wiped');
    assert.equal(w.ledger.openAlerts().find((a) => a.kind === 'file-changed')?.facts?.clipId, clip?.id);
  });

  it('a clip cut short is flagged damaged and kept until the manager resolves its alert', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    w.card.put('DCIM/20261201_090000_0007.MP4', 'cut short by a power loss', w.t0 - HOUR, {
      movie: { ok: false, reason: 'no-moov' },
    });
    await w.dock();
    const [clip] = [...w.ledger.written.clips.values()];
    assert.deepEqual(clip?.flags, ['damaged']);
    assert.equal(w.card.files.size, 1, 'kept on the recorder');
    const alert = w.ledger.openAlerts().find((a) => a.kind === 'damaged-clip');
    assert.equal(alert?.facts?.reason, 'no-moov');
    await w.dock();
    assert.equal(w.card.files.size, 1, 'still kept while the alert is open');
    w.ledger.resolveAlert(alert?.id ?? '');
    await w.dock();
    assert.equal(w.card.files.size, 0, 'wiped once seen and proven again');
    assert.equal(w.ledger.written.clips.size, 1, 'and not sealed twice');
  });

  it('learns the recorder clock zone from its other clips for a clip that has only a name', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    // The recorder runs on UTC+9 (its name digits are 9 h ahead of the MP4 header's UTC time).
    w.card.put('DCIM/20261201_180000_0001.MP4', 'one', w.t0 - 2 * HOUR, {
      movie: { ok: true, created: new Date('2026-12-01T09:00:00Z'), durationMs: 60_000 },
    });
    await w.dock();
    w.card.put('DCIM/20261201_190000_0002.MP4', 'two', w.t0 - HOUR, {
      movie: { ok: false, reason: 'no-moov' },
    });
    await w.dock();
    const named = [...w.ledger.written.clips.values()].find((c) => c.sourcePath.endsWith('0002.MP4'));
    assert.equal(
      named?.recordingStart?.toISOString(),
      '2026-12-01T10:00:00.000Z',
      'UTC+9, not the configured +8',
    );
  });

  it('ends interrupted when the recorder leaves, and the next dock completes without sealing twice', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4', 'c.MP4']);
    const c = w.card.files.get('DCIM/c.MP4');
    if (c) c.fault = { atByte: 2, errno: 'ENODEV' };
    const first = await w.dock();
    assert.equal(first.outcome, 'interrupted');
    if (c) c.fault = undefined;
    const second = await w.dock();
    assert.equal(second.outcome, 'complete');
    assert.equal(w.ledger.written.clips.size, 3, 'every clip sealed exactly once');
    assert.equal(w.card.files.size, 0);
  });

  it('never wipes a file whose sealed copy is missing from the vault', async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4']);
    w.lostFromVault.add(w.card.sha256('DCIM/a.MP4'));
    const result = await w.dock();
    assert.equal(result.sealed, 1);
    assert.equal(w.card.files.size, 1, 'kept on the recorder');
    assert.deepEqual(w.ledger.pendingWipes(SERIAL), [], 'not even an intent');
  });

  it('logs every refused wipe at warn with the file and the reason, and says why in the session steps', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createRootLogger({
      destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
      pretty: false,
      journal: false,
    });
    const w = world({}, logger);
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    // What the shipped unit did before the helper deleted files itself: the agent's copy of the
    // mount stayed read-only.
    w.card.onDelete = (relPath) => {
      throw Object.assign(
        new Error(`EROFS: read-only file system, unlink '/run/recorder-dock/mnt/x/${relPath}'`),
        {
          code: 'EROFS',
        },
      );
    };
    const result = await w.dock();
    assert.equal(result.outcome, 'complete', 'every file is sealed: custody is complete');
    assert.equal(result.sealed, 2);
    assert.equal(w.card.files.size, 2, 'both stay on the recorder');
    assert.deepEqual(w.ledger.pendingWipes(SERIAL), [], 'each intent cancelled');
    const refusals = lines.filter((l) => l.msg === 'wipe refused; the sealed file stays on the recorder');
    assert.deepEqual(
      refusals.map((l) => [l.level, l.relPath, l.code]),
      [
        [40, 'DCIM/a.MP4', 'EROFS'],
        [40, 'DCIM/b.MP4', 'EROFS'],
      ],
    );
    assert.ok(refusals.every((l) => /EROFS: read-only file system, unlink/.test(String(l.reason))));
    const sessionId = result.sessionId as string;
    const step = w.ledger.written.steps.find((x) => x.sessionId === sessionId && x.step === 'wipes-refused');
    assert.match(
      step?.detail ?? '',
      /^2 sealed files not deleted from the recorder: DCIM\/a\.MP4: EROFS: read-only file system.*; DCIM\/b\.MP4: EROFS/,
    );
    assert.ok(
      w.ledger.stepsOf(sessionId).indexOf('wipes-refused') < w.ledger.stepsOf(sessionId).indexOf('finished'),
    );
  });

  it("keeps the intent when the delete's outcome is unknown, and the next dock settles it from the card", async () => {
    const w = world();
    w.ledger.registerRecorder(SERIAL);
    recorded(w, ['a.MP4', 'b.MP4']);
    // The helper's connection closed mid-request: it deleted a.MP4 before it died, not b.MP4.
    w.card.onDelete = (relPath) => {
      if (relPath === 'DCIM/a.MP4') w.card.files.delete(relPath);
      throw new DockError(
        'MOUNT_HELPER_UNAVAILABLE',
        'the mount helper cannot be reached (the connection closed)',
      );
    };
    const first = await w.dock();
    assert.equal(first.outcome, 'complete');
    assert.equal(first.sealed, 2);
    assert.deepEqual(
      w.ledger
        .pendingWipes(SERIAL)
        .map((i) => i.sourcePath)
        .sort(),
      ['DCIM/a.MP4', 'DCIM/b.MP4'],
      'neither intent is cancelled on a guess',
    );
    const step = w.ledger.written.steps.find(
      (x) => x.sessionId === first.sessionId && x.step === 'wipes-refused',
    );
    assert.match(step?.detail ?? '', /^2 sealed files not deleted.*the next dock checks whether it is gone/);
    w.card.onDelete = () => {};
    w.clock.ms += HOUR;
    const second = await w.dock();
    assert.equal(second.outcome, 'complete');
    assert.equal(second.sealed, 0, 'nothing sealed twice');
    assert.deepEqual(w.ledger.pendingWipes(SERIAL), []);
    assert.deepEqual(w.card.deleted, ['DCIM/b.MP4'], 'b.MP4, still there, is proven and deleted now');
    assert.equal(w.card.files.size, 0);
    assert.ok([...w.ledger.written.clips.values()].every((c) => w.ledger.isWiped(c.id)));
  });
});
