import path from 'node:path';
import type { RawProblem } from './config-resolve.ts';
import type { DockConfig } from './dock-config.ts';

const KIB4 = 4096;

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function checkIngest(c: DockConfig, out: RawProblem[]): void {
  const { bufferBytes, checkpointBytes, writebackBytes } = c.ingest.tuning;
  const at = (k: string) => ['ingest', k];
  if (bufferBytes % KIB4 !== 0 || bufferBytes < 64 * 1024 || bufferBytes > 256 * 1024 * 1024)
    out.push({
      at: at('bufferBytes'),
      message: 'must be a multiple of 4 KiB between 64 KiB and 256 MiB',
      hint: "use for example '4 MiB'",
    });
  if (checkpointBytes < bufferBytes)
    out.push({
      at: at('checkpointBytes'),
      message: 'is smaller than bufferBytes',
      hint: 'use at least bufferBytes',
    });
  if (writebackBytes !== 0 && writebackBytes < bufferBytes)
    out.push({
      at: at('writebackBytes'),
      message: 'is smaller than bufferBytes',
      hint: 'use 0 (off) or at least bufferBytes',
    });
}

function checkPaths(c: DockConfig, out: RawProblem[]): void {
  const p = c.paths;
  if (inside(p.mountDir, p.vaultDir) || inside(p.vaultDir, p.mountDir))
    out.push({
      at: ['paths', 'mountDir'],
      message: 'overlaps the vault folder',
      hint: 'keep recorder mounts out of the vault, for example /run/recorder-dock/mnt',
    });
  if (p.stagingDir === p.quarantineDir)
    out.push({
      at: ['paths', 'quarantineDir'],
      message: 'is the same folder as stagingDir',
      hint: 'give failed copies their own folder',
    });
}

function checkTimezone(c: DockConfig, out: RawProblem[]): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: c.rules.timezone });
  } catch {
    out.push({
      at: ['rules', 'timezone'],
      message: `is not a time zone this system knows (${c.rules.timezone})`,
      hint: "use an IANA name such as 'Asia/Shanghai'",
    });
  }
}

function checkListen(c: DockConfig, out: RawProblem[]): void {
  const a = c.web.listen;
  const b = c.health.listen;
  if (a.port === b.port && (a.host === b.host || a.host === '0.0.0.0' || b.host === '0.0.0.0'))
    out.push({
      at: ['health', 'listen', 'port'],
      message: `is the web page's port too (${a.port})`,
      hint: 'give the web page and the health endpoints different ports',
    });
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** R11: the page carries personal data; beyond this machine it must be encrypted. */
function checkWebTls(c: DockConfig, out: RawProblem[]): void {
  if (c.web.tls === null && !LOOPBACK.test(c.web.listen.host))
    out.push({
      at: ['web', 'listen', 'host'],
      message: `makes the page reachable from the network (${c.web.listen.host}) without encryption`,
      hint: 'set web.tls.certFile and web.tls.keyFile, or listen on 127.0.0.1',
    });
}

/**
 * The site's fingerprint models: the schema (fingerprints.schema.json) checks their shape, so
 * what the fingerprint table adds when dockd loads them is that each serial pattern compiles.
 */
function checkFingerprints(c: DockConfig, out: RawProblem[]): void {
  const models = c.drivers.fingerprints.models ?? [];
  models.forEach((m, i) => {
    const pattern = m.match.serialPattern;
    if (pattern === undefined) return;
    try {
      new RegExp(pattern);
    } catch {
      out.push({
        at: ['drivers', 'fingerprints', 'models', i, 'match', 'serialPattern'],
        message: 'is not a valid regular expression',
        hint: "write a JavaScript regular expression such as '^ZFY[0-9]{7}$'",
      });
    }
  });
}

const CHECKS = [checkIngest, checkPaths, checkTimezone, checkListen, checkWebTls, checkFingerprints];

/**
 * Rules the schema cannot say: sizes that must fit together, overlapping folders, time zone,
 * ports, serial patterns. Runs on a document the schema may have refused: a check that trips over
 * a malformed value reports nothing, since the schema's own problem covers it.
 */
export function semanticProblems(config: DockConfig): RawProblem[] {
  const out: RawProblem[] = [];
  for (const check of CHECKS) {
    const found: RawProblem[] = [];
    try {
      check(config, found);
    } catch {
      continue;
    }
    out.push(...found);
  }
  return out;
}
