import { MAX_FRAME_BYTES } from './frame.ts';

/**
 * Turns a byte stream into lines, at most MAX_FRAME_BYTES each. A longer run without a line
 * feed is dropped up to the next line feed, so a babbling device cannot grow our memory.
 */
export class LineAssembler {
  private buf = Buffer.alloc(0);
  private discarding = false;
  /** Lines dropped for being too long. */
  overflows = 0;

  /** Add received bytes; returns the complete lines (latin1 text, line feed removed). */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let data = Buffer.concat([this.buf, chunk]);
    let nl = data.indexOf(0x0a);
    while (nl >= 0) {
      if (!this.discarding && nl + 1 <= MAX_FRAME_BYTES) lines.push(data.subarray(0, nl).toString('latin1'));
      else if (!this.discarding) this.overflows += 1;
      this.discarding = false;
      data = data.subarray(nl + 1);
      nl = data.indexOf(0x0a);
    }
    if (data.length >= MAX_FRAME_BYTES) {
      if (!this.discarding) this.overflows += 1;
      this.discarding = true;
      data = Buffer.alloc(0);
    }
    this.buf = Buffer.from(data);
    return lines;
  }
}
