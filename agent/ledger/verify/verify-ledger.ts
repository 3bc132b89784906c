import os from 'node:os';
import type { Database } from 'better-sqlite3';
import type { DockPaths } from '../../paths.ts';
import type { Checkpoint, CheckpointRow } from '../checkpoint.ts';
import { ledgerFile, openLedgerDatabase } from '../database.ts';
import { schemaVersion } from '../migrations.ts';
import { readTrustAnchor, type TrustAnchor } from './verify-anchor.ts';
import { type ChainPassResult, checkChain } from './verify-chain.ts';
import { checkCheckpoint, checkStoredCheckpoints } from './verify-checkpoints.ts';
import { compareTables, ReplayDatabase } from './verify-replay.ts';
import {
  type AgainstResult,
  FindingCollector,
  type FindingKind,
  type VerifyProgress,
  type VerifyReport,
} from './verify-report.ts';
import { checkVault } from './verify-vault.ts';

/** What to verify. */
export interface VerifyOptions {
  readonly paths: DockPaths;
  /** Also hash every vault file against its seal and look for unsealed files. */
  readonly files?: boolean;
  /** A checkpoint obtained elsewhere (the central store) the local chain must extend. */
  readonly against?: Checkpoint | null;
  /** Where the replay database is built (default: the system temp folder). */
  readonly scratchDir?: string;
  readonly onProgress?: (p: VerifyProgress) => void;
  /** Findings listed per kind (all are counted). */
  readonly listLimit?: number;
}

/** Findings that mean the chain itself is not intact. */
const CHAIN_KINDS: FindingKind[] = [
  'ledger-empty',
  'genesis-invalid',
  'sequence-gap',
  'sequence-mismatch',
  'event-malformed',
  'event-not-canonical',
  'event-foreign-dock',
  'hash-mismatch',
  'chain-break',
];

/**
 * Verify the ledger read-only, in one consistent snapshot: the chain from genesis, every stored
 * checkpoint, the tables against a replay of the events, optionally the vault, and optionally a
 * checkpoint from elsewhere. Every failure is reported; `ok` only when there is none.
 */
export async function verifyLedger(opts: VerifyOptions): Promise<VerifyReport> {
  const file = ledgerFile(opts.paths);
  const db = openLedgerDatabase(file, { readonly: true });
  const replay = ReplayDatabase.create(opts.scratchDir ?? os.tmpdir());
  try {
    // Attach before BEGIN (SQLite refuses ATTACH inside a transaction); the replay file is only
    // read through this connection after the replay is written and closed.
    db.prepare('ATTACH DATABASE ? AS replay').run(replay.file);
    db.exec('BEGIN');
    return await runChecks(db, file, replay, opts);
  } finally {
    closeQuietly(db);
    replay.remove();
  }
}

async function runChecks(
  db: Database,
  file: string,
  replay: ReplayDatabase,
  opts: VerifyOptions,
): Promise<VerifyReport> {
  const findings = new FindingCollector(opts.listLimit);
  const anchor = await readTrustAnchor(db, opts.paths.stateDir, findings);
  const cpRows = db.prepare('SELECT * FROM checkpoints ORDER BY seq').all() as CheckpointRow[];
  const want = new Set(cpRows.map((r) => r.seq));
  if (opts.against) want.add(opts.against.seq);
  const chain = checkChain(db, {
    dockId: anchor.dockId,
    wantHashesAt: want,
    findings,
    onEvent: (e) => replay.apply(e, findings),
    onProgress: opts.onProgress,
  });
  replay.finish();
  compareTables(db, findings, opts.onProgress);
  checkStoredCheckpoints(cpRows, anchor, chain, findings);
  const against = opts.against ? checkAgainst(opts.against, anchor, chain, findings) : null;
  const vault = opts.files ? await checkVault(db, opts.paths.vaultDir, findings, opts.onProgress) : null;
  const clips = (db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n;
  return {
    ok: findings.count() === 0,
    file,
    dockId: anchor.dockId,
    schema: schemaVersion(db),
    head: { seq: chain.lastSeq, hash: chain.lastHash },
    stats: {
      events: chain.count,
      checkpoints: cpRows.length,
      clips,
      vaultFiles: vault?.hashed ?? null,
      vaultAbsent: vault?.absent ?? null,
    },
    findings: findings.sorted(),
    counts: findings.counts,
    against,
  };
}

function checkAgainst(
  cp: Checkpoint,
  anchor: TrustAnchor,
  chain: ChainPassResult,
  findings: FindingCollector,
): AgainstResult {
  let ok = true;
  if (anchor.dockId !== null && cp.dock !== anchor.dockId) {
    findings.add(
      cp.seq,
      'against-dock',
      `the checkpoint from elsewhere is for dock ${cp.dock}, not this dock ${anchor.dockId}`,
    );
    ok = false;
  }
  ok = checkCheckpoint(cp, 'against', anchor, chain, findings) && ok;
  return { seq: cp.seq, head: cp.head, extends: ok && findings.count(...CHAIN_KINDS) === 0 };
}

function closeQuietly(db: Database): void {
  try {
    if (db.inTransaction) db.exec('COMMIT');
  } finally {
    db.close();
  }
}
