import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { readCentralStore } from './central-store.ts';
import type { CrashApp } from './crash-app.ts';
import type { Finding } from './invariants.ts';
import type { LedgerFacts } from './ledger-facts.ts';
import type { PlantedWorld } from './planting.ts';
import { asServiceUser, notOwnedBy, type ServiceUser } from './service-user.ts';
import type { RunRecord } from './trial-record.ts';
import type { TrialPaths } from './trial-world.ts';

/** verify-files: the real `dockctl verify --files`, as the service user, on the trial's config. */
export async function checkVerifyFiles(p: TrialPaths, app: CrashApp, user: ServiceUser): Promise<Finding[]> {
  const [cmd, ...prefix] = asServiceUser(user);
  const res = spawnSync(
    cmd as string,
    [...prefix, process.execPath, app.dockctl, 'verify', '--files', '--config', p.config],
    {
      env: { PATH: process.env.PATH, TMPDIR: p.tmp, HOME: p.tmp, DOCK_CONFIG: p.config },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (res.status === 0) return [];
  const said = `${res.stdout}${res.stderr}`.trim().split('\n').slice(0, 6).join(' | ');
  return [
    {
      invariant: 'verify-files',
      detail: `dockctl verify --files --config ${path.basename(p.config)} exited ${res.status ?? res.signal}: ${said} [the ledger library's verify with the configured vault: ${await libraryVerify(p)}]`,
    },
  ];
}

/** The same verification through the library, on a copy of the ledger, for the finding's context. */
async function libraryVerify(p: TrialPaths): Promise<string> {
  const scratch = path.join(p.harness, 'verify-state');
  await mkdir(scratch, { recursive: true });
  const ledger = path.join(p.stateDir, 'ledger.db');
  await copyFile(ledger, path.join(scratch, 'ledger.db'));
  await copyFile(`${ledger}-wal`, path.join(scratch, 'ledger.db-wal')).catch(() => {});
  let report: Awaited<ReturnType<typeof verifyLedger>>;
  try {
    report = await verifyLedger({
      paths: { ...pathsUnder(scratch), vaultDir: p.vaultDir },
      files: true,
      scratchDir: scratch,
    });
  } catch (err) {
    return `it cannot run: ${(err as Error).message}`;
  }
  if (report.ok) return 'no findings';
  return report.findings
    .slice(0, 3)
    .map((f) => `${f.kind}: ${f.message}`)
    .join('; ');
}

/** delivered and delivered-once: every acknowledged outbox record is in the central store, exactly once. */
export async function checkDelivered(
  p: TrialPaths,
  facts: LedgerFacts,
  last: RunRecord | undefined,
): Promise<Finding[]> {
  const drained = last?.drained;
  if (drained?.backlog !== 0)
    return [
      {
        invariant: 'delivered',
        detail: `the forwarder never drained its outbox in the last run (${last?.ending ?? 'no run'})`,
      },
    ];
  const state = JSON.parse(
    await readFile(path.join(p.stateDir, 'forwarder', 'state.json'), 'utf8').catch(() => '{}'),
  ) as {
    parked?: { seq: number }[];
  };
  const parked = new Set((state.parked ?? []).map((x) => x.seq));
  const stored = await readCentralStore(p.central);
  const out: Finding[] = [];
  const missing = facts.outbox.filter(
    (r) => r.id <= drained.ackedSeq && !parked.has(r.id) && !stored.has(r.recordId),
  );
  if (missing.length > 0)
    out.push({
      invariant: 'delivered',
      detail: `${missing.length} acknowledged records are not in the central store: ${missing
        .slice(0, 4)
        .map((r) => r.recordId)
        .join(', ')}`,
    });
  for (const [id, copies] of stored) {
    if (copies.length < 2) continue;
    const conflicting = new Set(copies.map((c) => c.body)).size > 1;
    out.push({
      invariant: conflicting ? 'delivered' : 'delivered-once',
      detail: `record ${id} is stored ${copies.length} times${conflicting ? ' with different content' : ''} (epoch/batch: ${copies.map((c) => `${c.epoch.slice(0, 8)}/${path.basename(c.key)}`).join(', ')})`,
    });
  }
  return out;
}

/** staging-empty: after the last docking only the parts of unreadable files may wait for resume. */
export async function checkStaging(p: TrialPaths, world: PlantedWorld): Promise<Finding[]> {
  const staging = path.join(p.vaultDir, '.staging');
  const entries = await readdir(staging).catch(() => [] as string[]);
  const unreadable = world.files.filter((f) => f.expect === 'unreadable').length;
  const resumable = entries.filter((e) => /^[0-9a-f]{32}\.(part|state\.json)$/.test(e));
  const left = entries.filter((e) => !resumable.includes(e));
  if (resumable.length > 2 * unreadable) left.push(...resumable);
  if (left.length === 0) return [];
  return [
    {
      invariant: 'staging-empty',
      detail: `vault/.staging holds ${left.length} entries after the re-dock: ${left.slice(0, 5).join(', ')}`,
    },
  ];
}

/** no-crash: every run ended the way the trial ended it. */
export function checkNoCrash(runs: readonly RunRecord[]): Finding[] {
  return runs
    .filter((r) => r.ending === 'crashed' || r.ending === 'hung')
    .map((r) => ({
      invariant: 'no-crash' as const,
      detail: `run ${r.name} ${r.ending} (exit ${r.exit.code ?? r.exit.signal}) after ${r.results.length} docking results${r.stderrTail ? `: ${r.stderrTail}` : ''}`,
    }));
}

/** service-user: uid, gid, groups and capabilities of every run, and the owner of every file written. */
export async function checkServiceUser(
  p: TrialPaths,
  runs: readonly RunRecord[],
  user: ServiceUser,
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const r of runs) {
    const id = r.identity;
    const zero = /^0+$/;
    if (
      !id ||
      id.uid !== user.uid ||
      id.gid !== user.gid ||
      id.groups.some((g) => g !== user.gid) ||
      !zero.test(id.capEff) ||
      !zero.test(id.capPrm) ||
      !zero.test(id.capBnd) ||
      id.noNewPrivs !== '1'
    )
      out.push({
        invariant: 'service-user',
        detail: `run ${r.name} did not run as ${user.name} without capabilities: ${JSON.stringify(id)}`,
      });
  }
  const foreign = await notOwnedBy(p.world, user.uid);
  if (foreign.length > 0)
    out.push({
      invariant: 'service-user',
      detail: `${foreign.length} paths are not the service user's: ${foreign.slice(0, 4).join(', ')}`,
    });
  return out;
}
