import iconv from 'iconv-lite';
import { GbkDecodeError, InvalidDeviceDataError, TextEncodeError } from '../errors.ts';

/** Control characters never accepted in text from a device. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** The meaningful bytes of a fixed char field: up to the first NUL, without 0xFF/space padding. */
export function fieldBytes(raw: Uint8Array): Uint8Array {
  const nul = raw.indexOf(0);
  let end = nul < 0 ? raw.length : nul;
  while (end > 0 && (raw[end - 1] === 0xff || raw[end - 1] === 0x20)) end -= 1;
  return raw.subarray(0, end);
}

/**
 * Decode a GBK field from the device strictly: bytes that are not valid GBK raise
 * GbkDecodeError (never U+FFFD mojibake into the ledger); control characters raise
 * InvalidDeviceDataError.
 */
export function decodeGbkField(raw: Uint8Array, field: string, device: string): string {
  const bytes = Buffer.from(fieldBytes(raw));
  if (bytes.length === 0) return '';
  const text = iconv.decode(bytes, 'gbk');
  if (text.includes('\uFFFD') || !iconv.encode(text, 'gbk').equals(bytes))
    throw new GbkDecodeError(field, device);
  if (CONTROL.test(text)) throw new InvalidDeviceDataError(field, device, 'it contains control characters');
  return text;
}

/** Decode an ASCII field (serial, officer and unit numbers): printable ASCII only. */
export function decodeAsciiField(raw: Uint8Array, field: string, device: string): string {
  const bytes = fieldBytes(raw);
  for (const b of bytes) {
    if (b < 0x21 || b > 0x7e) throw new InvalidDeviceDataError(field, device, 'it is not printable ASCII');
  }
  return Buffer.from(bytes).toString('latin1');
}

/**
 * Encode text as GBK into a fixed field of `size` bytes, zero-padded. Throws TextEncodeError when
 * a character has no GBK form or the text does not fit.
 */
export function encodeGbkField(text: string, size: number, field: string): Uint8Array {
  if (CONTROL.test(text)) throw new TextEncodeError(field, 'it contains control characters');
  const bytes = iconv.encode(text, 'gbk');
  if (iconv.decode(bytes, 'gbk') !== text)
    throw new TextEncodeError(field, 'it contains characters GBK cannot represent');
  if (bytes.length > size)
    throw new TextEncodeError(field, `it needs ${bytes.length} bytes and the device field holds ${size}`);
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}
