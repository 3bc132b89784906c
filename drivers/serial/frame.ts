/**
 * Frames of the recorder command channel (drivers/serial/PROTOCOL.md):
 * `$SEQ,CMD[,ARG…]*CRC\r\n`, ASCII only, CRC-16/CCITT-FALSE over the bytes between `$` and `*`.
 */

/** Longest frame accepted or sent, from `$` to the line feed included. */
export const MAX_FRAME_BYTES = 512;

/** Sequence numbers run 1…9999 and wrap; 0 marks an unsolicited message from the device. */
export const MAX_SEQ = 9999;

/** One decoded frame. For responses, `args[0]` is the status: OK or ER. */
export interface Frame {
  readonly seq: number;
  readonly cmd: string;
  readonly args: readonly string[];
}

const CMD = /^[A-Z]{2,8}$/;
const ARG = /^[0-9A-Za-z._:+-]*$/;
const FRAME = /^\$(\d{1,4}),([A-Z]{2,8})((?:,[0-9A-Za-z._:+-]*)*)\*([0-9A-Fa-f]{4})$/;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor). */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Encode a frame; throws on a field outside the protocol's alphabet or an oversized frame. */
export function encodeFrame(frame: Frame): Buffer {
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > MAX_SEQ)
    throw new RangeError(`bad sequence number ${frame.seq}`);
  if (!CMD.test(frame.cmd)) throw new RangeError(`bad command ${JSON.stringify(frame.cmd)}`);
  for (const a of frame.args) if (!ARG.test(a)) throw new RangeError(`bad argument for ${frame.cmd}`);
  const body = [String(frame.seq), frame.cmd, ...frame.args].join(',');
  const crc = crc16(Buffer.from(body, 'ascii')).toString(16).toUpperCase().padStart(4, '0');
  const out = Buffer.from(`$${body}*${crc}\r\n`, 'ascii');
  if (out.length > MAX_FRAME_BYTES)
    throw new RangeError(`frame for ${frame.cmd} exceeds ${MAX_FRAME_BYTES} bytes`);
  return out;
}

/** Why a line was not a frame. */
export type LineVerdict = 'frame' | 'noise' | 'bad-frame' | 'bad-crc';

/**
 * Decode one received line (without its line feed). Text before the last `$` is noise that
 * arrived without a newline (boot chatter, line glitches) and is dropped. Lines without `$`
 * are unsolicited text and give `noise`.
 */
export function decodeLine(line: string): { verdict: LineVerdict; frame?: Frame } {
  const start = line.lastIndexOf('$');
  if (start < 0) return { verdict: 'noise' };
  const text = line.slice(start).replace(/\r$/, '');
  const m = FRAME.exec(text);
  if (!m) return { verdict: 'bad-frame' };
  const [, seq = '', cmd = '', rest = '', crc = ''] = m;
  const body = text.slice(1, text.lastIndexOf('*'));
  if (crc16(Buffer.from(body, 'ascii')) !== Number.parseInt(crc, 16)) return { verdict: 'bad-crc' };
  return {
    verdict: 'frame',
    frame: { seq: Number(seq), cmd, args: rest === '' ? [] : rest.slice(1).split(',') },
  };
}
