// Child process of the off-site bench: copies the files of a manifest to the store, either with the
// dock's copier as dockd runs it (its transfers on their own thread; every copy read back and hashed
// against its seal, locked until a retention end) or
// with the AWS SDK's own lib-storage Upload (no verification), and prints its own figures.
// Usage: offsite-copy-child.ts ours|peer MANIFEST.json ENDPOINT BUCKET PREFIX ACCESS_KEY SECRET_KEY
import { createReadStream, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { CopyLedger, CopyVerification, PendingCopy } from '../agent/offsite/copy-ledger.ts';
import { CopyWindows } from '../agent/offsite/copy-windows.ts';
import { offsiteS3Client } from '../agent/offsite/offsite-config.ts';
import { OffsiteCopier } from '../agent/offsite/offsite-copier.ts';
import { S3OffsiteStore } from '../agent/offsite/s3-store.ts';
import { transfersOnThread } from '../agent/offsite/transfer-thread.ts';
import { silentLogger } from '../agent/ops/logger.ts';
import { fixMallocMmapThreshold } from '../agent/os/malloc-tuning.ts';
import { favourMemoryOverSpeed } from '../agent/os/v8-memory.ts';
import { MainThreadSched } from './main-thread-sched.ts';

/** One file to copy. */
export interface ManifestEntry {
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

const args = process.argv.slice(2);
if (args.length !== 7 || args.some((a) => a === undefined))
  throw new Error(
    'usage: offsite-copy-child.ts ours|peer MANIFEST ENDPOINT BUCKET PREFIX ACCESS_KEY SECRET_KEY',
  );
const [mode, manifestFile, endpoint, bucket, prefix, accessKeyId, secretAccessKey] = args as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const files = JSON.parse(readFileSync(manifestFile, 'utf8')) as ManifestEntry[];
const creds = { accessKeyId, secretAccessKey };
const target = { endpoint, region: 'us-east-1', forcePathStyle: true, timeoutMs: 60_000 };
const client = offsiteS3Client(target, creds);

/** The dock's copier over an in-memory ledger of the manifest, its transfers on their own thread as in dockd. */
async function ours(): Promise<void> {
  const pending: PendingCopy[] = files.map((f) => ({
    sha256: f.sha256,
    size: f.size,
    file: f.file,
    retainUntil: new Date(Date.now() + 86_400_000),
    legalHold: false,
    sealedAt: new Date(),
    clipIds: [],
  }));
  const verified: CopyVerification[] = [];
  const ledger: CopyLedger = {
    pendingCopies: (_s, limit, skip) =>
      pending
        .filter((p) => !verified.some((v) => v.sha256 === p.sha256) && !skip.includes(p.sha256))
        .slice(0, limit),
    recordCopy: (v) => verified.push(v),
    recordProbe: () => {},
    copyBacklog: () => ({ clips: 0, bytes: 0, oldestSealedAt: null }),
    openAlert: (a) => {
      throw new Error(`alert ${a.kind}: ${a.detail}`);
    },
  };
  const store = new S3OffsiteStore({
    client,
    endpoint,
    bucket,
    prefix,
    lockMode: 'COMPLIANCE',
    timeoutMs: 60_000,
  });
  const workDir = await fsp.mkdtemp(path.join(path.dirname(manifestFile), 'copier-'));
  const copier = new OffsiteCopier({
    store,
    ledger,
    workDir,
    windows: new CopyWindows([], 'Asia/Shanghai'),
    bytesPerSecond: 0,
    multipartThreshold: 128 * 1024 * 1024,
    partSize: 16 * 1024 * 1024,
    partConcurrency: 2,
    probeEveryMs: 0,
    logger: silentLogger(),
    transfers: transfersOnThread(
      {
        type: 's3',
        endpoint,
        region: target.region,
        bucket,
        prefix,
        forcePathStyle: true,
        credentials: creds,
        objectLock: 'COMPLIANCE',
        timeoutMs: target.timeoutMs,
      },
      [],
      'Asia/Shanghai',
      silentLogger(),
    ),
  });
  await copier.drain();
  await copier.close();
  const bad = verified.filter((v) => v.result !== 'ok' || v.lockKept !== true);
  if (verified.length !== files.length || bad.length > 0)
    throw new Error(`${verified.length} of ${files.length} copies verified, ${bad.length} failed`);
}

/** lib-storage's Upload of each file, one after another, with its defaults and no verification. */
async function peer(): Promise<void> {
  for (const f of files) {
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: `${prefix}${path.basename(f.file)}`, Body: createReadStream(f.file) },
    });
    await upload.done();
  }
}

// As dockd's process is set up before its copier starts (agent/main.ts).
favourMemoryOverSpeed();
const malloc = fixMallocMmapThreshold();
if (!malloc.fixed) process.stderr.write(`malloc tuning not applied: ${malloc.why}\n`);
// Warm up first (the SDK loads parts of itself on its first request), as a running dockd would be.
await client.send(new HeadBucketCommand({ Bucket: bucket }));
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
const sched = new MainThreadSched();
sched.start();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await (mode === 'ours' ? ours() : peer());
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
eld.disable();
const split = sched.stop();
client.destroy();
// VmHWM, not getrusage's maxRSS: Linux carries ru_maxrss across fork and exec.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(
  `${JSON.stringify({
    bytes: files.reduce((n, f) => n + f.size, 0),
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    maxRssKiB: Number(hwm?.[1]),
    eventLoopP99Ms: eld.percentile(99) / 1e6,
    ...split,
  })}\n`,
);
