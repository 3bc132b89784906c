/**
 * Ledger benchmark: builds a ledger of LEDGER_BENCH_CLIPS clips (default 1,000,000) in dock
 * sessions of ten clips (so 100,000 sessions at full size) through the real Ledger API, in big
 * transactions, then times the equipment manager's queries. Prints p50/p95 per query and writes
 * bench/results/ledger.json. LEDGER_BENCH_VERIFY=0 skips timing a full `verify` of the result.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Ledger } from '../agent/ledger/ledger.ts';
import { vaultPathFor } from '../agent/ledger/vault-path.ts';
import { verifyLedger } from '../agent/ledger/verify/verify-ledger.ts';
import { type DockPaths, pathsUnder } from '../agent/paths.ts';
import { testAlert } from '../test/helpers/test-alert.ts';
import { testLedgerOptions } from '../test/helpers/test-config.ts';

const CLIPS = Number(process.env.LEDGER_BENCH_CLIPS ?? 1_000_000);
const CLIPS_PER_SESSION = 10;
const SESSIONS = Math.max(1, Math.floor(CLIPS / CLIPS_PER_SESSION));
const RECORDERS = Math.max(5, Math.min(200, Math.floor(SESSIONS / 500)));
const OFFICERS = Math.max(5, Math.min(500, Math.floor(SESSIONS / 200)));
const SESSIONS_PER_TX = 1000;
const RUNS = 300;
const WARMUP = 20;
const DAY = 86_400_000;
const START = Date.parse('2023-01-01T00:00:00.000Z');
const SPAN = 730 * DAY;

let clockMs = START;
const now = () => new Date(clockMs);

function registerFleet(ledger: Ledger): void {
  ledger.transaction(() => {
    for (let r = 0; r < RECORDERS; r++) {
      ledger.registerRecorder({
        serial: `ZFY${String(r).padStart(5, '0')}`,
        model: 'DSJ-V9',
        vendor: 'Bench',
        fingerprint: 'usb:1234:5678',
      });
    }
    for (let o = 0; o < OFFICERS; o++) {
      ledger.registerOfficer({
        officerNo: String(310000 + o),
        name: `officer ${o}`,
        unit: `unit ${o % 12}`,
        certNo: `ZF-${o}`,
      });
    }
  });
}

/** One shift: check-out, docking with ten sealed clips, check-in. Returns the session id. */
function oneSession(ledger: Ledger, paths: DockPaths, i: number, open: boolean): string {
  const serial = `ZFY${String(i % RECORDERS).padStart(5, '0')}`;
  const officerNo = String(310000 + ((i * 7919) % OFFICERS));
  const t = START + Math.floor((i * SPAN) / SESSIONS);
  clockMs = t - 8 * 3_600_000;
  ledger.checkOut({ serial, officerNo, batteryPct: 100, freeBytes: 60e9 });
  clockMs = t;
  const session = ledger.startSession({
    serial,
    officerNo,
    clockSkewMs: (i % 7) * 100,
    batteryPct: 30,
    freeBytes: 20e9,
    totalBytes: 64e9,
  });
  sealClips(ledger, paths, i, serial, session.id);
  if (i % 50 === 0) {
    const alert = ledger.openAlert(testAlert('late-clip', `session:${session.id}`));
    if (i % 250 !== 0) ledger.resolveAlert(alert.id, { resolvedBy: 'manager-1' });
  }
  if (!open) {
    clockMs += 60_000;
    ledger.finishSession(session.id, { outcome: 'complete', batteryPct: 29, freeBytes: 21e9 });
    ledger.checkIn({ serial, batteryPct: 29, freeBytes: 21e9 });
  }
  return session.id;
}

function sealClips(ledger: Ledger, paths: DockPaths, i: number, serial: string, sessionId: string): void {
  const shiftStart = clockMs - 7 * 3_600_000;
  for (let c = 0; c < CLIPS_PER_SESSION; c++) {
    clockMs += 1000;
    const sha256 = randomBytes(32).toString('hex');
    const start = new Date(shiftStart + c * 1_800_000);
    ledger.recordSeal(
      {
        sha256,
        size: 200_000_000 + c,
        sourcePath: `/DCIM/100MEDIA/${i}_${c}.MP4`,
        vaultPath: vaultPathFor(paths.vaultDir, sha256),
        sealedAt: now(),
        verifiedBy: 'fadvise-dontneed',
        prefixDigests: [{ offset: 0, sha256 }],
      },
      {
        serial,
        sessionId,
        recordingStart: start,
        recordingEnd: new Date(start.getTime() + 1_500_000),
        durationMs: 1_500_000,
        flags: c === 0 && i % 9 === 0 ? ['late'] : [],
      },
    );
  }
}

function build(ledger: Ledger, paths: DockPaths): string[] {
  registerFleet(ledger);
  const ids: string[] = [];
  const openFrom = SESSIONS - Math.min(5, RECORDERS);
  for (let first = 0; first < SESSIONS; first += SESSIONS_PER_TX) {
    ledger.transaction(() => {
      for (let i = first; i < Math.min(SESSIONS, first + SESSIONS_PER_TX); i++)
        ids.push(oneSession(ledger, paths, i, i >= openFrom));
    });
    if (first % (SESSIONS_PER_TX * 10) === 0)
      process.stderr.write(`\rbuilding: ${ids.length}/${SESSIONS} sessions`);
  }
  process.stderr.write('\n');
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface QueryResult {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  runs: number;
  avgRows: number;
}

function time(run: (i: number) => number): QueryResult {
  for (let i = 0; i < WARMUP; i++) run(i);
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    rows += run(i + WARMUP);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(ms.at(-1) ?? 0),
    runs: RUNS,
    avgRows: round(rows / RUNS),
  };
}

function randomMonth(i: number): { from: Date; to: Date } {
  const from = START + ((i * 104_729) % 700) * DAY;
  return { from: new Date(from), to: new Date(from + 30 * DAY) };
}

function queries(ledger: Ledger, sessionIds: string[]): Record<string, QueryResult> {
  const q = ledger.queries;
  return {
    'recorder usage, 30 days': time((i) => {
      const r = q.recorderUsage(`ZFY${String((i * 31) % RECORDERS).padStart(5, '0')}`, randomMonth(i));
      return r.sessions.length + r.assignments.length;
    }),
    'officer usage, 30 days': time((i) => {
      const r = q.officerUsage(String(310000 + ((i * 37) % OFFICERS)), randomMonth(i));
      return r.sessions.length + r.assignments.length;
    }),
    'docked now': time(() => q.dockedNow().length),
    'open alerts': time(() => q.openAlerts().length),
    'clips of a session': time(
      (i) => q.sessionClips(sessionIds[(i * 7_919) % sessionIds.length] as string).length,
    ),
  };
}

function dbBytes(stateDir: string): number {
  return ['ledger.db', 'ledger.db-wal'].reduce((n, f) => {
    try {
      return n + statSync(path.join(stateDir, f)).size;
    } catch {
      return n;
    }
  }, 0);
}

function printTable(results: Record<string, QueryResult>): void {
  const rows = Object.entries(results).map(
    ([name, r]) =>
      `${name.padEnd(26)} ${r.p50Ms.toFixed(3).padStart(9)} ${r.p95Ms.toFixed(3).padStart(9)} ${r.maxMs.toFixed(3).padStart(9)} ${String(r.avgRows).padStart(9)}`,
  );
  process.stdout.write(
    `${'query'.padEnd(26)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'max ms'.padStart(9)} ${'rows'.padStart(9)}\n${rows.join('\n')}\n`,
  );
}

async function measure(paths: DockPaths) {
  let ledger = await Ledger.open(testLedgerOptions(paths, { now }));
  const t0 = performance.now();
  const sessionIds = build(ledger, paths);
  const buildSeconds = (performance.now() - t0) / 1000;
  const events = ledger.head().seq;
  ledger.close();
  const bytes = dbBytes(paths.stateDir);
  ledger = await Ledger.open(testLedgerOptions(paths, { now }));
  const results = queries(ledger, sessionIds);
  ledger.close();
  let verifySeconds: number | null = null;
  if (process.env.LEDGER_BENCH_VERIFY !== '0') {
    const v0 = performance.now();
    const report = await verifyLedger({ paths });
    verifySeconds = (performance.now() - v0) / 1000;
    if (!report.ok) throw new Error(`verify found ${report.findings.length} problems in the bench ledger`);
  }
  const at = new Date().toISOString();
  const sizes = { clips: CLIPS, sessions: SESSIONS, recorders: RECORDERS, officers: OFFICERS, events };
  return {
    at,
    node: process.version,
    ...sizes,
    buildSeconds,
    dbBytes: bytes,
    verifySeconds,
    queries: results,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ledger-bench-'));
  try {
    const r = await measure(pathsUnder(dir));
    const verify = r.verifySeconds === null ? '' : `, full verify ${r.verifySeconds.toFixed(1)} s`;
    process.stdout.write(
      `ledger: ${r.clips} clips, ${r.sessions} sessions, ${r.recorders} recorders, ${r.officers} officers, ${r.events} events\n` +
        `build: ${r.buildSeconds.toFixed(1)} s (${Math.round(r.clips / r.buildSeconds)} clips/s), database ${(r.dbBytes / 1e6).toFixed(0)} MB${verify}\n`,
    );
    printTable(r.queries);
    const out = path.join(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'ledger.json'), `${JSON.stringify(r, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
