import assert from 'node:assert/strict';
import { appendFile, readdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resumeKeyOf } from '../../agent/dock/staged-leftovers.ts';
import { Ingester } from '../../agent/ingest/ingester.ts';
import { writeResumeState } from '../../agent/ingest/resume-state.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { SimRecorder } from '../../drivers/sim/sim-recorder.ts';
import { DockFixture, dock } from '../fixtures/dock/dock-fixture.ts';

async function dockOnce(fx: DockFixture, sim: SimRecorder) {
  const result = await dock(fx, sim);
  await sim.unplug();
  return result;
}

/** The recorder file grows by a page and gets a later mtime, as a recorder still writing it would. */
async function grow(file: string): Promise<void> {
  await appendFile(file, Buffer.alloc(4096, 7));
  const later = new Date(Date.now() + 60_000);
  await utimes(file, later, later);
}

describe("the staging area's leftovers of crashes and changed files", () => {
  let fx: DockFixture;
  before(async () => {
    fx = await DockFixture.create({ wipePolicy: 'never' });
  });
  after(() => fx.close());

  it('seals a copy published before a crash cut off its seal, after its recorder file changed', async () => {
    const sim = await fx.recorder({ kind: 'mass-storage', battery: 80 });
    const serial = sim.identity.serial;
    const clip = sim.clips[0]!;
    const file = path.join(sim.volumeDir, clip.relPath);
    const st = await stat(file);
    const ingester = new Ingester({
      pool: fx.pool,
      layout: new VaultLayout(fx.paths),
      logger: silentLogger(),
    });
    const [crashed] = await ingester.ingestAll(
      [
        {
          source: { path: file },
          resumeKey: resumeKeyOf(serial, { ...clip, size: st.size, mtimeMs: st.mtimeMs }),
        },
      ],
      {
        onSettled: () => {
          throw new Error('the power went before the seal was recorded');
        },
      },
    );
    assert.equal(crashed?.ok, false, 'the copy was published but its seal not recorded');
    await grow(file); // the officer recorded on: the file is not what was copied any more
    const before = await verifyLedger({ paths: fx.paths, files: true });
    assert.match(
      before.findings.map((f) => `${f.kind}: ${f.message}`).join('\n'),
      new RegExp(
        `vault-unsealed: .*copied from ${serial}:${clip.relPath}:.*the next dock of that recorder seals it`,
      ),
      'until the recorder docks again, verify says where the unsealed vault file came from',
    );

    const result = await dockOnce(fx, sim);
    assert.equal(result.outcome, 'complete');
    const report = await verifyLedger({ paths: fx.paths, files: true });
    assert.deepEqual(
      report.findings.map((f) => `${f.kind}: ${f.message}`),
      [],
      'every vault file has its seal',
    );
    const sealedAt = fx.ledger.dock.clipsAt(serial, clip.relPath, st.size);
    assert.equal(sealedAt.length, 1, 'the copy published before the crash is sealed at its size and path');
    assert.deepEqual(await readdir(fx.paths.stagingDir), [], 'nothing left in the staging area');
  });

  it("removes, after a complete docking, the partial copies of that recorder's files that changed", async () => {
    const sim = await fx.recorder({ kind: 'serial', battery: 80 });
    const serial = sim.identity.serial;
    const clip = sim.clips[1]!;
    const st = await stat(path.join(sim.volumeDir, clip.relPath));
    const layout = new VaultLayout(fx.paths);
    await layout.ensureDirs();
    const interrupted = resumeKeyOf(serial, {
      relPath: clip.relPath,
      size: st.size - 4096,
      mtimeMs: st.mtimeMs - 60_000,
    });
    const otherRecorder = resumeKeyOf('OTHER-9', {
      relPath: clip.relPath,
      size: st.size,
      mtimeMs: st.mtimeMs,
    });
    for (const key of [interrupted, otherRecorder]) await keptPart(layout, key, clip.relPath);

    const result = await dockOnce(fx, sim);
    assert.equal(result.outcome, 'complete');
    const other = layout.stagingFor(otherRecorder);
    assert.deepEqual(
      (await readdir(fx.paths.stagingDir)).sort(),
      [path.basename(other.stagedPath), path.basename(other.statePath)].sort(),
      "the changed file's part and state are gone; another recorder's stay",
    );
  });
});

/** What an interrupted copy leaves: the first MiB of a part and its resume state. */
async function keptPart(layout: VaultLayout, resumeKey: string, relPath: string): Promise<void> {
  const { stagedPath, statePath } = layout.stagingFor(resumeKey);
  await appendFile(stagedPath, Buffer.alloc(1 << 20, 1));
  const [, size, mtimeMs] = /:(\d+):([\d.]+)$/.exec(resumeKey) ?? [];
  await writeResumeState(statePath, {
    version: 1,
    resumeKey,
    sourcePath: relPath,
    sourceSize: Number(size),
    sourceMtimeMs: Number(mtimeMs),
    offset: 0,
    prefixDigests: [],
    updatedAt: new Date().toISOString(),
  });
}
