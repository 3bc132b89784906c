import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { writeFileDurable } from '../../agent/fs/durable-write.ts';
import { VaultLayout } from '../../agent/ingest/vault.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { simSourceSpec } from '../../drivers/sim/sim-source.ts';
import { IngestFixture, SMALL_TUNING } from '../helpers/ingest-fixture.ts';

const CHILD = path.join(import.meta.dirname, '../fixtures/ingest/unprivileged-ingest-child.ts');
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
/** The user the child runs as: nobody when the tests run as root, else the (unprivileged) caller. */
const SERVICE_UID = isRoot ? NOBODY : (process.getuid?.() ?? NOBODY);

/** Run the ingest child unprivileged (setpriv from root), as the shipped unit runs. */
async function ingestUnprivileged(stateDir: string, source: string, resumeKey: string) {
  const drop = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--inh-caps=-all'];
  const node = [process.execPath, '--import', 'tsx', CHILD, stateDir, source, resumeKey];
  const [cmd, ...args] = isRoot ? ['setpriv', ...drop, ...node] : node;
  const { stdout } = await promisify(execFile)(cmd as string, args, {
    cwd: path.join(import.meta.dirname, '../..'),
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    ok: boolean;
    sha256?: string;
    code?: string;
    uid?: number;
  };
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await fsp.chown(dir, uid, uid);
  for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true }))
    await fsp.chown(path.join(entry.parentPath, entry.name), uid, uid);
}

describe('custody in the ingest core', () => {
  let fx: IngestFixture;
  before(async () => {
    fx = await IngestFixture.create();
  });
  after(() => fx.close());

  it('a file that grows while it is copied is sealed up to its listed size and reported changed', async () => {
    const size = 20 * SMALL_TUNING.bufferBytes;
    const { file, sha256 } = await fx.sourceFile('growing.mp4', size);
    const result = await fx.ingester().ingest({
      source: simSourceSpec(file, null, { atByte: size / 2, deltaBytes: 5 * SMALL_TUNING.bufferBytes }),
      resumeKey: 'growing',
    });
    assert.equal((await fsp.stat(file)).size, size + 5 * SMALL_TUNING.bufferBytes, 'the file did grow');
    assert.equal(result.size, size, 'never read past the size it was listed with');
    assert.equal(result.sha256, sha256, 'the sealed bytes are exactly those listed');
    assert.equal(result.sourceChanged, true);
  });

  it('a file that shrinks while it is copied is reported changed', async () => {
    const size = 20 * SMALL_TUNING.bufferBytes;
    const { file } = await fx.sourceFile('shrinking.mp4', size);
    const result = await fx.ingester().ingest({
      source: simSourceSpec(file, null, { atByte: size / 2, deltaBytes: -4 * SMALL_TUNING.bufferBytes }),
      resumeKey: 'shrinking',
    });
    assert.ok(result.size < size);
    assert.equal(result.sourceChanged, true);
  });

  it('an untouched file is not reported changed, and its head digest covers its first MiB', async () => {
    const { file } = await fx.sourceFile('still.mp4', (1 << 20) + 5000);
    const result = await fx.ingester().ingest({ source: { path: file }, resumeKey: 'still' });
    assert.equal(result.sourceChanged, false);
    const head = (await fsp.readFile(file)).subarray(0, 1 << 20);
    const { createHash } = await import('node:crypto');
    assert.equal(result.headSha256, createHash('sha256').update(head).digest('hex'));
    assert.equal(await fx.ingester().headDigest({ path: file }), result.headSha256);
  });

  it('removes what a kill left of durable writes in staging, and keeps partial copies', async () => {
    const layout = new VaultLayout(fx.paths);
    await layout.ensureDirs();
    const staging = fx.paths.stagingDir;
    await fsp.writeFile(path.join(staging, '.abc.state.json.0123456789ab.tmp'), 'half a state');
    await fsp.writeFile(path.join(staging, 'ffff.part'), 'a partial copy');
    await writeFileDurable(path.join(staging, 'ffff.state.json'), '{}');
    assert.equal(await layout.removeStaleTemporaries(), 1);
    assert.deepEqual((await fsp.readdir(staging)).sort(), ['ffff.part', 'ffff.state.json']);
  });

  it('a restart after the seal pass finished (the part is 0440) completes as the unprivileged service user', async () => {
    await fsp.chmod(fx.root, 0o755);
    const root = await fsp.mkdtemp(path.join(fx.root, 'unpriv-'));
    await fsp.chmod(root, 0o755);
    const stateDir = path.join(root, 'state');
    const { file, sha256 } = await fx.sourceFile('restart.mp4', 3 * SMALL_TUNING.checkpointBytes + 77);
    await fsp.chmod(fx.sourceDir, 0o755);
    await fsp.chmod(file, 0o644);
    // A finished seal pass whose verify never ran: the staged part is complete and read-only.
    const layout = new VaultLayout(pathsUnder(stateDir));
    await layout.ensureDirs();
    const { stagedPath } = layout.stagingFor('restart');
    await fsp.copyFile(file, stagedPath);
    await fsp.chmod(stagedPath, 0o440);
    if (isRoot) await chownTree(stateDir, NOBODY);
    const result = await ingestUnprivileged(stateDir, file, 'restart');
    assert.equal(result.uid, SERVICE_UID, `the child ran unprivileged: ${JSON.stringify(result)}`);
    assert.notEqual(result.uid, 0);
    assert.deepEqual({ ok: result.ok, sha256: result.sha256 }, { ok: true, sha256 });
  });
});
