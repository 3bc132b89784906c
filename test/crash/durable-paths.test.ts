// Focused reproducers of what the campaign's power cuts found in the durable-write paths: each
// writes through the real helper on the power-cut layer, cuts the power, and asks what survived.
import assert from 'node:assert/strict';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readForwardState, writeForwardState } from '../../agent/forwarder/forward-state.ts';
import { fsyncDir, publishNoReplace } from '../../agent/fs/durable-write.ts';
import { type PowerCutMount, type TempPowerCut, tempPowerCut } from './powercut-mount.ts';

describe('durable writes through a power cut', () => {
  let power: TempPowerCut | undefined;
  let layer: PowerCutMount;
  let mnt: string;

  before(async () => {
    power = await tempPowerCut('durable-paths-');
    ({ layer, mnt } = power);
  });
  after(() => power?.stop());

  it('keeps a file published into a new vault folder (publishNoReplace)', async () => {
    const staging = path.join(mnt, 'vault', '.staging');
    mkdirSync(staging, { recursive: true });
    await fsyncDir(path.join(mnt, 'vault'));
    await fsyncDir(mnt);
    const staged = path.join(staging, 'clip.part');
    writeFileSync(staged, 'verified bytes of a recording');
    const fd = openSync(staged, 'r');
    fsyncSync(fd);
    closeSync(fd);
    await fsyncDir(staging);
    const target = path.join(mnt, 'vault', 'sha256', 'ab', 'ab'.padEnd(64, '0'));
    assert.equal(await publishNoReplace(staged, target), true);
    await layer.cut();
    await layer.boot();
    assert.ok(
      existsSync(target) || existsSync(staged),
      'the published bytes survive the cut, under their vault name or still staged',
    );
  });

  it("keeps the forwarder's state file written in a new folder (writeForwardState)", async () => {
    const stateDir = path.join(mnt, 'state');
    mkdirSync(stateDir);
    await fsyncDir(mnt);
    const file = path.join(stateDir, 'forwarder', 'state.json');
    await writeForwardState(file, {
      ...{
        v: 1,
        dock: 'd',
        epoch: 'e',
        target: 't',
        targetDescription: 't',
        ackedSeq: 7,
        ackedRecordId: 'r',
      },
      ...{
        parked: [],
        personalFields: 'withheld',
        lastSuccessAt: null,
        lastAttemptAt: null,
        lastError: null,
      },
      ...{ failures: 0, nextAttemptAt: null },
    });
    await layer.cut();
    await layer.boot();
    const state = await readForwardState(file);
    assert.notEqual(state, 'missing', 'a state file written durably is there after the cut');
  });
});
