import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../agent/ops/logger.ts';
import type { SourceStatus } from '../../drivers/contract/ports.ts';
import { RecorderWatcher } from '../../drivers/detect/device-watcher.ts';
import { UdevadmSource } from '../../drivers/detect/udevadm-source.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';

const fixture = new URL('../fixtures/udev/msc-recorder-plug-unplug.txt', import.meta.url).pathname;

/** Wait until `check` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('udevadm source with real processes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drivers-udevadm-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says udevadm is not installed when the program is missing', async () => {
    const statuses: SourceStatus[] = [];
    const src = new UdevadmSource({
      spawn,
      log: silentLogger(),
      udevadm: path.join(dir, 'no-such-udevadm'),
      restartDelayMs: null,
    });
    await src.start({ event: () => {}, status: (s) => statuses.push(s) });
    await until(() => statuses.length > 0);
    assert.equal(statuses[0]?.state, 'unavailable');
    assert.match(statuses[0]?.detail ?? '', /is not installed or not on PATH/);
    await src.stop();
  });

  it('forwards what a monitor prints, then reports its exit', async () => {
    const fake = path.join(dir, 'udevadm');
    await writeFile(fake, `#!/bin/sh\n[ "$1" = monitor ] || exit 1\ncat '${fixture}'\nexit 3\n`);
    await chmod(fake, 0o755);
    const src = new UdevadmSource({ spawn, log: silentLogger(), udevadm: fake, restartDelayMs: null });
    const watcher = new RecorderWatcher({
      sources: [src],
      fingerprints: FingerprintTable.load(),
      log: silentLogger(),
    });
    const seen: string[] = [];
    watcher.onEvent((e) =>
      seen.push(
        e.type === 'status' ? `status ${e.status.sources[0]?.state}` : `${e.type} ${e.device.devNode}`,
      ),
    );
    await watcher.start();
    await until(() => seen.includes('status unavailable'));
    assert.deepEqual(seen, ['status ok', 'arrival /dev/sdb', 'departure /dev/sdb', 'status unavailable']);
    assert.match(watcher.status().sources[0]?.detail ?? '', /udevadm monitor exited \(code 3\)/);
    await watcher.stop();
  });
});
