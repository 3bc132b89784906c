import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commands } from '../../agent/cli/commands.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The command in this process, as bin/dockctl.ts runs it (fast). */
async function dockctl(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [name, ...rest] = args;
  const command = commands.find((c) => c.name === name);
  assert.ok(command, `dockctl ${name}`);
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) =>
    ({
      write: (s: string) => {
        write(String(s));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const code = await command.run({
    argv: rest,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { ...process.env, DOCK_CONFIG: undefined, ...env },
  });
  return { code, stdout, stderr };
}

/** The real program in a child process: exit codes as systemd and scripts see them. */
function dockctlProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'agent/bin/dockctl.ts', ...args],
      { cwd: REPO, env: { ...process.env, DOCK_CONFIG: undefined, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('dockctl config', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'config-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('check: exit 0 for a valid file, 78 listing every problem for an invalid one', async () => {
    const ok = await dockctlProcess(['config', 'check', 'config/example.yaml']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /configuration config\/example\.yaml is valid \(version 2\)/);
    const bad = await dockctlProcess(['config', 'check', 'test/fixtures/config/invalid-many.yaml']);
    assert.equal(bad.code, 78);
    assert.match(bad.stderr, /has 11 problems/);
    assert.equal(bad.stderr.split('\n').filter((l) => l.startsWith('  - ')).length, 11);
    assert.match(
      bad.stderr,
      /^ {2}- rules\.wipePolicy \(line 19\): must be one of never, after-seal, after-forward-ack; /m,
    );
    assert.ok(!bad.stderr.includes('    at '), 'no stack trace');
  });

  it('check: reads $DOCK_CONFIG when no file is named, and 78 for a missing file', async () => {
    const file = path.join(dir, 'site.yaml');
    await writeFile(file, 'version: 2\nrules: { lateIngestHours: 48 }\n');
    const r = await dockctl(['config', 'check'], { DOCK_CONFIG: file });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(file));
    const missing = await dockctl(['config', 'check', path.join(dir, 'none.yaml')]);
    assert.equal(missing.code, 78);
    assert.match(missing.stderr, /does not exist/);
  });

  it('check --config FILE: the same as the positional FILE; both at once is a usage error', async () => {
    const file = path.join(dir, 'named.yaml');
    await writeFile(file, 'version: 2\nrules: { lateIngestHours: 36 }\n');
    const r = await dockctlProcess(['config', 'check', '--config', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`configuration ${file} is valid`), r.stdout);
    const bad = await dockctl(['config', 'check', '--config', 'test/fixtures/config/invalid-many.yaml']);
    assert.equal(bad.code, 78);
    assert.equal((await dockctl(['config', 'check', file, '--config', file])).code, 64);
    const shown = await dockctl(['config', 'show', '--config', file, '--state', path.join(dir, 'st')]);
    assert.match(shown.stdout, /lateIngestHours: 36/);
    assert.match(
      shown.stdout,
      new RegExp(`vaultDir: ${path.join(dir, 'st', 'vault')}`),
      '--state bends the paths',
    );
  });

  it('every command takes --config FILE and --state DIR; a named file that is missing exits 78', async () => {
    const file = path.join(dir, 'every.yaml');
    await writeFile(file, 'version: 2\n');
    for (const command of commands) {
      const help = await dockctl([command.name, '--config', file, '--state', dir, '--help']);
      assert.equal(help.code, 0, `dockctl ${command.name} --config FILE --state DIR --help: ${help.stderr}`);
    }
    const missing = path.join(dir, 'no-such.yaml');
    for (const name of ['status', 'alerts', 'verify', 'user', 'report', 'forward', 'ingest', 'export']) {
      const argv = {
        user: ['list'],
        report: ['inventory'],
        forward: ['status'],
        ingest: [file],
        export: ['list'],
      };
      const args = [...((argv as Record<string, string[]>)[name] ?? []), '--config', missing];
      const r = await dockctl([name, ...args]);
      assert.equal(r.code, 78, `dockctl ${name} --config (missing): ${r.stderr}`);
      assert.match(r.stderr, /does not exist/, name);
    }
  });

  it('show: the effective configuration with passwords and tokens hidden', async () => {
    const file = path.join(dir, 'secret.yaml');
    await writeFile(
      file,
      'version: 2\ndrivers:\n  serial: { password: "s3cret-pw" }\nforwarder:\n  target: { type: https, url: "https://store.example/api", token: "tok-123" }\n',
    );
    const r = await dockctl(['config', 'show', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('s3cret-pw') && !r.stdout.includes('tok-123'), r.stdout);
    assert.match(r.stdout, /password: "?\[hidden\]"?/);
    assert.match(r.stdout, /timeoutMs: 800/, 'defaults are filled in');
  });

  it('migrate: prints a version 1 file in the current layout; the file is untouched', async () => {
    const file = path.join(dir, 'v1.yaml');
    await copyFile(path.join(REPO, 'test/fixtures/config/version-1.yaml'), file);
    const before = await readFile(file, 'utf8');
    const r = await dockctl(['config', 'migrate', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^version: 2$/m);
    assert.match(r.stdout, /^drivers:\n {2}# The vendor's SDK\.\n {2}gaSdk:/m);
    assert.match(r.stderr, /migrated from version 1/);
    assert.equal(await readFile(file, 'utf8'), before);
  });

  it('keys: the markdown table; usage errors exit 64', async () => {
    const r = await dockctl(['config', 'keys']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\| `rules\.lateIngestHours` \| integer \| `24` \|/m);
    assert.equal((await dockctl(['config', 'frobnicate'])).code, 64);
    assert.equal((await dockctl(['config', 'check', '--bogus'])).code, 64);
  });
});
