import type { DockChildResult } from './dock-child.ts';

/**
 * Max-min fair shares of `capacity` among links of the given speeds (water-filling): a link
 * slower than the water level gets its own speed, the others split what is left evenly.
 */
export function fairShares(capacity: number, links: readonly number[]): number[] {
  const order = links.map((speed, i) => ({ speed, i })).sort((a, b) => a.speed - b.speed);
  const shares = new Array<number>(links.length).fill(0);
  let left = capacity;
  order.forEach(({ speed, i }, k) => {
    const even = left / (order.length - k);
    shares[i] = Math.min(speed, even);
    left -= shares[i] as number;
  });
  return shares;
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/**
 * The judgement figures of one scenario. A recorder's rate is its bytes over the time from the
 * moment all were docked to its session's end; the aggregate is the sum of those rates (what the
 * box gave all links at once); fairness compares each rate with its max-min fair share of the
 * aggregate, given its link speed (an unpaced recorder's link counts as unlimited).
 * `diskLimitMbS`: the disk's own limit for verified copies, when measured.
 */
export function scenarioFigures(
  r: DockChildResult,
  apiNowMs: readonly number[],
  boxLimitMbS: number,
  diskLimitMbS: number = Number.NaN,
): Record<string, number | boolean | string> {
  const MB = 1e6;
  const rates = r.recorders.map((x) => x.bytes / x.seconds / MB);
  const links = r.recorders.map((x) =>
    x.bytesPerSecond === null ? Number.POSITIVE_INFINITY : x.bytesPerSecond / MB,
  );
  const aggregate = rates.reduce((a, b) => a + b, 0);
  const shares = fairShares(aggregate, links);
  const linkSum = links.reduce((a, b) => a + b, 0);
  const bytes = r.recorders.reduce((n, x) => n + x.bytes, 0);
  const target = 0.9 * Math.min(linkSum, boxLimitMbS);
  return {
    recorders: r.recorders.length,
    all_complete: r.recorders.every((x) => x.outcome === 'complete'),
    clips_sealed: r.recorders.reduce((n, x) => n + x.sealed, 0),
    outcomes: [...new Set(r.recorders.map((x) => x.outcome))].join(' '),
    link_sum_mb_s: linkSum,
    aggregate_mb_s: aggregate,
    makespan_mb_s: bytes / MB / r.wallSeconds,
    wall_s: r.wallSeconds,
    target_aggregate_mb_s: target,
    aggregate_vs_target: aggregate / target,
    // The disk writing each copy and reading it back, with nothing else: what verified copies
    // on this one disk allow, whatever the cores (the off-site copier shares it too).
    aggregate_vs_disk_limit: aggregate / diskLimitMbS,
    slowest_vs_fair_share: Math.min(...rates.map((rate, i) => rate / (shares[i] as number))),
    slowest_recorder_mb_s: Math.min(...rates),
    cpu_s_per_gb: r.cpuSeconds / (bytes / 1e9),
    event_loop_p99_ms: r.eventLoopP99Ms,
    api_now_p99_ms: apiNowMs.length > 0 ? percentile(apiNowMs, 99) : Number.NaN,
    api_now_max_ms: apiNowMs.length > 0 ? Math.max(...apiNowMs) : Number.NaN,
    api_now_samples: apiNowMs.length,
    peak_rss_mb: r.peakRssMb,
    threadpool: r.threadpool,
  };
}
