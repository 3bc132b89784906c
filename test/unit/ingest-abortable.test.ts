import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unlessAborted } from '../../agent/ingest/abortable.ts';

describe('unlessAborted: stop waiting for work that may never end', () => {
  it('rejects with the signal’s reason when the signal aborts first, though the work never settles', async () => {
    const left = new AbortController();
    const waiting = unlessAborted(new Promise<number>(() => {}), left.signal);
    const reason = Object.assign(new Error('the recorder left'), { code: 'DEVICE_GONE' });
    left.abort(reason);
    await assert.rejects(waiting, (err) => err === reason);
  });

  it('passes the work’s value and error through while the signal stays quiet', async () => {
    const signal = new AbortController().signal;
    assert.equal(await unlessAborted(Promise.resolve(7), signal), 7);
    await assert.rejects(unlessAborted(Promise.reject(new Error('EIO')), signal), /EIO/);
  });

  it('rejects at once on a signal already aborted, and a later failure of the work is not unhandled', async () => {
    const left = new AbortController();
    left.abort(new Error('gone'));
    let failLater: (err: Error) => void = () => {};
    const work = new Promise<number>((_, reject) => {
      failLater = reject;
    });
    await assert.rejects(unlessAborted(work, left.signal), /gone/);
    failLater(new Error('EIO after the yank'));
    await new Promise((r) => setImmediate(r)); // an unhandled rejection would fail the test run here
  });
});
