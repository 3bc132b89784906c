import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { timerSleep } from '../../agent/forwarder/forwarder-options.ts';

describe('timerSleep (the forwarder and the copier wait with it)', () => {
  it('leaves no listener on a long-lived wake signal after sleeps that end on their own', async () => {
    const waker = new AbortController();
    for (let i = 0; i < 25; i++) await timerSleep(1, waker.signal);
    assert.equal(getEventListeners(waker.signal, 'abort').length, 0);
  });

  it('is cut short when the signal aborts, and then leaves no timer behind', async () => {
    const waker = new AbortController();
    const sleeping = timerSleep(3_600_000, waker.signal);
    assert.equal(getEventListeners(waker.signal, 'abort').length, 1);
    waker.abort();
    // An hour's timer left behind would keep this test's process alive until it fired.
    await sleeping;
    assert.equal(getEventListeners(waker.signal, 'abort').length, 0);
  });
});
