import { INVARIANT_TEXT, INVARIANTS, type Invariant } from './invariants.ts';
import { KILL_POINTS } from './kill-points.ts';
import type { TrialRecord } from './trial-record.ts';

/** The command that runs exactly this trial again. */
export function reproduce(seed: number, trial: number): string {
  return `make crash CRASH_SEED=${seed} CRASH_TRIAL=${trial}`;
}

/** One line per broken invariant of a trial: invariant, trial, kill point, mode, planted cases. */
export function findingLines(t: TrialRecord): string[] {
  const cases = t.spec.cases.map((c, slot) => `${slot}:${c.join('+') || 'normal'}`).join(' ');
  const fired = t.runs.map((r) => `${r.name}=${r.ending}${r.fired ? '*' : ''}`).join(' ');
  return t.findings.map(
    (f) =>
      `[${f.invariant}] trial ${t.spec.trial} (${t.spec.mode} at ${t.runs.find((r) => r.name === 'A')?.failpoints ?? t.point}; cases ${cases}; runs ${fired}): ${f.detail}\n    reproduce: ${reproduce(t.spec.seed, t.spec.trial)}`,
  );
}

/** Trials, fired faults and trials with findings per kill point, and failing trials per invariant. */
export function summarise(trials: readonly TrialRecord[]) {
  const byPoint = KILL_POINTS.map((k) => {
    const here = trials.filter((t) => t.point === k.id);
    return {
      point: k.id,
      phase: k.phase,
      trials: here.length,
      fired: here.filter((t) => t.runs.find((r) => r.name === 'A')?.fired).length,
      failing: here.filter((t) => t.findings.length > 0).length,
    };
  });
  const byInvariant = INVARIANTS.map((inv) => {
    const failing = trials.filter((t) => t.findings.some((f) => f.invariant === inv));
    const cases = new Map<string, number>();
    for (const t of failing)
      for (const c of new Set(t.spec.cases.flat().length ? t.spec.cases.flat() : ['normal']))
        cases.set(c, (cases.get(c) ?? 0) + 1);
    return {
      invariant: inv,
      text: INVARIANT_TEXT[inv],
      failingTrials: failing.length,
      byCase: Object.fromEntries(cases),
    };
  });
  const modes = ['kill', 'term', 'power'].map((m) => ({
    mode: m,
    trials: trials.filter((t) => t.spec.mode === m).length,
  }));
  return { byPoint, byInvariant, modes, twice: trials.filter((t) => t.spec.faults.length > 1).length };
}

/** The campaign's table, as printed by `make crash`. */
export function table(trials: readonly TrialRecord[], seconds: number): string {
  const s = summarise(trials);
  const lines = [
    `crash campaign: ${trials.length} trials in ${seconds.toFixed(0)} s (${s.modes.map((m) => `${m.trials} ${m.mode}`).join(', ')}; ${s.twice} with two faults in a row)`,
    '',
    `${'kill point'.padEnd(52)} ${'phase'.padEnd(8)} trials  fired  failing`,
    ...s.byPoint.map(
      (r) =>
        `${r.point.padEnd(52)} ${r.phase.padEnd(8)} ${String(r.trials).padStart(6)} ${String(r.fired).padStart(6)} ${String(r.failing).padStart(8)}`,
    ),
    '',
    `${'invariant'.padEnd(18)} failing trials  (by planted case)`,
    ...s.byInvariant.map(
      (r) =>
        `${r.invariant.padEnd(18)} ${String(r.failingTrials).padStart(14)}  ${Object.entries(r.byCase)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ')}`,
    ),
  ];
  return lines.join('\n');
}

/** Failing trials per invariant, for a test's assertion message. */
export function failingByInvariant(trials: readonly TrialRecord[]): Partial<Record<Invariant, number[]>> {
  const out: Partial<Record<Invariant, number[]>> = {};
  for (const t of trials)
    for (const f of t.findings) out[f.invariant] = [...new Set([...(out[f.invariant] ?? []), t.spec.trial])];
  return out;
}
