import { DEVICE_ACTIONS, type RawDeviceEvent } from './event-source.ts';

/** Longest line kept; udev property lines are far shorter, anything longer is noise. */
const MAX_LINE = 4096;
/** Most properties kept per event. */
const MAX_PROPS = 256;

function toEvent(props: Map<string, string>): RawDeviceEvent | null {
  const action = props.get('ACTION') ?? 'add';
  const devpath = props.get('DEVPATH');
  const subsystem = props.get('SUBSYSTEM');
  if (!devpath || !subsystem || !DEVICE_ACTIONS.has(action)) return null;
  return {
    action: action as RawDeviceEvent['action'],
    devpath,
    subsystem,
    devtype: props.get('DEVTYPE') ?? null,
    props,
  };
}

/**
 * Incremental parser for `udevadm monitor --udev --property`: feed it chunks as they arrive
 * (lines may be split anywhere); complete events come out when their blank line is seen. The
 * banner, `KERNEL[…]` blocks and malformed lines are skipped.
 */
export class UdevMonitorParser {
  private pending = '';
  private props: Map<string, string> | null = null;
  private fromKernel = false;

  /** Parse one chunk; returns the events it completed. */
  push(chunk: string): RawDeviceEvent[] {
    this.pending += chunk;
    const out: RawDeviceEvent[] = [];
    let nl = this.pending.indexOf('\n');
    while (nl >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.line(line, out);
      nl = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_LINE) this.pending = '';
    return out;
  }

  /** Flush a final event that lacked its blank line (the monitor exited). */
  end(): RawDeviceEvent[] {
    const out: RawDeviceEvent[] = [];
    if (this.pending) this.line(this.pending, out);
    this.pending = '';
    this.flush(out);
    return out;
  }

  private line(line: string, out: RawDeviceEvent[]): void {
    if (line.length > MAX_LINE) return;
    if (line.trim() === '') {
      this.flush(out);
      return;
    }
    if (/^(UDEV|KERNEL)\s*\[/.test(line)) {
      this.flush(out);
      this.props = new Map();
      this.fromKernel = line.startsWith('KERNEL');
      return;
    }
    const eq = line.indexOf('=');
    if (this.props === null || eq <= 0 || this.props.size >= MAX_PROPS) return;
    const key = line.slice(0, eq);
    if (/^[A-Z0-9_.]+$/.test(key)) this.props.set(key, line.slice(eq + 1));
  }

  private flush(out: RawDeviceEvent[]): void {
    if (this.props && !this.fromKernel) {
      const ev = toEvent(this.props);
      if (ev) out.push(ev);
    }
    this.props = null;
  }
}

/** Parse a whole `udevadm monitor --property` capture (fixtures). */
export function parseUdevMonitorText(text: string): RawDeviceEvent[] {
  const parser = new UdevMonitorParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * Parse `udevadm info --export-db` into 'add' events: the devices already present when the
 * watcher starts (the monitor only reports changes).
 */
export function parseUdevExportDb(text: string): RawDeviceEvent[] {
  const out: RawDeviceEvent[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const props = new Map<string, string>();
    for (const raw of block.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line.startsWith('E: ') || line.length > MAX_LINE || props.size >= MAX_PROPS) continue;
      const eq = line.indexOf('=', 3);
      if (eq > 3) props.set(line.slice(3, eq), line.slice(eq + 1));
    }
    props.set('ACTION', 'add');
    const ev = toEvent(props);
    if (ev) out.push(ev);
  }
  return out;
}

/** Decode udev's `\xNN` escapes (ID_VENDOR_ENC, ID_MODEL_ENC) into text. */
export function decodeUdevEnc(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const m = /^\\x([0-9a-fA-F]{2})/.exec(value.slice(i, i + 4));
    if (m?.[1]) {
      bytes.push(Number.parseInt(m[1], 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').trim();
}
