import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { ExitCode } from '../../agent/cli/command.ts';
import { exportCommand } from '../../agent/cli/export-command.ts';
import { createExport, exportPackageDir, zipExportPackage } from '../../agent/export/export-service.ts';
import { type PackageReport, verifyExportPackage } from '../../agent/export/verify-package.ts';
import { type Checkpoint, checkpointSigningBytes, signCheckpoint } from '../../agent/ledger/checkpoint.ts';
import { keyIdOf } from '../../agent/ledger/dock-key.ts';
import { captureIo, collect, type ExportScene, exportScene } from '../fixtures/export/export-fixture.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Rewrite a file and every manifest line that covers it, as a forger who knows the format would. */
function forge(dir: string, rel: string, content: Buffer | string): void {
  writeFileSync(path.join(dir, rel), content);
  for (const manifest of ['manifest-sha256.txt', 'tagmanifest-sha256.txt']) {
    const file = path.join(dir, manifest);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const fixed = lines.map((l) => {
      const name = l.slice(66);
      return `${sha256(readFileSync(path.join(dir, name)))}  ${name}`;
    });
    writeFileSync(file, `${fixed.join('\n')}\n`);
  }
}

function kinds(r: PackageReport): string[] {
  return r.problems.map((p) => `${p.kind} ${p.file}`).sort();
}

describe('verifying export packages', () => {
  let s: ExportScene;
  let pristine: string;
  let exportId: string;
  let clipFile: string;
  let scratch: string;

  /** A fresh copy of the package, in a folder named after the export id. */
  function copy(): string {
    const dest = path.join(mkdtempSync(path.join(scratch, 'c-')), exportId);
    cpSync(pristine, dest, { recursive: true });
    return dest;
  }

  async function zipOf(dir: string): Promise<string> {
    const file = path.join(mkdtempSync(path.join(scratch, 'z-')), `${exportId}.zip`);
    writeFileSync(file, await collect(zipExportPackage(dir)));
    return file;
  }

  before(async () => {
    s = await exportScene();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'export-verify-'));
    s.ledger.access.labelClip({ clipId: s.clips[1]?.id as string, party: '赵六', labelledBy: 'mgr1' });
    const requestId = s.request(
      'mgr1',
      s.clips.map((c) => c.id),
    );
    const deps = { ledger: s.ledger, exportsDir: s.exportsDir, vaultDir: s.paths.vaultDir, now: s.clock.now };
    exportId = (await createExport(deps, { requestId, createdBy: 'mgr1', caseNo: 'AB-1' })).id;
    pristine = exportPackageDir(s.exportsDir, exportId);
    const clips = readdirSync(path.join(pristine, 'data/clips/ZFY0001'));
    clipFile = `data/clips/ZFY0001/${clips[0]}`;
  });
  after(() => {
    s.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('finds an intact package intact, as a folder and as a zip', async () => {
    for (const target of [pristine, await zipOf(pristine)]) {
      const r = await verifyExportPackage(target);
      assert.deepEqual(r.problems, [], target);
      assert.equal(r.ok, true);
      assert.equal(r.files, 8);
      assert.equal(r.checkpoint?.verified, true);
      assert.equal(r.info['External-Identifier'], exportId);
      assert.equal(r.info['Case-Number'], 'AB-1');
    }
  });

  it('zips clips stored and text deflated, under a folder named after the export id', async () => {
    const zip = await yauzl.openPromise(await zipOf(pristine), { lazyEntries: true });
    const methods = new Map<string, number>();
    for await (const e of zip.eachEntry()) methods.set(e.fileName, e.compressionMethod);
    zip.close();
    assert.equal(methods.get(`${exportId}/${clipFile}`), 0);
    assert.equal(methods.get(`${exportId}/data/clips.json`), 8);
    assert.equal(methods.get(`${exportId}/bag-info.txt`), 8);
    assert.ok([...methods.keys()].every((n) => n.startsWith(`${exportId}/`)));
  });

  it('names a clip with one changed byte, in the folder and in the zip', async () => {
    const dir = copy();
    const file = path.join(dir, clipFile);
    const bytes = readFileSync(file);
    bytes[100] = (bytes[100] as number) ^ 1;
    writeFileSync(file, bytes);
    const r = await verifyExportPackage(dir);
    assert.deepEqual(kinds(r), [`mismatch ${clipFile}`]);
    assert.match(r.problems[0]?.detail ?? '', /manifest-sha256.txt says/);

    // Stored entries: the clip's bytes are in the zip as they are; flip one there.
    const zipFile = await zipOf(pristine);
    const zip = readFileSync(zipFile);
    const at = zip.indexOf(readFileSync(path.join(pristine, clipFile)).subarray(0, 64));
    assert.ok(at > 0);
    zip[at + 100] = (zip[at + 100] as number) ^ 1;
    writeFileSync(zipFile, zip);
    assert.deepEqual(kinds(await verifyExportPackage(zipFile)), [`mismatch ${clipFile}`]);
  });

  it('names missing, unexpected and edited files, in the folder and in the zip', async () => {
    const dir = copy();
    rmSync(path.join(dir, clipFile));
    writeFileSync(path.join(dir, 'data/clips/ZFY0001/extra.mp4'), 'not sealed');
    writeFileSync(path.join(dir, 'notes.txt'), 'who knows');
    const info = readFileSync(path.join(dir, 'bag-info.txt'), 'utf8');
    writeFileSync(path.join(dir, 'bag-info.txt'), info.replace('Case-Number: AB-1', 'Case-Number: AB-2'));
    const expected = [
      'mismatch bag-info.txt',
      `missing ${clipFile}`,
      'size bag-info.txt',
      'unexpected data/clips/ZFY0001/extra.mp4',
      'unexpected notes.txt',
    ].sort();
    for (const target of [dir, await zipOf(dir)]) {
      const r = await verifyExportPackage(target);
      assert.deepEqual(kinds(r), expected, target);
      assert.equal(r.ok, false);
    }
    symlinkSync('/etc/passwd', path.join(dir, 'data/link'));
    const withLink = await verifyExportPackage(dir);
    assert.ok(withLink.problems.some((p) => p.file === 'data/link' && /symbolic link/.test(p.detail)));
  });

  it('catches an edited bag-info.txt through the tag manifest', async () => {
    const dir = copy();
    appendFileSync(path.join(dir, 'bag-info.txt'), 'Party: 某人\n');
    const r = await verifyExportPackage(dir);
    assert.deepEqual(kinds(r), ['mismatch bag-info.txt']);
    assert.match(r.problems[0]?.detail ?? '', /tagmanifest-sha256.txt says/);
  });

  it('catches an event whose body was edited, even with the manifests rewritten', async () => {
    const dir = copy();
    const rel = 'data/ledger-events.jsonl';
    const text = readFileSync(path.join(dir, rel), 'utf8');
    const sealed = text.split('\n').find((l) => l.includes('clip.sealed')) as string;
    const edited = sealed.replace(/\\"size\\":(\d)/, (_m, d: string) => `\\"size\\":${(Number(d) + 1) % 10}`);
    assert.notEqual(edited, sealed);
    forge(dir, rel, text.replace(sealed, edited));
    const r = await verifyExportPackage(dir);
    assert.ok(
      r.problems.some((p) => p.file === rel && p.kind === 'mismatch' && /hash ≠ SHA-256/.test(p.detail)),
      JSON.stringify(r.problems),
    );
  });

  it('catches a forged checkpoint signature, and a forger who brings their own key', async () => {
    const cpRel = 'data/checkpoint.json';
    const cp = JSON.parse(readFileSync(path.join(pristine, cpRel), 'utf8')) as Checkpoint;
    const stranger = generateKeyPairSync('ed25519');

    // 1. Another seq, signature left as it was (the manifests rewritten to match).
    const dir = copy();
    forge(dir, cpRel, JSON.stringify({ ...cp, seq: cp.seq + 1 }, null, 2));
    const r = await verifyExportPackage(dir);
    assert.ok(
      r.problems.some((p) => p.file === cpRel && p.kind === 'signature'),
      JSON.stringify(r.problems),
    );
    assert.equal(r.checkpoint?.verified, false);

    // 2. Signed by another key, presented as the dock's key.
    const own = copy();
    const forged = signCheckpoint(
      { ...cp, key: keyIdOf(stranger.publicKey), seq: cp.seq },
      stranger.privateKey,
    );
    forge(own, 'data/dock-key.pub.pem', stranger.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    forge(own, cpRel, JSON.stringify(forged, null, 2));
    forge(own, 'signature/checkpoint.msg', checkpointSigningBytes(forged));
    forge(own, 'signature/checkpoint.sig', Buffer.from(forged.sig, 'base64'));
    const r2 = await verifyExportPackage(own);
    assert.ok(
      r2.problems.some((p) => p.file === 'data/dock-key.pub.pem' && p.kind === 'signature'),
      JSON.stringify(r2.problems),
    );
    assert.equal(r2.checkpoint?.verified, false);
  });

  it('refuses zip-slip entries as problems and writes nothing outside', async () => {
    const tag = randomBytes(4).toString('hex');
    const zip = new ZipFile();
    for (const rel of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt'])
      zip.addFile(path.join(pristine, rel), `${exportId}/${rel}`);
    zip.addBuffer(Buffer.from('pwned'), `zz/evil-${tag}`);
    zip.addBuffer(Buffer.from('pwned'), `Xtmp/evil-${tag}`);
    zip.addBuffer(Buffer.from('/etc/passwd'), `${exportId}/data/link-${tag}`, { mode: 0o120777 });
    zip.end();
    const bytes = await collect(zip.outputStream);
    const patch = (from: string, to: string) => {
      const a = Buffer.from(from);
      for (let i = bytes.indexOf(a); i >= 0; i = bytes.indexOf(a, i + 1)) Buffer.from(to).copy(bytes, i);
    };
    patch(`zz/evil-${tag}`, `../evil-${tag}`);
    patch(`Xtmp/evil-${tag}`, `/tmp/evil-${tag}`);
    const dir = mkdtempSync(path.join(scratch, 'slip-'));
    mkdirSync(path.join(dir, 'inner'));
    const file = path.join(dir, 'inner', 'evil.zip');
    writeFileSync(file, bytes);

    const r = await verifyExportPackage(file);
    assert.equal(r.ok, false);
    const byFile = new Map(r.problems.map((p) => [p.file, p]));
    assert.equal(byFile.get(`../evil-${tag}`)?.kind, 'malformed');
    assert.match(byFile.get(`../evil-${tag}`)?.detail ?? '', /zip-slip/);
    assert.equal(byFile.get(`/tmp/evil-${tag}`)?.kind, 'malformed');
    assert.match(byFile.get(`${exportId}/data/link-${tag}`)?.detail ?? '', /symbolic link/);
    for (const where of [path.join(dir, `evil-${tag}`), `/tmp/evil-${tag}`, path.resolve(`../evil-${tag}`)])
      assert.equal(existsSync(where), false, where);
    assert.deepEqual(readdirSync(path.join(dir, 'inner')), ['evil.zip']);
  });

  it('dockctl export verify: 0 intact, 1 problems (naming each file), 65 not a package, 66 no such path', async () => {
    const ok = captureIo(['verify', pristine]);
    assert.equal(await exportCommand.run(ok), ExitCode.ok, ok.err());
    assert.match(ok.out(), /verify: the package is intact/);
    assert.match(ok.out(), /checkpoint \d+ signature verified/);
    const zh = captureIo(['verify', pristine], { LANG: 'zh_CN.UTF-8' });
    assert.equal(await exportCommand.run(zh), ExitCode.ok, zh.err());
    assert.match(zh.out(), /^导出包 .*：导出编号 [0-9a-f]{8}，采集站 [0-9a-f]{8}$/m);
    assert.match(zh.out(), /^资料文件 \d+ 个，.*；检查点 \d+ 签名有效$/m);
    assert.match(zh.out(), /^核验：导出包完整$/m);

    const zipOk = captureIo(['verify', await zipOf(pristine), '--json']);
    assert.equal(await exportCommand.run(zipOk), ExitCode.ok, zipOk.err());
    assert.equal((JSON.parse(zipOk.out()) as PackageReport).ok, true);

    const dir = copy();
    rmSync(path.join(dir, clipFile));
    writeFileSync(path.join(dir, 'data/extra.bin'), 'x');
    const bad = captureIo(['verify', dir]);
    assert.equal(await exportCommand.run(bad), ExitCode.findings);
    assert.match(bad.out(), new RegExp(`FAIL ${clipFile}  missing`));
    assert.match(bad.out(), /FAIL data\/extra.bin {2}unexpected/);
    assert.match(bad.out(), /the package does NOT hold/);
    const badZh = captureIo(['verify', dir], { LANG: 'zh_CN.UTF-8' });
    assert.equal(await exportCommand.run(badZh), ExitCode.findings);
    assert.match(badZh.out(), new RegExp(`^不符 ${clipFile}  文件缺失$`, 'm'));
    assert.match(badZh.out(), /^不符 data\/extra.bin {2}多出的文件$/m);
    assert.match(badZh.out(), /^核验：3 处问题，导出包不可信$/m);

    const missing = captureIo(['verify', path.join(scratch, 'nope')]);
    assert.equal(await exportCommand.run(missing), ExitCode.noInput);
    assert.match(missing.err(), /there is no file or folder at/);

    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    const notPackage = captureIo(['verify', empty]);
    assert.equal(await exportCommand.run(notPackage), ExitCode.dataErr);
    assert.match(notPackage.err(), /is not a recorder-dock export package/);
    const junk = path.join(empty, 'junk.zip');
    writeFileSync(junk, 'this is not a zip');
    assert.equal(await exportCommand.run(captureIo(['verify', junk])), ExitCode.dataErr);
    assert.equal(await exportCommand.run(captureIo(['verify'])), ExitCode.usage);
    assert.equal(await exportCommand.run(captureIo(['frobnicate'])), ExitCode.usage);
  });
});
