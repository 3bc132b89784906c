// `make crash`: the crash campaign a release is judged by. Runs N seeded trials (default 200),
// prints one line per trial, the table (trials per kill point, failing trials per invariant) and
// every finding with the command that reproduces its trial, and writes the whole result as JSON
// to test-output/crash/result.json. Exit status 1 when any invariant broke.
//   make crash [CRASH_SEED=1] [CRASH_TRIALS=200] [CRASH_TRIAL=n (one trial)] [CRASH_KEEP=1] [CRASH_JOBS=2]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign.ts';
import { findingLines, summarise, table } from './report.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: process.env.CRASH_SEED || '1' },
      trials: { type: 'string', default: process.env.CRASH_TRIALS || '200' },
      trial: { type: 'string', default: process.env.CRASH_TRIAL || '' },
      keep: { type: 'boolean', default: process.env.CRASH_KEEP === '1' },
      jobs: { type: 'string', default: process.env.CRASH_JOBS || '2' },
      dir: { type: 'string', default: path.join(REPO, 'test-output', 'crash') },
    },
  });
  const seed = Number(values.seed);
  const trials = values.trial
    ? [Number(values.trial)]
    : Array.from({ length: Number(values.trials) }, (_, i) => i);
  if (!Number.isInteger(seed) || trials.some((t) => !Number.isInteger(t) || t < 0))
    throw new Error('CRASH_SEED, CRASH_TRIALS and CRASH_TRIAL must be whole numbers');
  const dir = values.dir as string;
  const started = Date.now();
  const records = await runCampaign({
    seed,
    trials,
    dir,
    repoRoot: REPO,
    keepFailed: values.keep === true || trials.length === 1,
    jobs: trials.length === 1 ? 1 : Number(values.jobs),
    onTrial: (t, i) =>
      process.stdout.write(
        `trial ${String(t.spec.trial).padStart(4)} (${i + 1}/${trials.length}) ${t.spec.mode.padEnd(5)} ${t.runs.find((r) => r.name === 'A')?.failpoints ?? ''} → ${t.runs.map((r) => r.ending).join(',')} ${(t.ms / 1000).toFixed(1)} s ${t.findings.length ? `FINDINGS ${[...new Set(t.findings.map((f) => f.invariant))].join(',')}` : 'ok'}\n`,
      ),
  });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${table(records, seconds)}\n\n`);
  for (const t of records) for (const line of findingLines(t)) process.stdout.write(`${line}\n`);
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, values.trial ? `result-trial-${values.trial}.json` : 'result.json');
  await writeFile(
    out,
    JSON.stringify({ seed, seconds, summary: summarise(records), trials: records }, null, 2),
  );
  process.stdout.write(`\nresult: ${path.relative(REPO, out)}\n`);
  return records.some((t) => t.findings.length > 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`crash campaign: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
