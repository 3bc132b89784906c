import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from './invariants.ts';
import type { LedgerFacts } from './ledger-facts.ts';
import type { PlantedFile, PlantedWorld } from './planting.ts';

/** The bytes a planted recording must be kept as: its grown form once it grew. */
export interface Recording {
  readonly file: PlantedFile;
  readonly sha256: string;
  readonly size: number;
  /** Where it sits on the card. */
  readonly cardPath: string;
}

/** Digests of files, read once per check. */
export class DigestCache {
  private readonly known = new Map<string, string | null>();

  /** The SHA-256 of a file, or null when it is not there. */
  async of(file: string): Promise<string | null> {
    if (!this.known.has(file)) {
      const bytes = await readFile(file).catch(() => null);
      this.known.set(file, bytes ? createHash('sha256').update(bytes).digest('hex') : null);
    }
    return this.known.get(file) ?? null;
  }
}

/** Everything the custody checks look at. */
export interface CustodyView {
  readonly world: PlantedWorld;
  readonly facts: LedgerFacts;
  readonly vaultDir: string;
  readonly digests: DigestCache;
}

/** The recordings of a world, each as the bytes that must survive. */
export function recordings(world: PlantedWorld): Recording[] {
  return world.files.map((file) => {
    const dir = world.recorders[file.slot]?.dir as string;
    const grown = file.grown && existsSync(file.grown.marker) ? file.grown : null;
    return {
      file,
      sha256: grown?.sha256 ?? file.sha256,
      size: grown?.size ?? file.size,
      cardPath: path.join(dir, 'volume', file.relPath),
    };
  });
}

function name(r: Recording): string {
  return `${r.file.serial} ${r.file.relPath} (${r.file.case}, docking ${r.file.docking}, ${r.sha256.slice(0, 12)})`;
}

async function inVault(v: CustodyView, sha256: string): Promise<boolean> {
  return (await v.digests.of(path.join(v.vaultDir, 'sha256', sha256.slice(0, 2), sha256))) === sha256;
}

async function onCard(v: CustodyView, r: Recording): Promise<boolean> {
  return (await v.digests.of(r.cardPath)) === r.sha256;
}

function sealOf(v: CustodyView, r: Recording) {
  return v.facts.seals.find(
    (s) => s.serial === r.file.serial && s.sourcePath === r.file.relPath && s.sha256 === r.sha256,
  );
}

/** lost: in the vault under its digest, or on the recorder untouched. */
export async function checkLost(v: CustodyView): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const r of recordings(v.world)) {
    if ((await inVault(v, r.sha256)) || (await onCard(v, r))) continue;
    const now = await v.digests.of(r.cardPath);
    out.push({
      invariant: 'lost',
      detail: `${name(r)} is lost: not in the vault and ${now === null ? 'gone from the recorder' : `the recorder now holds other bytes there (${now.slice(0, 12)})`}`,
    });
  }
  return out;
}

/** unsealed-delete: whatever left a card had a seal of the same bytes at the same path. */
export async function checkUnsealedDelete(v: CustodyView): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const r of recordings(v.world)) {
    if ((await onCard(v, r)) || sealOf(v, r)) continue;
    const there = v.facts.seals.filter((s) => s.serial === r.file.serial && s.sourcePath === r.file.relPath);
    out.push({
      invariant: 'unsealed-delete',
      detail: `${name(r)} was deleted from the recorder without a seal of its bytes (seals at that path: ${there.map((s) => s.sha256.slice(0, 12)).join(', ') || 'none'})`,
    });
  }
  return out;
}

/** sealed-twice: one clip.sealed event per recorder and bytes. */
export function checkSealedTwice(v: CustodyView): Finding[] {
  const count = new Map<string, number[]>();
  for (const e of v.facts.sealEvents) {
    const key = `${e.serial} ${e.sha256}`;
    count.set(key, [...(count.get(key) ?? []), e.seq]);
  }
  return [...count.entries()]
    .filter(([, seqs]) => seqs.length > 1)
    .map(([key, seqs]) => ({
      invariant: 'sealed-twice' as const,
      detail: `${key.slice(0, 20)}… was sealed ${seqs.length} times (events ${seqs.join(', ')})`,
    }));
}

/** session-complete, the ledger's half: last sessions complete, every readable recording sealed. */
export async function checkComplete(v: CustodyView): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const rec of v.world.recorders) {
    const last = v.facts.sessions.filter((s) => s.serial === rec.serial).at(-1);
    const unreadable = v.world.files.some((f) => f.serial === rec.serial && f.expect === 'unreadable');
    const allowed = unreadable ? ['complete', 'partial'] : ['complete'];
    if (!last || !allowed.includes(last.outcome ?? 'open'))
      out.push({
        invariant: 'session-complete',
        detail: `the last session of ${rec.serial} after the re-dock is ${last?.outcome ?? (last ? 'still open' : 'missing')}, not ${allowed.join(' or ')}${unreadable ? ' (it holds an unreadable file)' : ''}`,
      });
  }
  for (const r of recordings(v.world)) {
    if (r.file.expect !== 'sealed') continue;
    if (sealOf(v, r) && (await inVault(v, r.sha256))) continue;
    out.push({
      invariant: 'session-complete',
      detail: `${name(r)} is not sealed after the re-dock${sealOf(v, r) ? ' (its seal is there, its vault file is not)' : ''}`,
    });
  }
  return out;
}

/** Alerts that name a file for another reason than a fault of the file itself. */
const NOT_ABOUT_THE_FILE = new Set(['recording-gap', 'late-clip']);

function alerted(v: CustodyView, relPath: string): boolean {
  const base = path.basename(relPath);
  return v.facts.alerts.some(
    (a) => !NOT_ABOUT_THE_FILE.has(a.kind) && (a.subject.includes(base) || (a.detail ?? '').includes(base)),
  );
}

/** When the trial grew the growing file under a copy: the runs' windows (ms since the epoch). */
export type GrowthWindows = readonly {
  readonly relPath: string;
  readonly from: number;
  readonly to: number;
}[];

/** A seal of this file made in a run that grew it under its copy: the dock saw it change. */
function sealedWhileGrowing(v: CustodyView, f: PlantedFile, growth: GrowthWindows): boolean {
  const started = new Map(v.facts.sessions.map((s) => [s.id, s.startedAt]));
  return v.facts.seals.some((s) => {
    const at = started.get(s.sessionId) ?? -1;
    return (
      s.serial === f.serial &&
      s.sourcePath === f.relPath &&
      growth.some((w) => w.relPath === f.relPath && at >= w.from && at <= w.to)
    );
  });
}

/**
 * fault-flagged: faults the equipment manager must see are alerts naming the file: an unreadable
 * file, a truncated one (also flagged `damaged` and kept on the recorder), and a file the dock
 * sealed in a run where it grew under the copy.
 */
export async function checkFaultsFlagged(v: CustodyView, growth: GrowthWindows): Promise<Finding[]> {
  const out: Finding[] = [];
  const flag = (f: PlantedFile, what: string) =>
    out.push({ invariant: 'fault-flagged', detail: `${f.serial} ${f.relPath} (${f.case}): ${what}` });
  for (const r of recordings(v.world)) {
    const f = r.file;
    const grew = f.case === 'growing' && sealedWhileGrowing(v, f, growth);
    if ((f.case === 'unreadable' || f.case === 'truncated' || grew) && !alerted(v, f.relPath))
      flag(f, grew ? 'it grew while it was copied and no alert names it' : 'no alert names it');
    if (f.case !== 'truncated') continue;
    if (!(sealOf(v, r)?.flags ?? []).includes('damaged')) flag(f, "its seal has no 'damaged' flag");
    if (!(await onCard(v, r)))
      flag(f, 'it was deleted from the recorder before the equipment manager saw it');
  }
  return out;
}
