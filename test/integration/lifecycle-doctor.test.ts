import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { productionHost } from '../../agent/cli/doctor-command.ts';
import { runDoctor } from '../../agent/doctor/doctor-check.ts';
import { offsiteCheck } from '../../agent/doctor/offsite-check.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { testConfig } from '../helpers/test-config.ts';

const S3 = {
  type: 's3',
  endpoint: 'https://oss.county.example',
  bucket: 'recorder-footage',
  prefix: 'town-a/',
  credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
};

describe('doctor: the off-site copy (R2)', () => {
  it("warns about a folder target on the vault's disk, a store on this machine, one not proven tamper-proof", async () => {
    const w = await lifecycleWorld('doctor-offsite-', new Date().toISOString());
    try {
      const check = async (overrides: Record<string, unknown>) => {
        const config = testConfig(w.paths.stateDir, overrides);
        const [line] = await runDoctor([offsiteCheck], {
          configFile: '-',
          loaded: null,
          config,
          host: productionHost(),
        });
        return line!;
      };
      let line = await check({});
      assert.equal(line.status, 'warn');
      assert.match(line.summary, /offsite-copy, on the vault's own disk, which is not off-site \(R2\)/);
      assert.match(line.fix ?? '', /type: s3/);
      line = await check({ offsite: { target: { ...S3, endpoint: 'http://127.0.0.1:9000' } } });
      assert.match(line.summary, /is on this machine: not off-site/);
      line = await check({ offsite: { target: S3 } });
      assert.match(line.summary, /has not been probed yet/);
      const store = 's3:https://oss.county.example/recorder-footage/town-a/';
      w.ledger.lifecycle.recordProbe({
        store,
        at: new Date(),
        outcome: 'not-worm',
        summary: 'the store deleted a locked canary',
        checks: [],
      });
      line = await check({ offsite: { target: S3 } });
      assert.equal(line.status, 'warn');
      assert.match(line.summary, /not proven tamper-proof: the store deleted a locked canary/);
      w.ledger.lifecycle.recordProbe({
        store,
        at: new Date(),
        outcome: 'worm',
        summary: 'kept the locks',
        checks: [],
      });
      line = await check({ offsite: { target: S3 } });
      assert.equal(line.status, 'pass', line.summary);
      assert.match(line.summary, /tamper-proof/);
      assert.ok(path.isAbsolute(w.paths.vaultDir));
    } finally {
      w.cleanup();
    }
  });
});
