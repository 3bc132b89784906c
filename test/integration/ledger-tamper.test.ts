import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CHECKPOINT_FORMAT_VERSION, type Checkpoint, signCheckpoint } from '../../agent/ledger/checkpoint.ts';
import { ledgerFile } from '../../agent/ledger/database.ts';
import { keyIdOf } from '../../agent/ledger/dock-key.ts';
import { chainHash } from '../../agent/ledger/event-chain.ts';
import { vaultPathFor } from '../../agent/ledger/vault-path.ts';
import { verifyLedger } from '../../agent/ledger/verify/verify-ledger.ts';
import type { VerifyReport } from '../../agent/ledger/verify/verify-report.ts';
import type { DockPaths } from '../../agent/paths.ts';
import {
  FakeClock,
  openTestLedger,
  type Population,
  populate,
  tempState,
} from '../fixtures/ledger/ledger-fixture.ts';
import { testAlert } from '../helpers/test-alert.ts';

function sqlite(file: string, sql: string): string {
  return execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
}

function sqliteJson<T>(file: string, sql: string): T {
  return JSON.parse(execFileSync('sqlite3', ['-json', file, sql], { encoding: 'utf8' })) as T;
}

function kinds(report: VerifyReport): string[] {
  return report.findings.map((f) => `${f.seq ?? '-'}:${f.kind}`);
}

describe('tamper evidence', () => {
  let paths: DockPaths;
  let cleanup: () => void;
  let file: string;
  let pop: Population;
  let dockId: string;
  let head: number;
  /** A checkpoint as the central store holds it, taken before any tampering. */
  let central: Checkpoint;

  beforeEach(async () => {
    ({ paths, cleanup } = tempState('ledger-tamper-'));
    const clock = new FakeClock();
    const ledger = await openTestLedger(paths, clock, { checkpointEveryEvents: 1000 });
    pop = await populate(ledger, paths, clock, 3, 3);
    for (let i = 0; i < 3; i++) ledger.openAlert(testAlert('no-officer', `tail:${i}`, { severity: 'info' }));
    central = ledger.checkpointNow() as Checkpoint;
    dockId = ledger.dockId;
    head = ledger.head().seq;
    ledger.close();
    file = ledgerFile(paths);
    const clean = await verifyLedger({ paths, files: true, against: central });
    assert.deepEqual(clean.findings, [], 'the untouched ledger verifies');
    assert.equal(clean.against?.extends, true);
  });
  afterEach(() => cleanup());

  it("catches a clip's digest edited with the sqlite3 CLI", async () => {
    const clip = pop.clips[4];
    assert.ok(clip);
    sqlite(file, `UPDATE clips SET sha256 = '${'e'.repeat(64)}' WHERE id = '${clip.id}';`);
    const report = await verifyLedger({ paths });
    assert.equal(report.ok, false);
    assert.deepEqual(kinds(report), [`${clip.sealSeq}:table-mismatch`]);
    assert.match(
      report.findings[0]?.message ?? '',
      new RegExp(`clips row ${clip.id}.*sha256 is "?eeeeeeeeeeee`),
    );
  });

  it('catches an event deleted from the middle', async () => {
    const victim = pop.clips[2]?.sealSeq as number;
    sqlite(file, `DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = ${victim};`);
    const report = await verifyLedger({ paths });
    const k = kinds(report);
    assert.ok(k.includes(`${victim}:sequence-gap`), k.join());
    assert.ok(k.includes(`${victim + 1}:chain-break`), k.join());
    assert.ok(k.includes(`${victim}:table-row-unsealed`), 'the clip row no longer has its seal');
    assert.match(
      report.findings.find((f) => f.kind === 'sequence-gap')?.message ?? '',
      new RegExp(`event ${victim} is missing`),
    );
  });

  it('catches the last events deleted, against the stored and against a saved checkpoint', async () => {
    // The attacker removes the last three events and the rows they made, so the tables agree.
    sqlite(
      file,
      `DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > ${head - 3}; DELETE FROM alert_facts WHERE alert_id IN (SELECT id FROM alerts WHERE subject LIKE 'tail:%'); DELETE FROM alerts WHERE subject LIKE 'tail:%';`,
    );
    const local = await verifyLedger({ paths });
    assert.deepEqual(kinds(local), [`${head}:checkpoint-beyond-head`]);
    assert.match(local.findings[0]?.message ?? '', new RegExp(`events ${head - 2} to ${head} were deleted`));

    // Covering their tracks: the local checkpoint goes too. The central store's copy still catches it.
    sqlite(file, `DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE seq > ${head - 3};`);
    const against = await verifyLedger({ paths, against: central });
    assert.deepEqual(kinds(against), [`${head}:against-truncated`]);
    assert.equal(against.against?.extends, false);
  });

  it('catches two events swapped', async () => {
    const a = pop.clips[1]?.sealSeq as number;
    const b = a + 1;
    sqlite(
      file,
      `DROP TRIGGER events_no_update; UPDATE events SET seq = 1000000 WHERE seq = ${a}; UPDATE events SET seq = ${a} WHERE seq = ${b}; UPDATE events SET seq = ${b} WHERE seq = 1000000;`,
    );
    const report = await verifyLedger({ paths });
    const k = kinds(report);
    assert.ok(k.includes(`${a}:sequence-mismatch`) && k.includes(`${b}:sequence-mismatch`), k.join());
    assert.ok(k.includes(`${a}:chain-break`), k.join());
    assert.match(report.findings.find((f) => f.kind === 'sequence-mismatch')?.message ?? '', /reordered/);
  });

  it("catches a vault file's bytes replaced", async () => {
    const clip = pop.clips[3];
    assert.ok(clip);
    const target = vaultPathFor(paths.vaultDir, clip.sha256);
    chmodSync(target, 0o640);
    writeFileSync(target, randomBytes(clip.size));
    const report = await verifyLedger({ paths, files: true });
    assert.deepEqual(kinds(report), [`${clip.sealSeq}:vault-mismatch`]);
    assert.match(report.findings[0]?.message ?? '', new RegExp(`${clip.sha256}.*no longer matches its seal`));
    assert.equal((await verifyLedger({ paths })).ok, true, 'without --files the vault is not read');
  });

  it('catches a file added to the vault without a seal', async () => {
    const content = randomBytes(100);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(content).digest('hex');
    const target = vaultPathFor(paths.vaultDir, digest);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: 0o440 });
    writeFileSync(path.join(paths.vaultDir, 'stray.mp4'), 'x');
    mkdirSync(paths.stagingDir, { recursive: true });
    writeFileSync(path.join(paths.stagingDir, 'partial.part'), 'ignored');
    const report = await verifyLedger({ paths, files: true });
    assert.deepEqual(kinds(report).sort(), ['-:vault-unexpected', '-:vault-unsealed']);
    assert.match(
      report.findings.find((f) => f.kind === 'vault-unsealed')?.message ?? '',
      new RegExp(`${digest} has no seal`),
    );
  });

  it('catches a checkpoint forged with another key, stored or presented', async () => {
    const other = generateKeyPairSync('ed25519');
    const victim = pop.clips[0]?.sealSeq as number;
    const stored = sqlite(file, `SELECT hash FROM events WHERE seq = ${victim};`);
    const forged = signCheckpoint(
      {
        v: CHECKPOINT_FORMAT_VERSION,
        dock: dockId,
        seq: victim,
        head: stored,
        at: '2025-03-02T00:00:00.000Z',
        key: keyIdOf(other.publicKey),
      },
      other.privateKey,
    );
    sqlite(
      file,
      `INSERT INTO checkpoints VALUES (${forged.seq}, '${forged.head}', '${forged.at}', '${forged.key}', '${forged.sig}');`,
    );
    // A second forgery claims the dock's key id but carries a signature by the other key.
    const claimsOurs = signCheckpoint(
      {
        ...forged,
        seq: victim + 1,
        head: sqlite(file, `SELECT hash FROM events WHERE seq = ${victim + 1};`),
        key: central.key,
      },
      other.privateKey,
    );
    sqlite(
      file,
      `INSERT INTO checkpoints VALUES (${claimsOurs.seq}, '${claimsOurs.head}', '${claimsOurs.at}', '${claimsOurs.key}', '${claimsOurs.sig}');`,
    );
    const report = await verifyLedger({ paths, against: { ...central, sig: forged.sig } });
    assert.deepEqual(kinds(report), [
      `${victim}:checkpoint-key`,
      `${victim + 1}:checkpoint-signature`,
      `${head}:against-signature`,
    ]);
    assert.equal(report.against?.extends, false);
  });

  it('catches history rewritten with recomputed hashes, through the checkpoints', async () => {
    const clip = pop.clips[5];
    assert.ok(clip);
    // The attacker edits the seal event, fixes the row, and recomputes every hash after it.
    const rows = sqliteJson<{ seq: number; body: string; prev_hash: string }[]>(
      file,
      `SELECT seq, body, prev_hash FROM events WHERE seq >= ${clip.sealSeq} ORDER BY seq;`,
    );
    let prev = rows[0]?.prev_hash as string;
    const fake = 'f'.repeat(64);
    const updates = rows.map((r) => {
      const body = r.seq === clip.sealSeq ? r.body.replace(clip.sha256, fake) : r.body;
      const hash = chainHash(prev, body);
      const sql = `UPDATE events SET body = '${body.replace(/'/g, "''")}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${r.seq};`;
      prev = hash;
      return sql;
    });
    sqlite(
      file,
      `DROP TRIGGER events_no_update; ${updates.join(' ')} UPDATE clips SET sha256 = '${fake}' WHERE id = '${clip.id}';`,
    );
    const report = await verifyLedger({ paths, against: central });
    const k = kinds(report);
    assert.equal(
      report.findings.filter((f) => f.kind === 'hash-mismatch' || f.kind === 'chain-break').length,
      0,
      'the chain itself is consistent',
    );
    assert.ok(k.includes(`${head}:checkpoint-head`), k.join());
    assert.ok(k.includes(`${head}:against-diverged`), k.join());
  });
});
