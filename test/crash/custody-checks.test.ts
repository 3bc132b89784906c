import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type CustodyView,
  checkComplete,
  checkFaultsFlagged,
  checkLost,
  checkSealedTwice,
  checkUnsealedDelete,
  DigestCache,
} from './custody-checks.ts';
import type { LedgerFacts, SealFact } from './ledger-facts.ts';
import type { PlantedFile, PlantedWorld } from './planting.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'custody-checks-'));
const recorderDir = path.join(root, 'recorder');
const vaultDir = path.join(root, 'vault');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function card(relPath: string, text: string | null): void {
  const file = path.join(recorderDir, 'volume', relPath);
  mkdirSync(path.dirname(file), { recursive: true });
  if (text === null) rmSync(file, { force: true });
  else writeFileSync(file, text);
}

function vault(text: string): void {
  const digest = sha(text);
  mkdirSync(path.join(vaultDir, 'sha256', digest.slice(0, 2)), { recursive: true });
  writeFileSync(path.join(vaultDir, 'sha256', digest.slice(0, 2), digest), text);
}

function planted(relPath: string, text: string): PlantedFile {
  return {
    ...{ slot: 0, serial: 'S1', relPath, case: 'normal', docking: 1 },
    ...{ sha256: sha(text), size: text.length, expect: 'sealed', grown: null },
  };
}

function seal(relPath: string, text: string): SealFact {
  return {
    clipId: sha(relPath + text).slice(0, 32),
    sessionId: 'x',
    serial: 'S1',
    sourcePath: relPath,
    sha256: sha(text),
    size: text.length,
    flags: [],
  };
}

function view(files: PlantedFile[], seals: SealFact[], sealEvents = seals): CustodyView {
  const recorders = [
    {
      kind: 'mass-storage' as const,
      serial: 'S1',
      dir: recorderDir,
      clockSkewMs: 0,
      readErrors: [],
      grow: null,
    },
  ];
  const world: PlantedWorld = { recorders, files, sameName: null };
  const facts: LedgerFacts = {
    seals,
    sealEvents: sealEvents.map((s, i) => ({ serial: s.serial, sha256: s.sha256, seq: i + 1 })),
    wiped: [],
    sessions: [{ id: 'x', serial: 'S1', startedAt: 1, outcome: 'complete' }],
    outbox: [],
    alerts: [],
  };
  return { world, facts, vaultDir, digests: new DigestCache() };
}

const invariants = (findings: { invariant: string }[]) => findings.map((f) => f.invariant);

describe('the crash campaign checker', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a recording wiped after a seal whose vault file is there', async () => {
    card('a.MP4', null);
    vault('clip a');
    const v = view([planted('a.MP4', 'clip a')], [seal('a.MP4', 'clip a')]);
    assert.deepEqual(
      [...(await checkLost(v)), ...(await checkUnsealedDelete(v)), ...(await checkComplete(v))],
      [],
    );
  });

  it('finds a recording whose seal is in the ledger but whose vault file is gone: lost', async () => {
    card('b.MP4', null);
    const v = view([planted('b.MP4', 'clip b')], [seal('b.MP4', 'clip b')]);
    assert.deepEqual(invariants(await checkLost(v)), ['lost']);
    assert.deepEqual(await checkUnsealedDelete(v), []);
    assert.match((await checkComplete(v))[0]?.detail ?? '', /its vault file is not/);
  });

  it('finds a file deleted from the recorder without a seal of its bytes', async () => {
    card('c.MP4', null);
    vault('clip c');
    const v = view([planted('c.MP4', 'clip c')], []);
    assert.deepEqual(invariants(await checkUnsealedDelete(v)), ['unsealed-delete']);
    assert.deepEqual(await checkLost(v), [], 'its bytes are in the vault, so nothing is lost');
  });

  it('tells a namesake with other bytes from the recording it replaced', async () => {
    card('d.MP4', 'new bytes, same name');
    vault('old bytes');
    const v = view(
      [planted('d.MP4', 'old bytes'), planted('d.MP4', 'new bytes, same name')],
      [seal('d.MP4', 'old bytes')],
    );
    assert.deepEqual(await checkLost(v), [], 'the old one is in the vault, the new one on the card');
    assert.deepEqual(await checkUnsealedDelete(v), []);
    const complete = await checkComplete(v);
    assert.equal(complete.length, 1);
    assert.match(complete[0]?.detail ?? '', /d\.MP4 .* is not sealed/);
  });

  it('finds one recording sealed twice', () => {
    const s = seal('e.MP4', 'clip e');
    assert.deepEqual(invariants(checkSealedTwice(view([], [s], [s, s]))), ['sealed-twice']);
  });

  it('asks for an alert about a growing file only when it was sealed in a run that grew it', async () => {
    card('g.MP4', 'grown bytes');
    const growing: PlantedFile = { ...planted('g.MP4', 'grown bytes'), case: 'growing' };
    const v = view([growing], [seal('g.MP4', 'first bytes')]); // session 'x' started at 1
    const grew = (relPath: string, from: number, to: number) => [{ relPath, from, to }];
    assert.deepEqual(invariants(await checkFaultsFlagged(v, grew('g.MP4', 0, 10))), ['fault-flagged']);
    assert.deepEqual(await checkFaultsFlagged(v, grew('g.MP4', 100, 200)), [], 'grown in another run');
    assert.deepEqual(await checkFaultsFlagged(v, grew('h.MP4', 0, 10)), [], 'another file grew in that run');
  });
});
