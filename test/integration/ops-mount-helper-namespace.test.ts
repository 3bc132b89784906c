import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HELPER_CHILD = path.join(REPO, 'test/fixtures/mountd/helper-server-child.ts');
const AGENT_CHILD = path.join(REPO, 'test/fixtures/mountd/namespaced-agent-child.ts');
/** The service user's stand-in: the agent runs as nobody, and the mount options give it the files. */
const NOBODY = 65534;
const CLIPS = 'DCIM/100MEDIA';

/** The helper unit's capability bounding set, as shipped (`CAP_SYS_ADMIN …` → `sys_admin …`). */
async function unitCapabilities(): Promise<string[]> {
  const unit = await readFile(path.join(REPO, 'systemd/recorder-dock-mountd.service'), 'utf8');
  const line = /^CapabilityBoundingSet=(.+)$/m.exec(unit)?.[1];
  assert.ok(line, 'the helper unit names its capabilities');
  return line
    .trim()
    .split(/\s+/)
    .map((c) => c.replace(/^CAP_/, '').toLowerCase());
}

/** What one agent run printed (namespaced-agent-child.ts). */
interface AgentView {
  uid: number;
  mountNamespace: string;
  modeBefore: string;
  modeAfter: string;
  listedBefore: string[];
  listedAfter: string[];
  writeHere: { code: string };
  unlinkHere: { code: string };
  deleted: Record<string, 'ok' | { code: string; message: string }>;
  refusedByVolume: Record<string, 'ok' | { code: string; message: string }>;
  refusedByHelper: Record<string, 'ok' | { code: string; message: string }>;
}

/**
 * The wipe as the shipped units run it: the privileged helper in the host's mount namespace with
 * exactly its unit's capabilities, the agent unprivileged in a mount namespace of its own (what
 * `PrivateMounts=` gives dockd), where a remount by the helper does not make the agent's copy of
 * the mount writable. The helper must delete the file itself. A loop-backed ext4 image stands in
 * for the recorder's disk, its folders owned by the agent's user as the FAT mount options make
 * them. Needs root, as in CI.
 */
describe('the helper deletes sealed files for an agent in another mount namespace (root)', () => {
  let work: string;
  let loop = '';
  let mountDir: string;
  let socketPath: string;
  /** What the seal saw of the files changed on the card since. */
  const sealed: Record<string, { size: number; mtimeMs: number }> = {};
  /** CLIP_0004.MP4 as it is (and was sealed): reached through links, it must still be refused. */
  let clip4 = { size: 0, mtimeMs: 0 };
  let helper: { proc: ChildProcess; log: () => string; stop: () => Promise<void> } | null = null;

  async function startHelper(caps: readonly string[]) {
    const bounding = `-all,${caps.map((c) => `+${c}`).join(',')}`;
    const proc = spawn(
      'setpriv',
      [
        '--bounding-set',
        bounding,
        '--inh-caps=-all',
        '--',
        process.execPath,
        '--import',
        'tsx',
        HELPER_CHILD,
        socketPath,
        mountDir,
        await realpath(loop),
        String(NOBODY),
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the helper did not start: ${log}`)), 60_000);
      for (const s of [proc.stdout, proc.stderr])
        s?.on('data', (d: Buffer) => {
          log += d.toString();
          if (log.includes('"msg":"mount helper ready"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      proc.once('exit', (code) => reject(new Error(`the helper exited (${code}): ${log}`)));
    });
    return {
      proc,
      log: () => log,
      stop: async () => {
        proc.kill('SIGTERM');
        await exited;
      },
    };
  }

  /** Run the agent's side in a new mount namespace (slave of the host's, as systemd makes it) as nobody. */
  async function runAgent(plan: {
    delete: string[];
    changed: { relPath: string; size: number; mtimeMs: number }[];
  }) {
    const { stdout } = await run(
      'unshare',
      [
        '--mount',
        '--propagation',
        'slave',
        '--',
        'setpriv',
        '--reuid',
        String(NOBODY),
        '--regid',
        String(NOBODY),
        '--clear-groups',
        '--inh-caps=-all',
        '--',
        process.execPath,
        '--import',
        'tsx',
        AGENT_CHILD,
        socketPath,
        loop,
        JSON.stringify(plan),
      ],
      { cwd: REPO, timeout: 120_000 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as AgentView;
  }

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'this test mounts a loop device and must run as root (CI does)');
    work = await mkdtemp(path.join(os.tmpdir(), 'mountd-namespace-'));
    await chmod(work, 0o711);
    const src = path.join(work, 'src');
    await mkdir(path.join(src, CLIPS), { recursive: true });
    const put = async (name: string, bytes: string, mtime?: Date) => {
      const file = path.join(src, CLIPS, name);
      await writeFile(file, bytes);
      if (mtime) await utimes(file, mtime, mtime);
      const st = await stat(file);
      return { size: st.size, mtimeMs: st.mtimeMs };
    };
    await put('CLIP_0001.MP4', 'footage one');
    clip4 = await put('CLIP_0004.MP4', 'footage four');
    // Links a hostile card may carry: to a clip, to its folder, out of the volume.
    await symlink('CLIP_0004.MP4', path.join(src, CLIPS, 'LINK.MP4'));
    await symlink('100MEDIA', path.join(src, 'DCIM/LINKDIR'));
    await symlink('/etc/passwd', path.join(src, CLIPS, 'PASSWD.MP4'));
    // Sealed, then changed on the card: one grew, one was rewritten at the same size later.
    sealed['CLIP_0002.MP4'] = await put('CLIP_0002.MP4', 'footage two', new Date('2026-12-01T09:00:00Z'));
    await put('CLIP_0002.MP4', 'footage two, and more', new Date('2026-12-01T09:00:00Z'));
    sealed['CLIP_0003.MP4'] = await put('CLIP_0003.MP4', 'footage III', new Date('2026-12-01T09:00:00Z'));
    await put('CLIP_0003.MP4', 'footage XXX', new Date('2026-12-01T09:00:05Z'));
    // As vfat's uid=/gid=/fmask=0137/dmask=0027 give them: the agent's user owns every file.
    for (const dir of [src, path.join(src, 'DCIM'), path.join(src, CLIPS)]) {
      await chown(dir, NOBODY, NOBODY);
      await chmod(dir, 0o750);
    }
    for (const name of ['CLIP_0001.MP4', 'CLIP_0002.MP4', 'CLIP_0003.MP4', 'CLIP_0004.MP4']) {
      await chown(path.join(src, CLIPS, name), NOBODY, NOBODY);
      await chmod(path.join(src, CLIPS, name), 0o640);
    }
    const img = path.join(work, 'recorder.img');
    await run('mkfs.ext4', ['-q', '-F', '-L', 'RECORDER', '-d', src, img, '8M']);
    loop = (await run('losetup', ['--find', '--show', img])).stdout.trim();
    // The helper's folder, as on a systemd host (recorder-dock.tmpfiles): inside the agent's own
    // folder (/run/recorder-dock, agent:agent 0750, which root enters by capability only), a
    // shared mount (so mounts reach the agent's namespace), root:service-group 0750.
    const runDir = path.join(work, 'run');
    await mkdir(runDir);
    await chown(runDir, NOBODY, NOBODY);
    await chmod(runDir, 0o750);
    mountDir = path.join(runDir, 'mnt');
    await mkdir(mountDir);
    await run('mount', ['--bind', mountDir, mountDir]);
    await run('mount', ['--make-shared', mountDir]);
    await chown(mountDir, 0, NOBODY);
    await chmod(mountDir, 0o750);
    socketPath = path.join(work, 'mountd.sock');
  });

  after(async () => {
    await helper?.stop();
    const left = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .filter((l) => work && l.includes(work));
    for (const line of left.reverse())
      await run('umount', ['-l', line.split(' ')[4] ?? '']).catch(() => undefined);
    if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('deletes a sealed file for the unprivileged agent, whose own copy of the mount stays read-only', async () => {
    const caps = await unitCapabilities();
    helper = await startHelper(caps);
    const view = await runAgent({ delete: [`${CLIPS}/CLIP_0001.MP4`], changed: [] });
    assert.equal(view.uid, NOBODY, 'the agent ran unprivileged');
    assert.notEqual(
      view.mountNamespace,
      await readlink('/proc/self/ns/mnt'),
      'in a mount namespace of its own',
    );
    assert.equal(view.modeBefore, 'ro');
    assert.equal(view.writeHere.code, 'EROFS', 'its copy of the mount is read-only');
    assert.equal(
      view.unlinkHere.code,
      'EROFS',
      'so the agent cannot delete by itself, whatever the helper remounts',
    );
    assert.deepEqual(view.deleted, { [`${CLIPS}/CLIP_0001.MP4`]: 'ok' });
    assert.equal(view.modeAfter, 'ro', 'and it stays read-only');
    assert.deepEqual(view.listedAfter, [
      `${CLIPS}/CLIP_0002.MP4`,
      `${CLIPS}/CLIP_0003.MP4`,
      `${CLIPS}/CLIP_0004.MP4`,
    ]);
    assert.match(helper.log(), /"msg":"recorder file deleted for the agent"/);
    assert.equal(
      (await run('blockdev', ['--getro', loop])).stdout.trim(),
      '1',
      'the disk is read-only again',
    );
  });

  it('refuses files changed since their seal, in the agent and again in the helper, naming each', async () => {
    assert.ok(helper, 'the helper of the first test is running');
    const view = await runAgent({
      delete: [],
      changed: Object.entries(sealed).map(([name, seen]) => ({ relPath: `${CLIPS}/${name}`, ...seen })),
    });
    const expected: Record<string, RegExp> = {
      'CLIP_0002.MP4': /size 11 bytes at the seal, 21 now/,
      'CLIP_0003.MP4': /modified 2026-12-01T09:00:00\.000Z at the seal, 2026-12-01T09:00:05\.000Z now/,
    };
    for (const [name, difference] of Object.entries(expected)) {
      const rel = `${CLIPS}/${name}`;
      for (const [who, answer] of [
        ['agent', view.refusedByVolume[rel]],
        ['helper', view.refusedByHelper[rel]],
      ] as const) {
        assert.ok(answer !== 'ok' && answer !== undefined, `${who} deleted the changed ${rel}`);
        assert.equal(answer.code, 'FILE_CHANGED', `${who}: ${answer.message}`);
        assert.match(answer.message, new RegExp(`"${rel.replaceAll('.', '\\.')}" is not deleted`));
        assert.match(answer.message, difference);
        assert.match(answer.message, /the next dock copies and seals it again/);
      }
    }
    assert.deepEqual(view.listedAfter, [
      `${CLIPS}/CLIP_0002.MP4`,
      `${CLIPS}/CLIP_0003.MP4`,
      `${CLIPS}/CLIP_0004.MP4`,
    ]);
    const refusals = helper
      .log()
      .split('\n')
      .filter((l) => l.includes('"msg":"mount helper refused a request"'))
      .map((l) => JSON.parse(l) as { level: number; code: string; reason: string });
    assert.deepEqual(
      refusals.map((r) => [r.level, r.code, /CLIP_000[23]/.exec(r.reason)?.[0]]),
      [
        [40, 'FILE_CHANGED', 'CLIP_0002'],
        [40, 'FILE_CHANGED', 'CLIP_0003'],
      ],
      'each refusal is logged at warn with the file',
    );
  });

  it('refuses paths through links or out of the volume, in the helper too, and logs each', async () => {
    assert.ok(helper, 'the helper of the first test is running');
    const logBefore = helper.log().length;
    const unsafe: Record<string, RegExp> = {
      [`${CLIPS}/LINK.MP4`]: /the entry is a symlink, not a regular file/,
      'DCIM/LINKDIR/CLIP_0004.MP4': /a parent is a symlink, not a directory/,
      [`${CLIPS}/PASSWD.MP4`]: /the entry is a symlink/,
      [`../${path.basename(work)}/src/${CLIPS}/CLIP_0004.MP4`]: /unsafe-name component/,
      '/etc/passwd': /absolute path/,
    };
    const view = await runAgent({
      delete: [],
      changed: Object.keys(unsafe).map((relPath) => ({ relPath, ...clip4 })),
    });
    for (const [rel, reason] of Object.entries(unsafe))
      for (const [who, answer] of [
        ['agent', view.refusedByVolume[rel]],
        ['helper', view.refusedByHelper[rel]],
      ] as const) {
        assert.ok(answer !== 'ok' && answer !== undefined, `${who} deleted through ${rel}`);
        assert.equal(answer.code, 'UNSAFE_ENTRY', `${who}: ${answer.message}`);
        assert.ok(answer.message.includes(JSON.stringify(rel)), `${who} names ${rel}: ${answer.message}`);
        assert.match(answer.message, reason);
      }
    assert.ok(view.listedAfter.includes(`${CLIPS}/CLIP_0004.MP4`), 'the linked clip is still there');
    assert.equal(view.modeAfter, 'ro');
    const refusals = helper
      .log()
      .slice(logBefore)
      .split('\n')
      .filter((l) => l.includes('"msg":"mount helper refused a request"'))
      .map((l) => JSON.parse(l) as { level: number; code: string });
    assert.deepEqual(
      refusals.map((r) => [r.level, r.code]),
      Object.keys(unsafe).map(() => [40, 'UNSAFE_ENTRY']),
    );
    assert.ok((await stat('/etc/passwd')).size > 0);
  });

  it('needs CAP_DAC_OVERRIDE: with DAC_READ_SEARCH in its place it reaches its folder, but the unlink is denied and the volume ends read-only', async () => {
    await helper?.stop();
    // The set before the helper deleted files itself: enough to enter the agent's folder and mount.
    const caps = [...(await unitCapabilities()).filter((c) => c !== 'dac_override'), 'dac_read_search'];
    helper = await startHelper(caps);
    const view = await runAgent({ delete: [`${CLIPS}/CLIP_0004.MP4`], changed: [] });
    const answer = view.deleted[`${CLIPS}/CLIP_0004.MP4`];
    assert.ok(answer !== 'ok' && answer !== undefined, 'deleted without CAP_DAC_OVERRIDE');
    assert.equal(answer.code, 'EACCES', answer.message);
    assert.equal(view.modeAfter, 'ro');
    assert.ok(view.listedAfter.includes(`${CLIPS}/CLIP_0004.MP4`));
    assert.equal(
      (await run('blockdev', ['--getro', loop])).stdout.trim(),
      '1',
      'the disk is read-only again',
    );
  });
});
