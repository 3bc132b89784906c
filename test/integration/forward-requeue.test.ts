import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardCommand } from '../../agent/cli/forwarder-command.ts';
import type { OutgoingBatch } from '../../agent/forwarder/batch.ts';
import { Forwarder } from '../../agent/forwarder/forwarder.ts';
import type { ForwardTarget, SendOutcome } from '../../agent/forwarder/target.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { recordingSleep, waitFor } from '../fixtures/forwarder/forwarder-fixture.ts';
import { sealFiles } from '../fixtures/offsite/copy-fixture.ts';
import { lifecycleWorld } from '../fixtures/offsite/lifecycle-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';

/** A central store that refuses every batch holding a record whose id matches `refuse`. */
class PickyTarget implements ForwardTarget {
  readonly description = 'picky test store';
  readonly identity = 'picky';
  readonly secure = true;
  refuse: RegExp | null = /^label:/;
  readonly received = new Set<string>();
  async send(batch: OutgoingBatch): Promise<SendOutcome> {
    const ids = (JSON.parse(batch.body.toString('utf8')) as { records: { id: string }[] }).records.map(
      (r) => r.id,
    );
    if (this.refuse && ids.some((id) => this.refuse?.test(id)))
      return { kind: 'rejected', status: 422, message: 'the store does not know this record type yet' };
    for (const id of ids) this.received.add(id);
    return { kind: 'acked', duplicate: false };
  }
  async fetchLatestCheckpoint() {
    return null;
  }
  async close() {}
}

const run = (argv: string[]) => runCli(forwardCommand, argv);

describe('dockctl forward parked and requeue', () => {
  it('lists the records the store refused, and sends them again once re-queued', async () => {
    const w = await lifecycleWorld('fwd-requeue-', new Date().toISOString());
    const target = new PickyTarget();
    const { sleep } = recordingSleep(5);
    const fwd = new Forwarder({
      ledger: w.ledger,
      target,
      logger: silentLogger(),
      stateDir: w.paths.stateDir,
      now: w.clock.now,
      sleep,
      pollMs: 20,
    });
    try {
      const [clip] = await sealFiles(w.ledger, w.paths, w.clock, [1000]);
      w.ledger.access.labelClip({ clipId: clip!.id, caseNo: '(2026)综执罚字第5号', labelledBy: 'mgr' });
      const labelId = w.ledger.outbox.read(0, 100).find((r) => r.recordId.startsWith('label:'))!.recordId;
      await fwd.start();
      await waitFor(() => fwd.status().parked === 1 && fwd.status().backlog === 0, 'the label record parked');
      assert.ok(target.received.has(`clip:${clip!.id}`), 'the rest went through');
      const state = ['--state', w.paths.stateDir];
      let r = await run(['parked', ...state, '--json']);
      assert.equal(r.code, 1, 'parked records are a finding');
      const [parked] = JSON.parse(r.out) as { recordId: string; kind: string; seq: number }[];
      assert.equal(parked?.recordId, labelId);
      assert.equal(parked?.kind, 'lifecycle');

      target.refuse = null; // the central store learnt the record type
      r = await run(['requeue', labelId, ...state]);
      assert.equal(r.code, 0);
      assert.match(r.out, /1 parked records re-queued/);
      fwd.notify();
      await waitFor(() => target.received.has(labelId), 'the re-queued record delivered');
      await waitFor(() => fwd.status().parked === 0, 'the parked list emptied');
      // The state file is written just after the in-memory state: poll what dockctl reads.
      let listed = await run(['parked', ...state]);
      for (let i = 0; i < 200 && listed.code !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        listed = await run(['parked', ...state]);
      }
      assert.equal(listed.code, 0);
      assert.match(listed.out, /no parked records/);
      assert.equal(
        (await run(['requeue', '12345', ...state])).code,
        64,
        'only parked records can be re-queued',
      );
    } finally {
      await fwd.stop();
      w.cleanup();
    }
  });
});
