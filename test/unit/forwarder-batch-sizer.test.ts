import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchSizer } from '../../agent/forwarder/batch-sizer.ts';

/** Requests needed to isolate a poison record at `poison` in a backlog of `total` (batch `full`). */
function isolate(full: number, total: number, poison: number): { requests: number; parkedAt: number } {
  const sizer = new BatchSizer(full);
  let cursor = 0;
  for (let requests = 1; requests < 10_000; requests++) {
    const end = Math.min(total, cursor + sizer.size);
    const holdsPoison = poison >= cursor && poison < end;
    if (!holdsPoison) {
      sizer.accepted(end - cursor);
      cursor = end;
    } else if (end - cursor > 1) {
      sizer.refused(end - cursor);
    } else {
      return { requests, parkedAt: cursor };
    }
  }
  throw new Error('never isolated');
}

describe('BatchSizer', () => {
  it('narrows a refused batch down to the poison record in about log2(batch) requests', () => {
    for (const poison of [0, 1, 17, 250, 499, 731]) {
      const { requests, parkedAt } = isolate(500, 1000, poison);
      assert.equal(parkedAt, poison);
      assert.ok(requests <= 2 * Math.ceil(Math.log2(500)) + 3, `poison at ${poison}: ${requests} requests`);
    }
  });

  it('grows back to full size after a refusal that was about size, and after reset()', () => {
    const sizer = new BatchSizer(400);
    sizer.refused(400);
    assert.equal(sizer.size, 200);
    sizer.accepted(200);
    assert.equal(sizer.size, 200, 'still narrowing down');
    sizer.accepted(200);
    sizer.accepted(200);
    sizer.accepted(200);
    assert.equal(sizer.size, 400, 'twice a full batch went through: back to full');
    sizer.refused(400);
    sizer.refused(200);
    sizer.reset();
    assert.equal(sizer.size, 400);
    assert.throws(() => new BatchSizer(0), RangeError);
  });
});
