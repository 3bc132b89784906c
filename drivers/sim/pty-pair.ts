import { spawn as nodeSpawn } from 'node:child_process';
import type { ChildProcessLike, SpawnFn } from '../contract/ports.ts';
import { ToolMissingError } from '../errors.ts';

/** Two connected pseudo-terminals: the host's end (the recorder's /dev/ttyACM stand-in) and the device's. */
export interface PtyPair {
  readonly hostPath: string;
  readonly devicePath: string;
  /** Stop socat: both ends hang up, as when the recorder is unplugged. */
  close(): Promise<void>;
}

/**
 * Start `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and wait until it reports both pty paths and
 * its transfer loop. Rejects with ToolMissingError when socat is not installed.
 */
export function openPtyPair(spawn: SpawnFn = nodeSpawn, timeoutMs = 5000): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`socat did not set up a pty pair within ${timeoutMs} ms: ${text.trim()}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new ToolMissingError('socat') : err);
    });
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const ptys = [...text.matchAll(/PTY is (\/dev\/\S+)/g)].map((m) => m[1] ?? '');
      if (ptys.length >= 2 && text.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve({ hostPath: ptys[0] ?? '', devicePath: ptys[1] ?? '', close: () => stopChild(child) });
      }
    });
  });
}

function stopChild(child: ChildProcessLike): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    child.on('close', () => {
      if (!done) {
        done = true;
        resolve();
      }
    });
    if (!child.kill('SIGTERM')) resolve();
    setTimeout(() => {
      if (!done) child.kill('SIGKILL');
    }, 2000).unref();
  });
}
