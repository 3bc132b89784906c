import { spawn as nodeSpawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { SkipReason, SpawnFn } from '../contract/ports.ts';
import { runCommand } from '../process/run-command.ts';

/** A hostile entry planted on a simulated volume, and the reason the walk must give for it. */
export interface HostileEntry {
  /** Relative path as the walk reports it (control characters escaped). */
  readonly shown: string;
  readonly reason: SkipReason;
}

/** What the hostile volume planted, and what must be closed afterwards. */
export interface HostileVolume {
  readonly entries: readonly HostileEntry[];
  close(): Promise<void>;
}

const DIR = 'DCIM/100MEDIA';

async function plantLinks(root: string, outsideFile: string, outsideDir: string): Promise<HostileEntry[]> {
  const depth = '../'.repeat(12);
  await symlink(outsideFile, path.join(root, DIR, 'LINK_0901.MP4'));
  await symlink(`${depth}${outsideFile.replace(/^\//, '')}`, path.join(root, DIR, 'DOTDOT_0902.MP4'));
  await symlink(outsideDir, path.join(root, 'DCIM', 'ESCAPE'));
  await symlink('../..', path.join(root, DIR, 'UP'));
  return [
    { shown: `${DIR}/LINK_0901.MP4`, reason: 'symlink' },
    { shown: `${DIR}/DOTDOT_0902.MP4`, reason: 'symlink' },
    { shown: 'DCIM/ESCAPE', reason: 'symlink' },
    { shown: `${DIR}/UP`, reason: 'symlink' },
  ];
}

async function plantNames(root: string): Promise<HostileEntry[]> {
  const dir = Buffer.from(path.join(root, DIR));
  const bad = Buffer.concat([dir, Buffer.from('/BAD_'), Buffer.from([0xff, 0xfe]), Buffer.from('.MP4')]);
  await writeFile(bad, 'not utf-8');
  await writeFile(path.join(root, DIR, '..\u0007BELL.MP4'), 'control');
  await writeFile(path.join(root, DIR, 'clip\u202e4PM.exe'), 'bidi override');
  await writeFile(path.join(root, DIR, 'NEWLINE\n.MP4'), 'newline');
  let deep = path.join(root, 'DCIM', 'D1');
  for (let i = 2; i <= 9; i++) deep = path.join(deep, `D${i}`);
  await mkdir(deep, { recursive: true });
  await writeFile(path.join(deep, 'DEEP_0903.MP4'), 'deep');
  return [
    { shown: `${DIR}/BAD_??.MP4`, reason: 'bad-encoding' },
    { shown: `${DIR}/..\\u0007BELL.MP4`, reason: 'unsafe-name' },
    { shown: `${DIR}/clip\\u202e4PM.exe`, reason: 'unsafe-name' },
    { shown: `${DIR}/NEWLINE\\u000a.MP4`, reason: 'unsafe-name' },
    { shown: 'DCIM/D1/D2/D3/D4/D5/D6', reason: 'too-deep' },
  ];
}

async function plantSpecial(
  root: string,
  spawn: SpawnFn,
): Promise<{ entries: HostileEntry[]; server: net.Server }> {
  const entries: HostileEntry[] = [];
  const fifo = await runCommand(spawn, 'mkfifo', [path.join(root, DIR, 'PIPE_0904.MP4')]);
  if (fifo.code === 0) entries.push({ shown: `${DIR}/PIPE_0904.MP4`, reason: 'fifo' });
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path.join(root, DIR, 'SOCK_0905.MP4'), () => resolve());
  });
  server.unref();
  entries.push({ shown: `${DIR}/SOCK_0905.MP4`, reason: 'socket' });
  // A character device (like /dev/null) only where we may create one (root).
  const dev = await runCommand(spawn, 'mknod', [path.join(root, DIR, 'NULL_0906.MP4'), 'c', '1', '3']).catch(
    () => null,
  );
  if (dev?.code === 0) entries.push({ shown: `${DIR}/NULL_0906.MP4`, reason: 'device-node' });
  return { entries, server };
}

/**
 * Plant hostile entries in a simulated volume: links pointing out of it (absolute, `../…`,
 * directory links), names with control characters, bidi overrides and invalid UTF-8, a folder
 * nest deeper than the walk allows, a FIFO, a socket, and (as root) a device node. The outside
 * targets are given by the caller so a test can prove they are never read.
 */
export async function plantHostileEntries(
  root: string,
  outside: { readonly file: string; readonly dir: string },
  spawn: SpawnFn = nodeSpawn,
): Promise<HostileVolume> {
  await mkdir(path.join(root, DIR), { recursive: true });
  const links = await plantLinks(root, outside.file, outside.dir);
  const names = await plantNames(root);
  const special = await plantSpecial(root, spawn);
  return {
    entries: [...links, ...names, ...special.entries],
    close: () => new Promise((resolve) => special.server.close(() => resolve())),
  };
}
