import { ProtocolError } from '../errors.ts';
import { fieldBytes } from '../ga-sdk/gbk-text.ts';
import { ZFY_FIELDS, type ZfyField, type ZfyInfoRaw } from '../ga-sdk/zfy-info.ts';

/** Protocol version answered to HELLO. */
export const PROTOCOL_VERSION = '1';

/** The commands of the channel (PROTOCOL.md lists arguments and answers). */
export const Cmd = {
  hello: 'HELLO',
  idCode: 'IDCODE',
  info: 'INFO',
  writeInfo: 'WINFO',
  time: 'TIME',
  setTime: 'STIME',
  battery: 'BAT',
  storage: 'STOR',
  resolution: 'RES',
  massStorage: 'MSDC',
} as const;

/** Error codes a device answers with `ER`. */
export const DeviceErr = {
  auth: 'AUTH',
  noAuth: 'NOAUTH',
  badCmd: 'BADCMD',
  badArg: 'BADARG',
  busy: 'BUSY',
  io: 'IO',
} as const;

/** Bytes as an argument: uppercase hex (text travels as hex so frames stay ASCII). */
export function hexArg(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** Parse a hex argument; null when it is not hex or longer than `maxBytes`. */
export function parseHexArg(arg: string, maxBytes: number): Buffer | null {
  if (arg.length % 2 !== 0 || arg.length > maxBytes * 2 || !/^[0-9A-Fa-f]*$/.test(arg)) return null;
  return Buffer.from(arg, 'hex');
}

/** ZFY_INFO as the five hex arguments of INFO/WINFO (meaningful bytes only). */
export function zfyToArgs(raw: ZfyInfoRaw): string[] {
  return ZFY_FIELDS.map(([name]) => hexArg(fieldBytes(raw[name])));
}

/** The five hex arguments back into ZFY_INFO fields; null when malformed. */
export function argsToZfy(args: readonly string[]): ZfyInfoRaw | null {
  if (args.length !== ZFY_FIELDS.length) return null;
  const out: Partial<Record<ZfyField, Uint8Array>> = {};
  for (const [i, [name, size]] of ZFY_FIELDS.entries()) {
    const bytes = parseHexArg(args[i] ?? '', size);
    if (bytes === null) return null;
    const field = new Uint8Array(size);
    field.set(bytes);
    out[name] = field;
  }
  return out as ZfyInfoRaw;
}

/** argsToZfy for the host side: malformed answers are a ProtocolError. */
export function requireZfy(args: readonly string[], port: string): ZfyInfoRaw {
  const raw = argsToZfy(args);
  if (raw === null) throw new ProtocolError(port, 'the INFO answer is malformed');
  return raw;
}
