import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

/** Wall and CPU seconds of one measured step. */
export interface Timing {
  readonly wallS: number;
  readonly cpuS: number;
}

/** Run a command under /usr/bin/time and return its wall and CPU seconds; stdout is discarded. */
export function timeCommand(argv: readonly string[]): Timing {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  const last = result.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, user, sys] = last.split(' ').map(Number);
  return { wallS: wall as number, cpuS: (user as number) + (sys as number) };
}

/** Time a shell pipeline of several commands run one after another (each under /usr/bin/time). */
export function timeSteps(steps: readonly (readonly string[])[]): Timing {
  let wallS = 0;
  let cpuS = 0;
  for (const step of steps) {
    const t = timeCommand(step);
    wallS += t.wallS;
    cpuS += t.cpuS;
  }
  return { wallS, cpuS };
}

/** `openssl dgst -sha256` of files already in the page cache: the hash limit of this machine. */
export function opensslHot(files: readonly string[]): Timing {
  return timeCommand(['openssl', 'dgst', '-sha256', ...files]);
}

/**
 * The copy half of the work alone: a new file written and made durable, nothing hashed. `dd`
 * with `conv=fsync`, through the page cache or with `oflag=direct`.
 */
export async function ddCopy(file: string, dest: string, direct: boolean): Promise<Timing> {
  const argv = ['dd', `if=${file}`, `of=${dest}`, 'bs=4M', 'conv=fsync', 'status=none'];
  const t = timeCommand(direct ? [...argv, 'oflag=direct'] : argv);
  await fsp.rm(dest, { force: true });
  return t;
}

/** The copy half with everyday tools: `cp` the files, then `sync`. */
export async function cpSync(files: readonly string[], destDir: string): Promise<Timing> {
  await fsp.mkdir(destDir, { recursive: true });
  const t = timeSteps([['cp', ...files, destDir], ['sync']]);
  await fsp.rm(destDir, { recursive: true, force: true });
  return t;
}

/** The two-pass peer: `cp` the files, `sync`, then `openssl dgst -sha256` the copies. */
export async function cpSyncOpenssl(files: readonly string[], destDir: string): Promise<Timing> {
  await fsp.mkdir(destDir, { recursive: true });
  const copies = files.map((f) => path.join(destDir, path.basename(f)));
  const t = timeSteps([['cp', ...files, destDir], ['sync'], ['openssl', 'dgst', '-sha256', ...copies]]);
  await fsp.rm(destDir, { recursive: true, force: true });
  return t;
}

/** `dcfldd hash=sha256` copying the file, then `sync`. */
export async function dcflddCopy(file: string, dest: string): Promise<Timing> {
  const t = timeSteps([
    ['dcfldd', `if=${file}`, `of=${dest}`, 'hash=sha256', 'bs=4M', 'status=off'],
    ['sync'],
  ]);
  await fsp.rm(dest, { force: true });
  return t;
}

/**
 * The disk's limit for a set copied with verify, the dock's way but without hashing: each file is
 * written with `dd oflag=direct conv=fsync` while the copy before it is read back with `dd
 * iflag=direct` (the verify's read overlapping the next copy). Wall seconds for the whole set.
 * A set ingest cannot beat this on the same disk, whatever the CPU does.
 */
export async function setDiskLimit(files: readonly string[], destDir: string): Promise<number> {
  await fsp.mkdir(destDir, { recursive: true });
  const run = promisify(execFile);
  const copies = files.map((_, i) => path.join(destDir, `copy-${i}`));
  const t0 = performance.now();
  for (let i = 0; i <= files.length; i++) {
    const steps: Promise<unknown>[] = [];
    if (i < files.length)
      steps.push(
        run('dd', [
          `if=${files[i]}`,
          `of=${copies[i]}`,
          'bs=4M',
          'oflag=direct',
          'conv=fsync',
          'status=none',
        ]),
      );
    if (i > 0)
      steps.push(run('dd', [`if=${copies[i - 1]}`, 'of=/dev/null', 'bs=4M', 'iflag=direct', 'status=none']));
    await Promise.all(steps);
  }
  const wallS = (performance.now() - t0) / 1000;
  await fsp.rm(destDir, { recursive: true, force: true });
  return wallS;
}

/** The naive Node way: stream.pipeline(createReadStream, hashing Transform, createWriteStream) + fsync. */
export async function naivePipeline(file: string, dest: string): Promise<Timing & { sha256: string }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(file), tap, createWriteStream(dest));
  const handle = await fsp.open(dest, 'r');
  await handle.sync();
  await handle.close();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await fsp.rm(dest, { force: true });
  return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, sha256: hash.digest('hex') };
}

/** Write `bytes` of incompressible data to `file` quickly (a random block, varied per block). */
export async function generateFile(file: string, bytes: number): Promise<void> {
  const block = Buffer.from(createHash('sha512').update(file).digest());
  const chunk = Buffer.allocUnsafe(16 << 20);
  for (let i = 0; i < chunk.length; i += block.length) block.copy(chunk, i);
  const handle = await fsp.open(file, 'w');
  try {
    for (let written = 0, n = 0; written < bytes; n++) {
      chunk.writeUInt32LE(n, 0);
      const len = Math.min(chunk.length, bytes - written);
      await handle.write(chunk, 0, len, written);
      written += len;
    }
  } finally {
    await handle.close();
  }
  execFileSync('sync');
}
