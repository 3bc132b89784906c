import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type BuiltDeb, buildDeb } from '../../packaging/build-deb.ts';
import { DEB_STEPS, type DebTestStep, debScenario } from '../../packaging/deb-test.ts';

const run = promisify(execFile);

/**
 * `make deb` end to end: the package is built once (zstd, for speed; `make deb` uses xz) and
 * installed into a throwaway root with dpkg --root, where its programs run. Needs root and
 * dpkg-deb, as CI has.
 */
describe('the Debian package', () => {
  let work: string;
  let built: BuiltDeb;
  let steps: DebTestStep[];

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'packaging-deb-'));
    built = await buildDeb({ outDir: work, compression: 'zstd' });
    steps = await debScenario(built.file, work);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('carries the single executable, its worker, native modules, units, rules and config', async () => {
    const { stdout } = await run('dpkg-deb', ['--contents', built.file], { maxBuffer: 16 << 20 });
    for (const entry of [
      /-rwxr-xr-x root\/root +\d+ .* \.\/usr\/lib\/recorder-dock\/recorder-dock$/m,
      /\.\/usr\/bin\/dockd -> \.\.\/lib\/recorder-dock\/recorder-dock$/m,
      /\.\/usr\/bin\/dockctl -> \.\.\/lib\/recorder-dock\/recorder-dock$/m,
      /\.\/usr\/lib\/recorder-dock\/agent\/ingest\/ingest-worker\.js$/m,
      /\.\/usr\/lib\/recorder-dock\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/m,
      /\.\/usr\/lib\/recorder-dock\/node_modules\/@koromix\/koffi-linux-x64\/linux_x64\/koffi\.node$/m,
      /\.\/usr\/lib\/recorder-dock\/node_modules\/@serialport\/bindings-cpp\/prebuilds\/linux-x64\//m,
      /\.\/usr\/lib\/recorder-dock\/schemas\/sql\/001-core\.sql$/m,
      /\.\/usr\/lib\/systemd\/system\/recorder-dock\.service$/m,
      /\.\/usr\/lib\/udev\/rules\.d\/70-recorder-dock\.rules$/m,
      /\.\/usr\/lib\/sysusers\.d\/recorder-dock\.conf$/m,
      /\.\/usr\/lib\/tmpfiles\.d\/recorder-dock\.conf$/m,
      /\.\/usr\/share\/recorder-dock\/config\.yaml$/m,
    ])
      assert.match(stdout, entry);
    assert.doesNotMatch(stdout, /\.(cc|cpp|h)$|\/deps\/|obj\.target/m, 'no build inputs');
    const { stdout: control } = await run('dpkg-deb', [
      '--field',
      built.file,
      'Package',
      'Architecture',
      'Depends',
    ]);
    assert.match(control, /^Package: recorder-dock$/m);
    assert.match(control, /^Depends: .*systemd.*udev/m);
  });

  for (const [name] of DEB_STEPS)
    it(`in a throwaway root: ${name}`, () => {
      const s = steps.find((x) => x.name === name);
      assert.ok(s, `step ${name} ran`);
      assert.ok(s.ok, s.detail);
    });
});
