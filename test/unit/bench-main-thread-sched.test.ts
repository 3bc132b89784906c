import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MainThreadSched } from '../../bench/main-thread-sched.ts';

/** Keep the main thread running for `ms` of CPU time (not wall time: the machine may be busy). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe("the bench's split of a late event loop", () => {
  it('counts a loop blocked by its own work as run time', async () => {
    const sched = new MainThreadSched();
    sched.start();
    for (let i = 0; i < 5; i++) {
      await sleep(10);
      spin(40);
    }
    await sleep(5);
    const split = sched.stop();
    assert.ok(split.lateTicks >= 3, `only ${split.lateTicks} late ticks after five 40 ms blocks`);
    // Five of some sixty ticks each held 40 ms of the thread's own CPU: the 99th percentile is one.
    assert.ok(split.runP99Ms >= 20, `run p99 ${split.runP99Ms} ms after five 40 ms blocks`);
    assert.ok(split.runP99Ms < 1000, `run p99 ${split.runP99Ms} ms is not in milliseconds`);
  });
});
