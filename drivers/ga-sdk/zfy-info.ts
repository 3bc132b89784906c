import type { DetectedDevice, RecorderAssignment, RecorderIdentity } from '../contract/ports.ts';
import { InvalidDeviceDataError } from '../errors.ts';
import { decodeAsciiField, decodeGbkField, encodeGbkField, fieldBytes } from './gbk-text.ts';

/** The packed ZFY_INFO layout of the GA standard: field name and size in bytes, in order. */
export const ZFY_FIELDS = [
  ['cSerial', 7],
  ['userNo', 6],
  ['userName', 32],
  ['unitNo', 12],
  ['unitName', 32],
] as const;

/** Total size of the packed struct (89 bytes). */
export const ZFY_INFO_SIZE = ZFY_FIELDS.reduce((n, [, size]) => n + size, 0);

/** Field names of ZFY_INFO. */
export type ZfyField = (typeof ZFY_FIELDS)[number][0];

/** ZFY_INFO as raw bytes, exactly as the device holds it. */
export type ZfyInfoRaw = Readonly<Record<ZfyField, Uint8Array>>;

/** ZFY_INFO decoded: device serial, officer number and name, unit number and name. */
export interface ZfyInfo {
  readonly serial: string;
  readonly userNo: string;
  readonly userName: string;
  readonly unitNo: string;
  readonly unitName: string;
}

/** The ZFY_INFO that hands a recorder to an officer (WriteZFYInfo / WINFO). */
export function zfyInfoFor(a: RecorderAssignment): ZfyInfo {
  return {
    serial: a.serial,
    userNo: a.officerNo,
    userName: a.officerName,
    unitNo: a.unitNo,
    unitName: a.unitName,
  };
}

/** Decode and validate: numbers are printable ASCII, names strict GBK; the serial must be set. */
export function decodeZfyInfo(raw: ZfyInfoRaw, device: string): ZfyInfo {
  return {
    serial: decodeAsciiField(raw.cSerial, 'device serial', device),
    userNo: decodeAsciiField(raw.userNo, 'officer number', device),
    userName: decodeGbkField(raw.userName, 'officer name', device),
    unitNo: decodeAsciiField(raw.unitNo, 'unit number', device),
    unitName: decodeGbkField(raw.unitName, 'unit name', device),
  };
}

/** Encode for WriteZFYInfo; throws TextEncodeError when a field does not fit. */
export function encodeZfyInfo(info: ZfyInfo): ZfyInfoRaw {
  return {
    cSerial: encodeGbkField(info.serial, 7, 'device serial'),
    userNo: encodeGbkField(info.userNo, 6, 'officer number'),
    userName: encodeGbkField(info.userName, 32, 'officer name'),
    unitNo: encodeGbkField(info.unitNo, 12, 'unit number'),
    unitName: encodeGbkField(info.unitName, 32, 'unit name'),
  };
}

/** Fields whose meaningful bytes differ between two raw infos (for read-back checks). */
export function diffZfyRaw(a: ZfyInfoRaw, b: ZfyInfoRaw): ZfyField[] {
  return ZFY_FIELDS.map(([name]) => name).filter(
    (name) => !Buffer.from(fieldBytes(a[name])).equals(fieldBytes(b[name])),
  );
}

/** Pack into the 89-byte layout (for the serial channel and tests). */
export function packZfyInfo(raw: ZfyInfoRaw): Buffer {
  const out = Buffer.alloc(ZFY_INFO_SIZE);
  let at = 0;
  for (const [name, size] of ZFY_FIELDS) {
    out.set(raw[name].subarray(0, size), at);
    at += size;
  }
  return out;
}

/**
 * The recorder identity a ZFY_INFO record gives, the same whether it came through the GA SDK or
 * the serial channel. An empty device serial is refused: the ledger keys everything by it.
 */
export function identityFromZfyInfo(raw: ZfyInfoRaw, device: DetectedDevice): RecorderIdentity {
  const info = decodeZfyInfo(raw, device.key);
  if (info.serial === '') throw new InvalidDeviceDataError('device serial', device.key, 'it is empty');
  return {
    serial: info.serial,
    officerNo: info.userNo || null,
    officerName: info.userName || null,
    unitNo: info.unitNo || null,
    unitName: info.unitName || null,
    model: device.match?.model ?? 'unknown',
    vendor: device.match?.vendor ?? 'unknown',
  };
}
