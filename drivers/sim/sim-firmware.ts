import iconv from 'iconv-lite';
import type { Now } from '../contract/ports.ts';
import { argsToZfy, Cmd, DeviceErr, hexArg, PROTOCOL_VERSION, zfyToArgs } from '../serial/commands.ts';
import { DEFAULT_DEVICE_UTC_OFFSET_MIN, formatDeviceTime, parseDeviceTime } from '../serial/device-time.ts';
import { decodeLine, encodeFrame, type Frame } from '../serial/frame.ts';
import { LineAssembler } from '../serial/line-assembler.ts';
import type { SerialLink } from '../serial/serial-link.ts';
import type { SimDeviceModel } from './device-model.ts';

/** Misbehaviour the firmware can be told to show, to test the host's tolerance. */
export interface FirmwareFaults {
  /** Lines sent when the port opens (boot chatter). */
  banner?: string[];
  /** Ignore the next N requests entirely (the host must retry). */
  dropNext?: number;
  /** Answer the next N requests with a broken checksum. */
  corruptNext?: number;
  /** Answer the next N requests with ER,BUSY. */
  busyNext?: number;
  /** Put garbage without a newline in front of every answer. */
  noisePrefix?: boolean;
  /** Send an unsolicited event line and a log line before every answer. */
  unsolicited?: boolean;
  /** Echo every received line back, as a tty with echo on would. */
  echo?: boolean;
  /** Delay every answer. */
  delayMs?: number;
}

/**
 * The simulated recorder firmware on the device end of the command channel (a pty in
 * integration tests, a memory link in unit tests). It speaks drivers/serial/PROTOCOL.md over a
 * SimDeviceModel and can misbehave on request (FirmwareFaults).
 */
export class SimFirmware {
  readonly faults: FirmwareFaults;
  /** Requests received, in order (command names). */
  readonly received: string[] = [];
  private readonly lines = new LineAssembler();
  private authed = false;
  private last: { seq: number; cmd: string; answer: Buffer } | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly link: SerialLink,
    private readonly model: SimDeviceModel,
    private readonly opts: {
      readonly now: Now;
      readonly utcOffsetMinutes?: number;
      readonly faults?: FirmwareFaults;
      /** Called after MSDC was answered: the recorder leaves the channel and becomes a disk. */
      readonly onMassStorage?: () => void;
    },
  ) {
    this.faults = { ...opts.faults };
    link.onData((chunk) => {
      for (const line of this.lines.push(chunk)) this.queue = this.queue.then(() => this.onLine(line));
    });
  }

  /** Send the banner, if any (the device "boots"). */
  async boot(): Promise<void> {
    for (const line of this.faults.banner ?? []) await this.link.write(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  private async onLine(line: string): Promise<void> {
    if (this.faults.echo) await this.link.write(Buffer.from(`${line}\n`, 'latin1'));
    const { frame } = decodeLine(line);
    if (!frame || frame.args[0] === 'OK' || frame.args[0] === 'ER') return;
    if (!this.model.present() || this.model.inMassStorage()) return;
    this.received.push(frame.cmd);
    if (this.faults.dropNext) {
      this.faults.dropNext -= 1;
      return;
    }
    let answer: Buffer;
    if (this.last && this.last.seq === frame.seq && this.last.cmd === frame.cmd) {
      answer = this.last.answer; // a retry: answer again, do not act twice
    } else if (this.faults.busyNext) {
      this.faults.busyNext -= 1;
      answer = encodeFrame({ seq: frame.seq, cmd: frame.cmd, args: ['ER', DeviceErr.busy] });
    } else {
      answer = encodeFrame({ seq: frame.seq, cmd: frame.cmd, args: this.execute(frame) });
      this.last = { seq: frame.seq, cmd: frame.cmd, answer };
    }
    await this.send(answer);
    if (frame.cmd === Cmd.massStorage && answer.includes(',OK')) {
      this.model.enterMassStorage();
      this.opts.onMassStorage?.();
    }
  }

  private async send(answer: Buffer): Promise<void> {
    if (this.faults.delayMs) await new Promise((r) => setTimeout(r, this.faults.delayMs));
    if (this.faults.unsolicited) {
      await this.link.write(Buffer.from('#LOG rec=idle bat=ok\r\n', 'latin1'));
      await this.link.write(encodeFrame({ seq: 0, cmd: 'EVT', args: ['LOWBAT'] }));
    }
    let out = answer;
    if (this.faults.corruptNext) {
      this.faults.corruptNext -= 1;
      out = Buffer.from(
        answer
          .toString('latin1')
          .replace(/\*([0-9A-F]{4})/, (_, c: string) => `*${c === '0000' ? '0001' : '0000'}`),
        'latin1',
      );
    }
    if (this.faults.noisePrefix) out = Buffer.concat([Buffer.from([0xff, 0x00, 0x24, 0x7e, 0x13]), out]);
    await this.link.write(out).catch(() => undefined);
  }

  private execute(frame: Frame): string[] {
    const args = frame.args;
    if (frame.cmd === Cmd.hello) {
      this.authed = args[0] === hexArg(iconv.encode(this.model.password(), 'gbk'));
      return this.authed ? ['OK', PROTOCOL_VERSION] : ['ER', DeviceErr.auth];
    }
    if (!this.authed) return ['ER', DeviceErr.noAuth];
    return this.command(frame.cmd, args);
  }

  private command(cmd: string, args: readonly string[]): string[] {
    const m = this.model;
    const offset = this.opts.utcOffsetMinutes ?? DEFAULT_DEVICE_UTC_OFFSET_MIN;
    switch (cmd) {
      case Cmd.idCode:
        return ['OK', hexArg(Buffer.from(m.idCode(), 'latin1'))];
      case Cmd.info:
        return ['OK', ...zfyToArgs(m.identityRaw())];
      case Cmd.writeInfo: {
        const raw = argsToZfy(args);
        if (!raw) return ['ER', DeviceErr.badArg];
        m.writeIdentityRaw(raw);
        return ['OK'];
      }
      case Cmd.time:
        return ['OK', formatDeviceTime(new Date(this.opts.now().getTime() + m.skewMs()), offset)];
      case Cmd.setTime: {
        const t = parseDeviceTime(args[0] ?? '', offset);
        if (!t) return ['ER', DeviceErr.badArg];
        m.setSkewMs(t.getTime() - this.opts.now().getTime());
        return ['OK'];
      }
      case Cmd.battery:
        return ['OK', String(m.battery())];
      case Cmd.storage:
        return ['OK', String(m.storage().freeBytes), String(m.storage().totalBytes)];
      case Cmd.resolution:
        return ['OK', String(m.resolution().width), String(m.resolution().height)];
      case Cmd.massStorage:
        return ['OK'];
      default:
        return ['ER', DeviceErr.badCmd];
    }
  }
}
