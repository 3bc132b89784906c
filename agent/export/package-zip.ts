import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { PassThrough } from 'node:stream';
import { ZipFile } from 'yazl';

/** Files of a package folder, relative with '/', regular files only, sorted. */
function packageFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...packageFiles(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Video is already compressed: store it. Text and small metadata are deflated. */
function isPayloadMedia(rel: string): boolean {
  return rel.startsWith('data/clips/');
}

/**
 * The package folder `dir` as a zip stream (yazl), every entry below a top folder named after the
 * folder (the export id): clips stored, the other files deflated. Errors end the stream with an
 * 'error' event.
 */
export function zipExportPackage(dir: string): NodeJS.ReadableStream {
  const zip = new ZipFile();
  const output = zip.outputStream as PassThrough;
  zip.on('error', (err: Error) => output.destroy(err));
  const top = path.basename(path.resolve(dir));
  try {
    for (const rel of packageFiles(dir)) {
      const abs = path.join(dir, ...rel.split('/'));
      zip.addFile(abs, `${top}/${rel}`, { compress: !isPayloadMedia(rel), mode: 0o100644 });
    }
    zip.end();
  } catch (err) {
    process.nextTick(() => output.destroy(err as Error));
  }
  return output;
}
