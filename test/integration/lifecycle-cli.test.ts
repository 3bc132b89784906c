import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { copiesCommand } from '../../agent/cli/copies-command.ts';
import { holdsCommand } from '../../agent/cli/holds-command.ts';
import { purgeCommand } from '../../agent/cli/purge-command.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { FolderOffsiteStore } from '../../agent/offsite/folder-store.ts';
import { sealFiles, testCopier } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';

const run = runCli;

describe('dockctl copies, holds and purge', () => {
  it('shows the backlog and copies, places and lifts holds, lists, confirms and undoes purges', async () => {
    const w = await lifecycleWorld('cli-life-', new Date(Date.now() - 250 * 86_400_000).toISOString());
    const [kept, expired] = await sealFiles(w.ledger, w.paths, w.clock, [3000, 4000]);
    const state = ['--state', w.dir];
    try {
      let r = await run(copiesCommand, [...state, '--json']);
      assert.equal(r.code, 0, r.err);
      const status = JSON.parse(r.out);
      assert.equal(status.offsite, false, 'the embedded default is a local folder');
      assert.equal(status.backlog.clips, 2);
      assert.equal(status.backlog.bytes, 7000);
      r = await run(copiesCommand, state);
      assert.match(r.out, /NOT off-site/);

      const store = new FolderOffsiteStore(path.join(w.dir, 'offsite-copy'));
      await testCopier(store, w.ledger, w.paths, w.clock).drain();
      r = await run(copiesCommand, [kept!.id, ...state]);
      assert.match(r.out, /off-site folder:.*: ok \(copy\) last verified/);
      assert.match(r.out, /class routine/);

      r = await run(holdsCommand, [
        'place',
        ...state,
        '--clip',
        kept!.id,
        '--ground',
        'dispute',
        '--case-name',
        '投诉案',
        '--case-no',
        '(2025)信访1号',
        '--by',
        'mgr',
      ]);
      assert.equal(r.code, 0, r.err);
      const holdId = JSON.parse((await run(holdsCommand, [...state, '--json'])).out)[0].id as string;

      r = await run(purgeCommand, ['candidates', ...state, '--json']);
      assert.deepEqual(
        JSON.parse(r.out).map((c: { clip: string }) => c.clip),
        [expired!.id],
        'the held clip is no candidate',
      );
      r = await run(purgeCommand, ['request', kept!.id, ...state, '--by', 'mgr', '--reason', '无保存价值']);
      assert.equal(r.code, 65);
      assert.match(r.err, /on hold/);

      r = await run(purgeCommand, [
        'request',
        expired!.id,
        ...state,
        '--by',
        'mgr',
        '--reason',
        '无保存价值',
        '--json',
      ]);
      assert.equal(r.code, 0, r.err);
      const purge = JSON.parse(r.out)[0];
      assert.equal(purge.status, 'recoverable');
      r = await run(purgeCommand, [
        'undo',
        purge.purge,
        ...state,
        '--by',
        'mgr',
        '--reason',
        '留存备查',
        '--json',
      ]);
      assert.equal(JSON.parse(r.out)[0].status, 'undone');

      r = await run(holdsCommand, ['lift', holdId, ...state, '--by', 'mgr', '--reason', '结案']);
      assert.equal(r.code, 65);
      assert.match(r.err, /needs a supervisor/);
      r = await run(holdsCommand, ['lift', holdId, ...state, '--by', 'sup', '--reason', '结案']);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse((await run(holdsCommand, [...state, '--json'])).out).length, 0);
      assert.equal((await verifyLedger({ paths: w.paths, files: true })).ok, true);
    } finally {
      w.cleanup();
    }
  });
});
