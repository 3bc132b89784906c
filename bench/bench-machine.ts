import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The machine a benchmark ran on, written beside every figure so that figures from different
 * machines are never mixed: above all whether SHA-256 has hardware help (SHA-NI on x86, the
 * `sha2` feature on ARM), which changes the hash's cost about fivefold.
 */
export interface BenchMachine {
  readonly cpu: string;
  readonly cores: number;
  /** x86 `sha_ni` or ARM `sha2` in /proc/cpuinfo's flags. */
  readonly shaNi: boolean;
  readonly memGiB: number;
  readonly kernel: string;
  readonly node: string;
  /** File system type of the directory the bench wrote to. */
  readonly fs: string;
  /** 1-minute load average when the bench started (the machine is shared: > 1.5 is not quiet). */
  readonly load1AtStart: number;
  readonly date: string;
}

/** Describe this machine; `dir` is where the bench writes its files. */
export function benchMachine(dir: string): BenchMachine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    shaNi: flags.includes('sha_ni') || flags.includes('sha2'),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    fs: execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim(),
    load1AtStart: os.loadavg()[0] as number,
    date: new Date().toISOString(),
  };
}

/** One line naming the machine, for the printed tables. */
export function machineLine(m: BenchMachine): string {
  return `${m.cpu}, ${m.cores} cores, SHA-NI ${m.shaNi ? 'yes' : 'no'}, ${m.fs}, load ${m.load1AtStart.toFixed(1)} at start, ${m.date}`;
}

/** Bytes of `file` in the page cache, by fincore; null when fincore is missing. */
export function cachedBytes(file: string): number | null {
  try {
    const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], {
      encoding: 'utf8',
    });
    return Number(out.trim());
  } catch {
    return null;
  }
}

/** Items in random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
