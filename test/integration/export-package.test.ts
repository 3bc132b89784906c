import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../../agent/cli/command.ts';
import { exportCommand } from '../../agent/cli/export-command.ts';
import { type ExportIndex, indexProblem } from '../../agent/export/clip-index.ts';
import { createExport, type ExportDeps, exportPackageDir } from '../../agent/export/export-service.ts';
import { RECIPIENT_COMMANDS, WINDOWS_COMMANDS } from '../../agent/export/package-readme.ts';
import { verifyExportPackage } from '../../agent/export/verify-package.ts';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { captureIo, type ExportScene, exportScene, fakeVideo } from '../fixtures/export/export-fixture.ts';

function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else out.push(r);
  }
  return out.sort();
}

function run(cmd: string, cwd: string): { code: number | null; out: string } {
  const r = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('export packages (R10)', () => {
  let s: ExportScene;
  let deps: ExportDeps;

  before(async () => {
    s = await exportScene();
    deps = { ledger: s.ledger, exportsDir: s.exportsDir, vaultDir: s.paths.vaultDir, now: s.clock.now };
    s.ledger.access.labelClip({
      clipId: s.clips[0]?.id as string,
      caseNo: '(2025)x01',
      party: '王五',
      labelledBy: 'mgr1',
    });
  });
  after(() => s.cleanup());

  it('writes a BagIt package of an approved request that verifies, and records it', async () => {
    const clipIds = s.clips.slice(0, 3).map((c) => c.id);
    const requestId = s.request('mgr1', clipIds);
    const unit = { name: '城关镇综合行政执法队', code: '330100000001' };
    const record = await createExport(
      { ...deps, unit },
      {
        requestId,
        createdBy: 'mgr1',
        caseNo: '(2025)某行复字第1号',
        reason: 'litigation copy',
      },
    );
    const dir = exportPackageDir(s.exportsDir, record.id);
    assert.deepEqual(readdirSync(s.exportsDir), [record.id], 'no hidden partial folder is left');
    const files = filesUnder(dir);
    for (const f of [
      'bagit.txt',
      'bag-info.txt',
      'manifest-sha256.txt',
      'tagmanifest-sha256.txt',
      'README.txt',
    ])
      assert.ok(files.includes(f), f);
    for (const f of [
      'data/clips.json',
      'data/ledger-events.jsonl',
      'data/checkpoint.json',
      'data/dock-key.pub.pem',
    ])
      assert.ok(files.includes(f), f);
    assert.equal(files.filter((f) => f.startsWith('data/clips/')).length, 3);
    assert.equal(
      readFileSync(path.join(dir, 'bagit.txt'), 'utf8'),
      'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n',
    );

    const index = JSON.parse(readFileSync(path.join(dir, 'data/clips.json'), 'utf8')) as ExportIndex;
    assert.equal(indexProblem(index), null);
    assert.deepEqual(index.clips.map((c) => c.clipId).sort(), [...clipIds].sort());
    for (const c of index.clips) {
      const sealed = s.clips.find((k) => k.id === c.clipId);
      assert.equal(c.sha256, sealed?.sha256);
      const copy = readFileSync(path.join(dir, ...c.file.split('/')));
      assert.equal(createHash('sha256').update(copy).digest('hex'), c.sha256);
    }
    assert.equal(index.clips.find((c) => c.clipId === s.clips[0]?.id)?.labels?.caseNo, '(2025)x01');

    const info = readFileSync(path.join(dir, 'bag-info.txt'), 'utf8');
    assert.match(info, /^Source-Organization: 城关镇综合行政执法队$/m, 'the unit from the configuration');
    assert.match(info, /^Organization-Identifier: 330100000001$/m);
    assert.doesNotMatch(info, /^Source-Organization: .*[0-9a-f]{8}-[0-9a-f]{4}/m, 'not a uuid');
    assert.match(readFileSync(path.join(dir, 'README.txt'), 'utf8'), /^单位 Unit: +城关镇综合行政执法队$/m);
    assert.match(info, /^External-Identifier: [0-9a-f-]+$/m);
    assert.match(info, /^Case-Number: \(2025\)某行复字第1号$/m);
    assert.match(info, new RegExp(`^Approval-Request-Id: ${requestId}$`, 'm'));
    assert.match(info, /^Approval-Decided-By: sup1$/m);
    assert.match(info, /^Payload-Oxum: \d+\.7$/m);
    // R11: the party's name is nowhere in the package, though one clip is labelled with it.
    for (const f of files.filter((x) => !x.startsWith('data/clips/')))
      assert.doesNotMatch(readFileSync(path.join(dir, f), 'utf8'), /王五/, f);
    assert.match(
      readFileSync(path.join(dir, 'data/ledger-events.jsonl'), 'utf8'),
      /"withheld":"personal data/,
    );
    assert.doesNotMatch(readFileSync(path.join(dir, 'README.txt'), 'utf8'), /litigation copy/);

    const report = await verifyExportPackage(dir);
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.equal(report.files, 7);
    assert.equal(report.checkpoint?.verified, true);

    // The ledger: export.created with the manifest's digest, and the access log line (查询台账).
    const manifestSha = createHash('sha256')
      .update(readFileSync(path.join(dir, 'manifest-sha256.txt')))
      .digest('hex');
    assert.equal(record.manifestSha256, manifestSha);
    assert.deepEqual(s.ledger.accessQueries.export(record.id)?.clipIds.sort(), [...clipIds].sort());
    assert.equal(record.caseNo, '(2025)某行复字第1号');
    // (Read as events: AccessQueries.accessLog() binds its parameters wrongly at the time of writing.)
    const head = s.ledger.head().seq;
    const [created, logged] = s.ledger.accessQueries
      .eventsBySeq([head - 1, head])
      .map((e) => JSON.parse(e.body) as { type: string; data: Record<string, unknown> });
    assert.equal(created?.type, 'export.created');
    assert.equal(created?.data.exportId, record.id);
    assert.equal(created?.data.manifestSha256, manifestSha);
    assert.equal(logged?.type, 'access.logged');
    assert.deepEqual(logged?.data, {
      username: 'mgr1',
      action: 'export',
      target: `export:${record.id}`,
      reason: 'litigation copy',
      requestId,
    });
  });

  it('gives the recipient commands that work: sha256sum -c, openssl, the key fingerprint, event hashes', async () => {
    const requestId = s.request('mgr1', [s.clips[1]?.id as string, s.clips[3]?.id as string]);
    const record = await createExport(deps, { requestId, createdBy: 'mgr1' });
    const dir = exportPackageDir(s.exportsDir, record.id);
    const readme = readFileSync(path.join(dir, 'README.txt'), 'utf8');
    assert.match(readme, /导出/);
    assert.match(readme, /How to verify/);
    assert.match(
      readFileSync(path.join(dir, 'bag-info.txt'), 'utf8'),
      /^Source-Organization: 综合行政执法队$/m,
      'without a configured unit: the unit the recorders report for the officers',
    );
    // Windows: a certutil line per clip with the digest it must print, and the PowerShell check.
    const manifest = readFileSync(path.join(dir, 'manifest-sha256.txt'), 'utf8');
    const clipLines = manifest.split('\n').filter((l) => l.includes('  data/clips/'));
    assert.equal(clipLines.length, 2);
    for (const l of clipLines) {
      const [digest, file] = l.split('  ') as [string, string];
      const windowsPath = file.replaceAll('/', '\\');
      assert.ok(
        readme.includes(`certutil -hashfile "${windowsPath}" SHA256\n        → ${digest}`),
        `README: certutil for ${file}`,
      );
    }
    assert.ok(readme.includes(WINDOWS_COMMANDS.manifest), 'the PowerShell check of the whole manifest');
    assert.match(readme, /Windows（无需安装软件）/);
    for (const [name, cmd] of Object.entries(RECIPIENT_COMMANDS)) {
      for (const line of cmd.split('\n')) assert.ok(readme.includes(line), `README shows ${name}`);
      const r = run(cmd, dir);
      assert.equal(r.code, 0, `${name}: ${r.out}`);
      if (name === 'manifest') assert.equal(r.out.match(/: OK$/gm)?.length, 6, r.out);
      if (name === 'signature') assert.match(r.out, /Signature Verified Successfully/);
      if (name === 'fingerprint') assert.ok(r.out.startsWith(s.ledger.keyId), r.out);
      if (name === 'events') assert.doesNotMatch(r.out, /FAILED/);
    }
    // … and they fail on a tampered package.
    const clip = filesUnder(dir).find((f) => f.startsWith('data/clips/')) as string;
    const bytes = readFileSync(path.join(dir, clip));
    bytes[0] = (bytes[0] as number) ^ 1;
    writeFileSync(path.join(dir, clip), bytes);
    assert.notEqual(run(RECIPIENT_COMMANDS.manifest, dir).code, 0);
    const sig = readFileSync(path.join(dir, 'signature/checkpoint.sig'));
    sig[5] = (sig[5] as number) ^ 1;
    writeFileSync(path.join(dir, 'signature/checkpoint.sig'), sig);
    assert.notEqual(run(RECIPIENT_COMMANDS.signature, dir).code, 0);
  });

  it('refuses without an approval, when expired, denied, for viewing, or for another user; writes nothing', async () => {
    const clipIds = [s.clips[0]?.id as string];
    const before = readdirSync(s.exportsDir);
    const exportsBefore = s.ledger.accessQueries.exports().length;
    const cases: [string, string, RegExp][] = [
      ['no-such-request', 'mgr1', /there is no access request/],
      [s.request('mgr1', clipIds, { decision: 'pending' }), 'mgr1', /has not been decided/],
      [s.request('mgr1', clipIds, { decision: 'denied' }), 'mgr1', /was denied/],
      [s.request('mgr1', clipIds, { purpose: 'view' }), 'mgr1', /is for viewing, not export/],
      [s.request('mgr1', clipIds), 'mgr2', /made by another user/],
    ];
    const expiring = s.request('mgr1', clipIds, { hours: 1 });
    s.clock.advance(2 * 3_600_000);
    cases.push([expiring, 'mgr1', /expired at/]);
    for (const [requestId, createdBy, message] of cases) {
      await assert.rejects(createExport(deps, { requestId, createdBy }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'EXPORT_REFUSED');
        assert.match(err.message, message);
        return true;
      });
    }
    assert.deepEqual(readdirSync(s.exportsDir), before);
    assert.equal(s.ledger.accessQueries.exports().length, exportsBefore);
    await assert.rejects(
      createExport(deps, {
        requestId: s.request('mgr1', clipIds),
        createdBy: 'mgr1',
        caseNo: 'a\nInjected: 1',
      }),
      { code: 'EXPORT_INPUT' },
    );
  });

  it('stores hostile source names under safe, bounded, unique names', async () => {
    const hostile = [
      '../../etc/passwd',
      '/DCIM/evil\nname\r.MP4',
      `/DCIM/${'录'.repeat(300)}.MP4`,
      `/DCIM/${Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0x81, 0x40]).toString('latin1')}\ufffd.mp4`,
      '/DCIM/..',
      '/DCIM/.hidden\u202egnp.exe',
      'C:\\DCIM\\100\\same.MP4',
      '/DCIM/200/same.MP4',
      '/DCIM/\u0000\u0007',
    ];
    const clips = [];
    for (const [i, name] of hostile.entries()) clips.push(await s.seal(name, fakeVideo(64 + i)));
    const requestId = s.request(
      'mgr1',
      clips.map((c) => c.id),
    );
    const record = await createExport(deps, { requestId, createdBy: 'mgr1' });
    const dir = exportPackageDir(s.exportsDir, record.id);
    const index = JSON.parse(readFileSync(path.join(dir, 'data/clips.json'), 'utf8')) as ExportIndex;
    const names = index.clips.map((c) => c.file);
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, hostile.length, 'unique');
    for (const file of names) {
      assert.match(file, /^data\/clips\/ZFY0001\/[^/]+$/);
      const base = file.split('/').at(-1) as string;
      assert.doesNotMatch(base, /^\./);
      assert.doesNotMatch(base, /[\p{Cc}\p{Cf}\\/]/u);
      assert.ok(Buffer.byteLength(base) <= 150, base);
      assert.ok(existsSync(path.join(dir, ...file.split('/'))));
    }
    const byPath = new Map(index.clips.map((c) => [c.sourcePath, c.file.split('/').at(-1) as string]));
    assert.match(byPath.get('../../etc/passwd') as string, /^[0-9a-f]{12}_passwd$/);
    assert.match(byPath.get('/DCIM/evil\nname\r.MP4') as string, /^[0-9a-f]{12}_evil_name\.MP4$/);
    assert.match(byPath.get(`/DCIM/${'录'.repeat(300)}.MP4`) as string, /^[0-9a-f]{12}_录+\.MP4$/);
    assert.equal(
      index.clips.find((c) => c.sourcePath === '/DCIM/..')?.sourcePath,
      '/DCIM/..',
      'source path kept',
    );
    assert.equal((await verifyExportPackage(dir)).ok, true);
    assert.equal(run(RECIPIENT_COMMANDS.manifest, dir).code, 0);
  });

  it('aborts when a vault file no longer matches its seal, names the clip, and leaves nothing behind', async () => {
    const changed = await s.seal('/DCIM/changed.MP4', fakeVideo(2048));
    const vaultFile = vaultPathFor(s.paths.vaultDir, changed.sha256);
    chmodSync(vaultFile, 0o640);
    const bytes = readFileSync(vaultFile);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    writeFileSync(vaultFile, bytes);
    const before = readdirSync(s.exportsDir);
    const exportsBefore = s.ledger.accessQueries.exports().length;
    const requestId = s.request('mgr1', [s.clips[2]?.id as string, changed.id]);
    await assert.rejects(
      createExport(deps, { requestId, createdBy: 'mgr1' }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'EXPORT_SEAL_MISMATCH');
        assert.match(err.message, new RegExp(`clip ${changed.id} does not match its seal`));
        return true;
      },
    );
    assert.deepEqual(readdirSync(s.exportsDir), before, 'no package and no hidden partial folder');
    assert.equal(s.ledger.accessQueries.exports().length, exportsBefore);
    assert.equal(s.ledger.accessQueries.clip(changed.id)?.check?.result, 'mismatch');

    rmSync(vaultFile);
    await assert.rejects(createExport(deps, { requestId, createdBy: 'mgr1' }), /clip [0-9a-f]+ is missing/);
    assert.deepEqual(readdirSync(s.exportsDir), before);
    assert.equal(s.ledger.accessQueries.clip(changed.id)?.check?.result, 'missing');
  });

  it('clears hidden folders that interrupted exports left a day ago, not ones that may be running', async () => {
    const old = path.join(s.exportsDir, '.partial-0000dead');
    const fresh = path.join(s.exportsDir, '.partial-0000beef');
    for (const d of [old, fresh]) mkdirSync(path.join(d, 'data'), { recursive: true });
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    utimesSync(old, dayAgo, dayAgo);
    const requestId = s.request('mgr1', [s.clips[0]?.id as string]);
    await createExport(deps, { requestId, createdBy: 'mgr1' });
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
    rmSync(fresh, { recursive: true });
  });

  it('refuses export ids that could leave the exports folder', () => {
    for (const bad of ['../etc', 'a/b/c/d/e', '', 'ABCDEF12', '12345678/..', 'x'.repeat(70)])
      assert.throws(() => exportPackageDir('/srv/exports', bad), { code: 'EXPORT_INPUT' });
    assert.equal(exportPackageDir('/srv/exports', 'd1afda56-3739'), '/srv/exports/d1afda56-3739');
  });
});

describe('dockctl export create / list', () => {
  it('creates a package of an approved request and lists it', async () => {
    const s = await exportScene(new Date());
    try {
      const requestId = s.request('mgr1', [s.clips[0]?.id as string]);
      s.closeLedger();
      // The request by the handle a person reads off a table.
      const io = captureIo([
        'create',
        '--state',
        s.dir,
        '--request',
        requestId.slice(0, 8),
        '--user',
        'mgr1',
        '--json',
      ]);
      Object.assign(io.stderr, { isTTY: true });
      assert.equal(await exportCommand.run(io), ExitCode.ok, io.err());
      const progress = io
        .err()
        .split('\r')
        .find((l) => l.includes('export: clip'));
      assert.ok(progress?.startsWith('\x1b[K'), 'a progress line on a TTY, redrawn in place');
      assert.match(progress ?? '', /export: clip 1 of 1 copy +\[#*\.*\] +\d+%/);
      const created = JSON.parse(io.out()) as { id: string; dir: string };
      assert.equal(created.dir, path.join(s.dir, 'exports', created.id));
      assert.equal((await verifyExportPackage(created.dir)).ok, true);

      const list = captureIo(['list', '--state', s.dir]);
      assert.equal(await exportCommand.run(list), ExitCode.ok, list.err());
      assert.match(list.out(), new RegExp(` mgr1 .* present +${created.id.slice(0, 8)}$`, 'm'));
      assert.ok(!list.out().includes(created.id), 'the export by its handle, not its whole id');
      const zhList = captureIo(['list', '--state', s.dir], { LANG: 'zh_CN.UTF-8' });
      assert.equal(await exportCommand.run(zhList), ExitCode.ok, zhList.err());
      assert.match(zhList.out(), /^导出时间 +导出人 +案号/m);
      assert.match(zhList.out(), new RegExp(` 在 +${created.id.slice(0, 8)}$`, 'm'));

      const refused = captureIo(['create', '--state', s.dir, '--request', requestId, '--user', 'mgr2']);
      assert.equal(await exportCommand.run(refused), ExitCode.dataErr);
      assert.match(refused.err(), /refused: .* made by another user/);
      assert.equal(await exportCommand.run(captureIo(['create', '--state', s.dir])), ExitCode.usage);
      assert.equal(
        await exportCommand.run(captureIo(['list', '--state', path.join(s.dir, 'nowhere')])),
        ExitCode.noInput,
      );
    } finally {
      s.cleanup();
    }
  });
});
