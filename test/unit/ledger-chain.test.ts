import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LedgerStateError } from '../../agent/ledger/errors.ts';
import { chainHash, EventLog, GENESIS_PREV_HASH } from '../../agent/ledger/event-chain.ts';
import { applyMigrations, loadMigrations } from '../../agent/ledger/migrations.ts';
import { applyEvent } from '../../agent/ledger/projection.ts';
import { checkChain } from '../../agent/ledger/verify/verify-chain.ts';
import { FindingCollector } from '../../agent/ledger/verify/verify-report.ts';

const AT = new Date('2025-03-01T08:00:00.000Z');

function memoryLedger(): { db: Database.Database; log: EventLog } {
  const db = new Database(':memory:');
  const migrations = loadMigrations();
  applyMigrations(db, migrations, migrations.length);
  const log = new EventLog(db, 'dock-1');
  db.transaction(() => {
    log.append(
      'dock.created',
      { dockId: 'dock-1', publicKey: 'AAAA', keyId: 'b'.repeat(64), createdAt: AT.toISOString() },
      AT,
    );
    for (const serial of ['A1', 'A2', 'A3', 'A4']) {
      log.append(
        'recorder.registered',
        { serial, model: null, vendor: null, fingerprint: null, status: 'in_service' },
        AT,
      );
    }
  })();
  return { db, log };
}

function findingsOf(db: Database.Database): FindingCollector {
  const findings = new FindingCollector();
  checkChain(db, { dockId: 'dock-1', wantHashesAt: new Set(), findings, pageSize: 2 });
  return findings;
}

function unprotect(db: Database.Database): void {
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
}

describe('event chain', () => {
  it('links each event to the previous hash, starting from 32 zero bytes', () => {
    const { db, log } = memoryLedger();
    const rows = db.prepare('SELECT * FROM events ORDER BY seq').all() as {
      seq: number;
      body: string;
      prev_hash: string;
      hash: string;
    }[];
    assert.deepEqual(
      rows.map((r) => r.seq),
      [1, 2, 3, 4, 5],
    );
    assert.equal(rows[0]?.prev_hash, GENESIS_PREV_HASH);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]?.prev_hash, rows[i - 1]?.hash);
    for (const r of rows) assert.equal(r.hash, chainHash(r.prev_hash, r.body));
    assert.deepEqual(log.head(), { seq: 5, hash: rows[4]?.hash });
  });

  it('refuses updates and deletes of events through the table triggers', () => {
    const { db } = memoryLedger();
    assert.throws(() => db.exec("UPDATE events SET body = '{}' WHERE seq = 2"), /append-only/);
    assert.throws(() => db.exec('DELETE FROM events WHERE seq = 2'), /append-only/);
  });

  it('refuses to append outside a transaction', () => {
    const { log } = memoryLedger();
    assert.throws(
      () => log.append('recorder.status_changed', { serial: 'A1', status: 'retired', reason: null }, AT),
      /inside a transaction/,
    );
  });

  it('finds nothing wrong in an intact chain, across pages', () => {
    assert.equal(findingsOf(memoryLedger().db).count(), 0);
  });

  it('names an edited event by its sequence number', () => {
    const { db } = memoryLedger();
    unprotect(db);
    db.exec(`UPDATE events SET body = replace(body, '"A2"', '"B2"') WHERE seq = 3`);
    const f = findingsOf(db);
    assert.deepEqual(
      f.findings.map((x) => [x.seq, x.kind]),
      [[3, 'hash-mismatch']],
    );
  });

  it('names a deleted event and the broken link after it', () => {
    const { db } = memoryLedger();
    unprotect(db);
    db.exec('DELETE FROM events WHERE seq = 3');
    const kinds = findingsOf(db).findings.map((x) => [x.seq, x.kind]);
    assert.deepEqual(kinds, [
      [3, 'sequence-gap'],
      [4, 'chain-break'],
    ]);
  });

  it('names two swapped events', () => {
    const { db } = memoryLedger();
    unprotect(db);
    db.exec(
      'UPDATE events SET seq = 1000 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = 1000;',
    );
    const f = findingsOf(db);
    const mismatched = f.findings.filter((x) => x.kind === 'sequence-mismatch').map((x) => x.seq);
    assert.deepEqual(mismatched, [3, 4]);
    assert.ok(f.count('chain-break') >= 2);
  });
});

describe('projection', () => {
  it('rebuilds identical tables when the same events are applied again', () => {
    const { db } = memoryLedger();
    const replay = new Database(':memory:');
    const migrations = loadMigrations();
    applyMigrations(replay, migrations, migrations.length);
    for (const { body } of db.prepare('SELECT body FROM events ORDER BY seq').all() as { body: string }[]) {
      applyEvent(replay, JSON.parse(body));
    }
    const dump = (d: Database.Database) => d.prepare('SELECT * FROM recorders ORDER BY serial').all();
    assert.deepEqual(dump(replay), dump(db));
    assert.equal(dump(db).length, 4);
  });

  it('refuses an event that does not fit the state', () => {
    const { db, log } = memoryLedger();
    assert.throws(
      () =>
        db.transaction(() =>
          log.append(
            'session.finished',
            {
              sessionId: 'nope',
              finishedAt: AT.toISOString(),
              outcome: 'complete',
              batteryPct: null,
              freeBytes: null,
            },
            AT,
          ),
        )(),
      LedgerStateError,
    );
    assert.equal(log.head().seq, 5, 'the failed append was rolled back');
  });
});
