import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../agent/config/config-loader.ts';
import { ledgerFigures } from '../agent/config/dock-config.ts';
import { Ledger } from '../agent/ledger/ledger.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { buildDeb, type DebCompression } from './build-deb.ts';

/**
 * `make deb-test`: the package installed into a throwaway root with `dpkg --root` (no
 * debootstrap, no network), its maintainer scripts run outside a chroot with DPKG_ROOT set
 * (`--force-script-chrootless`; dependencies are not in the empty root, hence
 * `--force-depends`). The installed programs then run from that root. Steps: install, upgrade to
 * a newer version, purge; each step's facts are checked.
 */

const run = promisify(execFile);

/** The result of one step of the scenario. */
export interface DebTestStep {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** An empty root as dpkg and systemd-sysusers need it: dpkg's database and a base /etc. */
export async function makeThrowawayRoot(root: string): Promise<void> {
  for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers', 'var/log', 'etc'])
    await mkdir(path.join(root, d), { recursive: true });
  await writeFile(path.join(root, 'var/lib/dpkg/status'), '');
  await writeFile(path.join(root, 'var/lib/dpkg/available'), '');
  // What base-passwd puts in a fresh Debian.
  await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
}

/** dpkg against the throwaway root; resolves with its output, rejects on failure. */
export async function dpkg(root: string, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(
    'dpkg',
    [`--root=${root}`, '--force-script-chrootless', '--force-depends', ...args],
    {
      maxBuffer: 16 << 20,
    },
  );
  return stdout + stderr;
}

/** Run a program installed in the root (from the host, with the root's files). */
export async function runInstalled(
  root: string,
  program: string,
  args: readonly string[],
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(path.join(root, program), [...args]);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A copy of `deb` with another version (an upgrade candidate). */
export async function withVersion(deb: string, version: string, workDir: string): Promise<string> {
  const tree = path.join(workDir, `tree-${version}`);
  await run('dpkg-deb', ['-R', deb, tree]);
  const control = path.join(tree, 'DEBIAN/control');
  await writeFile(
    control,
    (await readFile(control, 'utf8')).replace(/^Version: .*$/m, `Version: ${version}`),
  );
  const out = path.join(workDir, `recorder-dock_${version}.deb`);
  await run('dpkg-deb', ['--root-owner-group', '-Zzstd', '--build', tree, out], { maxBuffer: 16 << 20 });
  await rm(tree, { recursive: true, force: true });
  return out;
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

async function step(name: string, fn: () => Promise<string>): Promise<DebTestStep> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message };
  }
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

/** The throwaway root and the files the steps look at. */
interface Scenario {
  readonly deb: string;
  readonly workDir: string;
  readonly root: string;
  readonly conf: string;
  readonly state: string;
}

async function installStep(sc: Scenario): Promise<string> {
  const out = await dpkg(sc.root, '-i', sc.deb);
  expect(/Setting up recorder-dock/.test(out), `dpkg did not configure the package:\n${out}`);
  const passwd = await readFile(path.join(sc.root, 'etc/passwd'), 'utf8');
  expect(/^recorder-dock:x:\d+:\d+:/m.test(passwd), 'sysusers did not create the user recorder-dock');
  for (const f of [
    'etc/systemd/system/multi-user.target.wants/recorder-dock.service',
    'etc/systemd/system/sockets.target.wants/recorder-dock-mountd.socket',
    'usr/lib/udev/rules.d/70-recorder-dock.rules',
    'usr/lib/modules-load.d/recorder-dock.conf',
    'usr/lib/recorder-dock/agent/ingest/ingest-worker.js',
    'usr/lib/recorder-dock/agent/dock/media-probe-worker.js',
    'usr/lib/recorder-dock/agent/offsite/transfer-worker.js',
    'usr/lib/recorder-dock/agent/web/assets/app.css',
    'usr/lib/recorder-dock/agent/web/assets/app.js',
    'usr/lib/recorder-dock/schemas/sql/006-access.sql',
    'etc/recorder-dock/config.yaml',
  ])
    expect(await exists(path.join(sc.root, f)), `${f} is missing after install`);
  expect(await exists(sc.state), 'tmpfiles did not create /var/lib/recorder-dock');
  return 'user, folders, config, units enabled, udev rules, the page assets';
}

async function versionStep(sc: Scenario): Promise<string> {
  const r = await runInstalled(sc.root, 'usr/bin/dockd', ['--version']);
  expect(r.code === 0 && /^dockd \d+\.\d+\.\d+/.test(r.out), `dockd --version gave ${r.code}: ${r.out}`);
  return r.out.trim();
}

/** The build folder's prefix (build-deb.ts); it must not be in what is shipped. */
const BUILD_DIR_PREFIX = 'recorder-dock-deb-';

async function buildPathStep(sc: Scenario): Promise<string> {
  const program = await readFile(path.join(sc.root, 'usr/lib/recorder-dock/recorder-dock'));
  const worker = await readFile(path.join(sc.root, 'usr/lib/recorder-dock/agent/ingest/ingest-worker.js'));
  for (const [name, bytes] of [
    ['the program', program],
    ['the worker', worker],
  ] as const)
    expect(
      !bytes.includes(BUILD_DIR_PREFIX),
      `${name} carries the build machine's folder ${BUILD_DIR_PREFIX}…`,
    );
  expect(
    program.includes('usr/lib/recorder-dock/recorder-dock.cjs'),
    'the program does not name its script by its installed place',
  );
  return 'stack traces name usr/lib/recorder-dock/recorder-dock.cjs, not the build folder';
}

async function configStep(sc: Scenario): Promise<string> {
  const r = await runInstalled(sc.root, 'usr/bin/dockctl', ['config', 'check', sc.conf]);
  expect(r.code === 0 && /is valid/.test(r.out), `config check gave ${r.code}: ${r.out}`);
  const bad = path.join(sc.workDir, 'bad.yaml');
  await writeFile(bad, 'version: 2\nrules:\n  wipePolicy: always\n');
  const r2 = await runInstalled(sc.root, 'usr/bin/dockctl', ['config', 'check', bad]);
  expect(r2.code === 78 && /rules\.wipePolicy/.test(r2.out), `an invalid config gave ${r2.code}: ${r2.out}`);
  return 'valid config passes; an invalid one exits 78 naming the key';
}

async function nativeStep(sc: Scenario): Promise<string> {
  const clip = path.join(sc.workDir, 'CLIP_0001.MP4');
  await writeFile(clip, 'stand-in footage');
  const sealed = await runInstalled(sc.root, 'usr/bin/dockctl', [
    'ingest',
    '--state',
    path.join(sc.workDir, 'ingest'),
    clip,
  ]);
  expect(sealed.code === 0, `dockctl ingest (worker thread, koffi) gave ${sealed.code}: ${sealed.out}`);
  const digest = (await run('sha256sum', [clip])).stdout.slice(0, 64);
  expect(
    await exists(path.join(sc.workDir, 'ingest/vault/sha256', digest.slice(0, 2), digest)),
    `no sealed copy named ${digest}`,
  );
  const state = path.join(sc.workDir, 'doctor-state');
  const { config } = await loadConfig(null, {
    pathDefaults: { stateDir: state, runDir: path.join(state, 'run') },
  });
  (await Ledger.open({ paths: config.paths, logger: silentLogger(), ...ledgerFigures(config) })).close();
  const cfg = path.join(sc.workDir, 'doctor.yaml');
  await writeFile(cfg, `version: 2\npaths:\n  stateDir: ${state}\n`);
  const doctor = await runInstalled(sc.root, 'usr/bin/dockctl', ['doctor', '--config', cfg, '--json']);
  const checks = (JSON.parse(doctor.out) as { checks: { name: string; status: string }[] }).checks;
  const ledger = checks.find((c) => c.name === 'ledger');
  expect(ledger?.status === 'pass', `doctor's ledger check (better-sqlite3) gave ${JSON.stringify(ledger)}`);
  const helper = await runInstalled(sc.root, 'usr/lib/recorder-dock/recorder-dock-mountd', ['--help']);
  expect(
    helper.code === 0 && /privileged mount helper/.test(helper.out),
    `recorder-dock-mountd --help: ${helper.out}`,
  );
  return `sealed ${digest.slice(0, 12)}… through the worker; ledger opened with better-sqlite3; mount helper starts`;
}

async function upgradeStep(sc: Scenario): Promise<string> {
  await writeFile(sc.conf, `${await readFile(sc.conf, 'utf8')}\nlog:\n  level: debug\n`);
  await writeFile(path.join(sc.state, 'ledger.db'), 'stand-in ledger');
  const newer = await withVersion(sc.deb, '999.0.0', sc.workDir);
  const out = await dpkg(sc.root, '-i', newer);
  expect(/Unpacking recorder-dock \(999\.0\.0\) over/.test(out), `not an upgrade:\n${out}`);
  expect(
    (await readFile(sc.conf, 'utf8')).includes('level: debug'),
    'the upgrade replaced the edited config',
  );
  expect(
    (await readFile(path.join(sc.state, 'ledger.db'), 'utf8')) === 'stand-in ledger',
    'the upgrade touched the ledger',
  );
  return '999.0.0 over the built version';
}

async function purgeStep(sc: Scenario): Promise<string> {
  await mkdir(path.join(sc.state, 'vault/sha256/ab'), { recursive: true });
  await writeFile(path.join(sc.state, 'vault/sha256/ab/clip'), 'footage');
  await dpkg(sc.root, '--purge', 'recorder-dock');
  expect(!(await exists(sc.conf)), 'purge left the config file');
  expect(!(await exists(path.join(sc.root, 'usr/lib/recorder-dock'))), 'purge left the program');
  expect(await exists(path.join(sc.state, 'vault/sha256/ab/clip')), 'purge removed the vault');
  expect(await exists(path.join(sc.state, 'ledger.db')), 'purge removed the ledger');
  const wants = path.join(sc.root, 'etc/systemd/system/multi-user.target.wants/recorder-dock.service');
  expect(!(await exists(wants)), 'purge left the unit enabled');
  return 'config, program and unit links gone; ledger and vault kept';
}

/** The scenario's steps, in order: each depends on the ones before. */
export const DEB_STEPS: readonly (readonly [string, (sc: Scenario) => Promise<string>])[] = [
  ['install', installStep],
  ['dockd --version', versionStep],
  ['no build-machine path in the program', buildPathStep],
  ['dockctl config check', configStep],
  ['native modules and the worker load beside the executable', nativeStep],
  ['upgrade keeps config and ledger', upgradeStep],
  ['purge removes only what the package created', purgeStep],
];

/** Install, run, upgrade and purge `deb` in a throwaway root under `workDir`. */
export async function debScenario(deb: string, workDir: string): Promise<DebTestStep[]> {
  const root = path.join(workDir, 'root');
  await makeThrowawayRoot(root);
  const sc: Scenario = {
    deb,
    workDir,
    root,
    conf: path.join(root, 'etc/recorder-dock/config.yaml'),
    state: path.join(root, 'var/lib/recorder-dock'),
  };
  const steps: DebTestStep[] = [];
  for (const [name, fn] of DEB_STEPS) steps.push(await step(name, () => fn(sc)));
  return steps;
}

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'recorder-dock-deb-test-'));
  try {
    const compression = (process.env.DEB_COMPRESSION ?? 'xz') as DebCompression;
    const built = await buildDeb({ outDir: work, compression });
    process.stdout.write(
      `built ${path.basename(built.file)} in ${built.seconds.toFixed(1)} s (${built.injector} injector)\n`,
    );
    const steps = await debScenario(built.file, work);
    for (const s of steps) process.stdout.write(`${s.ok ? 'PASS' : 'FAIL'}  ${s.name}: ${s.detail}\n`);
    return steps.every((s) => s.ok) ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`deb-test: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
