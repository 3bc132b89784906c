import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { NotAnExportPackageError } from './export-errors.ts';
import { hashStream, type PackageProblem, type PackageSource, readStreamLimited } from './package-source.ts';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** Why an entry name may not be used (zip-slip and friends), or null. */
function unsafeEntryName(name: string): string | null {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').includes('..')) return "climbs out with '..'";
  if (/\p{Cc}/u.test(name)) return 'contains control characters';
  return null;
}

function refused(name: string, why: string): PackageProblem {
  return { file: name, kind: 'malformed', detail: `zip entry ${why}: refused, nothing extracted (zip-slip)` };
}

/** Entries by full name; what is wrong with the others. */
async function listEntries(
  zip: ZipFile,
): Promise<{ entries: Map<string, Entry>; problems: PackageProblem[] }> {
  const entries = new Map<string, Entry>();
  const problems: PackageProblem[] = [];
  for await (const entry of zip.eachEntry()) {
    // decodeStrings is off so that yauzl does not abort on a hostile name: decode and judge here.
    const name = yauzl.getFileNameLowLevel(
      entry.generalPurposeBitFlag,
      entry.fileNameRaw,
      entry.extraFields,
      true,
    );
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    const unsafe = unsafeEntryName(name);
    if (unsafe) problems.push(refused(name, unsafe));
    else if (type === S_IFLNK) problems.push(refused(name, 'is a symbolic link'));
    else if (name.endsWith('/') || type === S_IFDIR) continue;
    else if (type !== 0 && type !== S_IFREG) problems.push(refused(name, 'is not a regular file'));
    else if (entry.isEncrypted())
      problems.push({ file: name, kind: 'malformed', detail: 'zip entry is encrypted' });
    else if (entries.has(name))
      problems.push({ file: name, kind: 'malformed', detail: 'zip entry appears twice' });
    else entries.set(name, entry);
  }
  return { entries, problems };
}

/** The package's top folder inside the zip ('' when the bag is at the root). */
function topFolder(file: string, names: Iterable<string>): string {
  const tops = new Set<string>();
  for (const n of names) {
    const m = /^(?:([^/]+)\/)?(?:bagit\.txt|manifest-sha256\.txt)$/.exec(n);
    if (m) tops.add(m[1] === undefined ? '' : `${m[1]}/`);
  }
  if (tops.size === 0)
    throw new NotAnExportPackageError(file, 'the zip holds no bagit.txt or manifest-sha256.txt');
  if (tops.size > 1) throw new NotAnExportPackageError(file, 'the zip holds more than one package');
  return [...tops][0] as string;
}

/**
 * A zipped package, read with yauzl straight from the zip: nothing is extracted. Entries with
 * absolute paths, '..', backslashes, or that are links are problems, never files.
 */
export async function openZipSource(file: string): Promise<PackageSource> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      strictFileNames: true,
      validateEntrySizes: true,
    });
  } catch (err) {
    throw new NotAnExportPackageError(file, 'not a readable zip file', err);
  }
  try {
    const { entries, problems } = await listEntries(zip);
    const top = topFolder(file, entries.keys());
    const files = new Map<string, { size: number }>();
    const byRel = new Map<string, Entry>();
    for (const [name, entry] of entries) {
      if (!name.startsWith(top)) {
        problems.push({
          file: name,
          kind: 'unexpected',
          detail: `zip entry is outside the package folder ${top}`,
        });
        continue;
      }
      files.set(name.slice(top.length), { size: entry.uncompressedSize });
      byRel.set(name.slice(top.length), entry);
    }
    const open = (rel: string) => {
      const entry = byRel.get(rel);
      if (!entry) throw new Error(`${rel} is not a file of the package`);
      return zip.openReadStreamPromise(entry);
    };
    return {
      files,
      problems,
      read: async (rel, maxBytes) => readStreamLimited(await open(rel), maxBytes, rel),
      hash: async (rel) => hashStream(await open(rel)),
      close: async () => zip.close(),
    };
  } catch (err) {
    zip.close();
    if (err instanceof NotAnExportPackageError) throw err;
    throw new NotAnExportPackageError(file, 'the zip cannot be read', err);
  }
}
