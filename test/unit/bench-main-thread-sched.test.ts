import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MainThreadSched } from '../../bench/main-thread-sched.ts';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the main thread runs and the 1 ms tick comes late: its own work
  }
}

describe("the bench's split of a late event loop", () => {
  it('counts a loop blocked by its own work as run time, not as waiting for a CPU', async () => {
    const sched = new MainThreadSched();
    sched.start();
    for (let i = 0; i < 5; i++) {
      await sleep(10);
      spin(40);
    }
    await sleep(5);
    const split = sched.stop();
    assert.ok(split.lateTicks >= 3, `only ${split.lateTicks} late ticks after five 40 ms blocks`);
    assert.ok(split.runP99Ms >= 10, `run p99 ${split.runP99Ms} ms after five 40 ms blocks`);
    assert.ok(split.lateTicksMostlyWaiting < 1, 'every 40 ms block was counted as waiting for a CPU');
  });
});
