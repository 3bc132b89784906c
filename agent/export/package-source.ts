import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** One thing wrong with a package, naming the file (package-relative) and what is wrong. */
export interface PackageProblem {
  readonly file: string;
  readonly kind: 'missing' | 'mismatch' | 'size' | 'unexpected' | 'malformed' | 'signature';
  readonly detail: string;
}

/** A package's files, read without extracting anything: a folder or a zip. */
export interface PackageSource {
  /** Regular files by package-relative path ('/'-separated), with their sizes. */
  readonly files: ReadonlyMap<string, { readonly size: number }>;
  /** What listing found wrong: links, special files, zip-slip entries, duplicates. */
  readonly problems: readonly PackageProblem[];
  /** A whole (small) file; throws when it is larger than `maxBytes`. */
  read(rel: string, maxBytes: number): Promise<Buffer>;
  /** SHA-256 and length of a file's bytes, streamed. */
  hash(rel: string): Promise<{ sha256: string; bytes: number }>;
  close(): Promise<void>;
}

/** SHA-256 and length of a stream's bytes. */
export async function hashStream(input: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Collect a stream into one buffer, refusing more than `maxBytes`. */
export async function readStreamLimited(input: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      input.destroy();
      throw new Error(`${what} is larger than ${maxBytes} bytes`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function walk(
  root: string,
  rel: string,
  files: Map<string, { size: number }>,
  problems: PackageProblem[],
): Promise<void> {
  for (const e of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(root, r, files, problems);
    else if (e.isFile()) files.set(r, { size: (await fsp.lstat(path.join(root, r))).size });
    else if (e.isSymbolicLink())
      problems.push({
        file: r,
        kind: 'unexpected',
        detail: 'is a symbolic link; a package holds only regular files',
      });
    else problems.push({ file: r, kind: 'unexpected', detail: 'is not a regular file' });
  }
}

/** A package folder. Links are reported, never followed. */
export async function openFolderSource(root: string): Promise<PackageSource> {
  const files = new Map<string, { size: number }>();
  const problems: PackageProblem[] = [];
  await walk(root, '', files, problems);
  const open = (rel: string) => {
    if (!files.has(rel)) throw new Error(`${rel} is not a file of the package`);
    return fsp.open(path.join(root, ...rel.split('/')), constants.O_RDONLY | constants.O_NOFOLLOW);
  };
  return {
    files,
    problems,
    async read(rel, maxBytes) {
      const handle = await open(rel);
      try {
        return await readStreamLimited(handle.createReadStream({ autoClose: false }), maxBytes, rel);
      } finally {
        await handle.close();
      }
    },
    async hash(rel) {
      const handle = await open(rel);
      try {
        return await hashStream(handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }));
      } finally {
        await handle.close();
      }
    },
    async close() {},
  };
}
