import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { errnoCode } from '../../errors.ts';
import { fileStates } from '../purge-queries.ts';
import { isSha256Hex } from '../vault-path.ts';
import { short } from './verify-chain.ts';
import type { FindingCollector, VerifyProgress } from './verify-report.ts';

/** Folders of the vault that hold work in progress or purged files in their grace period. */
const IGNORED = new Set(['.staging', '.quarantine', '.recoverable']);

/** Sealed files deliberately absent from the vault: purged (or in the recoverable area) and evicted. */
export interface AbsentFiles {
  readonly purged: number;
  readonly recoverable: number;
  readonly evicted: number;
}

/** What `checkVault` looked at. */
export interface VaultCheck {
  readonly hashed: number;
  readonly absent: AbsentFiles;
}

/** The lifecycle's state of each deliberately absent file (none before schema 8). */
function absentStates(db: Database): Map<string, 'purged' | 'recoverable' | 'evicted'> {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'purges'").get();
  return has ? fileStates(db) : new Map();
}

async function inRecoverableArea(vaultDir: string, sha256: string): Promise<boolean> {
  for (const purgeId of await entries(path.join(vaultDir, '.recoverable'))) {
    try {
      await fsp.access(path.join(vaultDir, '.recoverable', purgeId, sha256));
      return true;
    } catch {
      // not in this purge's folder
    }
  }
  return false;
}

interface VaultFile {
  readonly file: string;
  readonly name: string;
  readonly size: number;
}

/** SHA-256 of a file's content, hex. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

/** List the sealed-file area, reporting anything that does not fit the layout `sha256/xx/<digest>`. */
async function listVault(vaultDir: string, findings: FindingCollector): Promise<VaultFile[]> {
  const files: VaultFile[] = [];
  for (const top of await entries(vaultDir)) {
    if (IGNORED.has(top)) continue;
    if (top !== 'sha256') {
      findings.add(
        null,
        'vault-unexpected',
        `the vault holds ${path.join(vaultDir, top)}, which is not part of its layout`,
        path.join(vaultDir, top),
      );
      continue;
    }
    const root = path.join(vaultDir, top);
    for (const prefix of await entries(root)) {
      const dir = path.join(root, prefix);
      const st = await fsp.lstat(dir);
      if (!/^[0-9a-f]{2}$/.test(prefix) || !st.isDirectory()) {
        findings.add(
          null,
          'vault-unexpected',
          `the vault holds ${dir}, which is not part of its layout`,
          dir,
        );
        continue;
      }
      for (const name of await entries(dir)) {
        const file = path.join(dir, name);
        const fst = await fsp.lstat(file);
        if (!isSha256Hex(name) || !name.startsWith(prefix) || !fst.isFile()) {
          findings.add(
            null,
            'vault-unexpected',
            `the vault holds ${file}, which is not a sealed file in its layout`,
            file,
          );
          continue;
        }
        files.push({ file, name, size: fst.size });
      }
    }
  }
  return files;
}

/**
 * The copies the staging area's resume states say were published (digest → resume key: the
 * recorder's serial, path, size and time): a crash between a publish and its seal leaves one.
 */
async function publishedCopies(vaultDir: string): Promise<Map<string, string>> {
  const staging = path.join(vaultDir, '.staging');
  const out = new Map<string, string>();
  const names = await fsp.readdir(staging).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.state.json'))) {
    try {
      const state = JSON.parse(await fsp.readFile(path.join(staging, name), 'utf8')) as {
        resumeKey?: unknown;
        published?: { sha256?: unknown };
      };
      const sha = state.published?.sha256;
      if (typeof sha === 'string' && typeof state.resumeKey === 'string') out.set(sha, state.resumeKey);
    } catch (err) {
      // removed meanwhile, or not JSON: it explains nothing, and the finding keeps its plain message
      if (!(err instanceof SyntaxError) && errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  return out;
}

/**
 * Check the vault against the seals: every file hashes to its name and has a seal, and every
 * sealed digest has its file, unless the ledger says it was purged (or waits in the recoverable
 * area, where it must then be) or evicted with a verified off-site copy.
 */
export async function checkVault(
  db: Database,
  vaultDir: string,
  findings: FindingCollector,
  onProgress?: (p: VerifyProgress) => void,
): Promise<VaultCheck> {
  const files = await listVault(vaultDir, findings);
  const sealOf = db.prepare('SELECT min(seal_seq) AS seq, size FROM clips WHERE sha256 = ?');
  const total = files.reduce((n, f) => n + f.size, 0);
  const present = new Set<string>();
  let done = 0;
  let staged: Map<string, string> | null = null;
  for (const f of files) {
    present.add(f.name);
    const seal = sealOf.get(f.name) as { seq: number | null; size: number | null };
    const actual = await sha256OfFile(f.file);
    if (seal.seq === null) {
      staged ??= await publishedCopies(vaultDir);
      const origin = staged.get(f.name);
      findings.add(
        null,
        'vault-unsealed',
        origin === undefined
          ? `the vault file ${f.file} has no seal in the ledger: it was added outside the ledger`
          : `the vault file ${f.file} has no seal in the ledger yet: it was copied from ${origin} and published before a restart cut off its seal; the next dock of that recorder seals it from the staging area`,
        f.file,
      );
    } else if (actual !== f.name) {
      findings.add(
        seal.seq,
        'vault-mismatch',
        `the vault file ${f.file} no longer matches its seal (event ${seal.seq}): its content now hashes to ${short(actual)}, ${f.size} bytes (sealed: ${seal.size} bytes)`,
        f.file,
      );
    }
    done += f.size;
    onProgress?.({ stage: 'vault', done, total });
  }
  const states = absentStates(db);
  const absent = { purged: 0, recoverable: 0, evicted: 0 };
  const toFind: { sha256: string; seq: number }[] = [];
  const sealed = db.prepare('SELECT sha256, min(seal_seq) AS seq FROM clips GROUP BY sha256');
  for (const row of sealed.iterate() as Iterable<{ sha256: string; seq: number }>) {
    if (present.has(row.sha256)) continue;
    const state = states.get(row.sha256);
    if (state === 'purged' || state === 'evicted') absent[state]++;
    else if (state === 'recoverable') toFind.push(row);
    else
      findings.add(
        row.seq,
        'vault-missing',
        `the sealed file ${short(row.sha256)} (event ${row.seq}) is missing from the vault`,
        short(row.sha256),
      );
  }
  for (const row of toFind) {
    if (await inRecoverableArea(vaultDir, row.sha256)) absent.recoverable++;
    else
      findings.add(
        row.seq,
        'vault-missing',
        `the purged file ${short(row.sha256)} (event ${row.seq}) is missing from the recoverable area during its grace period`,
        short(row.sha256),
      );
  }
  return { hashed: files.length, absent };
}
