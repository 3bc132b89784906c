import { chmod, readFile, writeFile } from 'node:fs/promises';

/**
 * Injecting a Node single-executable blob into an ELF `node` binary, as Node's SEA documentation
 * describes for injection tools: the blob becomes an ELF note named NODE_SEA_BLOB in a loaded
 * segment, and the sentinel fuse is flipped to 1. Node finds the note at start through
 * dl_iterate_phdr (postject's runtime lookup), so the note needs a PT_NOTE program header inside
 * a PT_LOAD segment.
 *
 * There is no room for two more program headers after the existing table, so the table moves:
 * a new one (old entries + one PT_LOAD + one PT_NOTE) is written at the end of the file, inside
 * the new PT_LOAD, together with the note; PT_PHDR and e_phoff point at it. The new segment's
 * file offset and address differ by the first segment's (address − offset), so kernels that
 * compute AT_PHDR as load address + e_phoff (before Linux 5.18) and newer ones agree.
 * 64-bit little-endian ELF only (x86-64, arm64).
 */

/** The fuse Node 20 looks for; the last character says whether a blob was injected. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** The note name Node looks up. */
export const SEA_NOTE_NAME = 'NODE_SEA_BLOB';

const PT_LOAD = 1;
const PT_NOTE = 4;
const PT_PHDR = 6;
const PF_R = 4;
const PHDR_SIZE = 56;
const PAGE = 0x1000n;

interface Phdr {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

const alignUp = (x: bigint, a: bigint): bigint => ((x + a - 1n) / a) * a;
const pad4 = (n: number): number => (n + 3) & ~3;
const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function readPhdrs(elf: Buffer): Phdr[] {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1)
    throw new Error('not a 64-bit little-endian ELF file');
  const phoff = Number(elf.readBigUInt64LE(0x20));
  if (elf.readUInt16LE(0x36) !== PHDR_SIZE) throw new Error('unexpected program header size');
  return Array.from({ length: elf.readUInt16LE(0x38) }, (_, i) => {
    const o = phoff + i * PHDR_SIZE;
    return {
      type: elf.readUInt32LE(o),
      flags: elf.readUInt32LE(o + 4),
      offset: elf.readBigUInt64LE(o + 8),
      vaddr: elf.readBigUInt64LE(o + 16),
      paddr: elf.readBigUInt64LE(o + 24),
      filesz: elf.readBigUInt64LE(o + 32),
      memsz: elf.readBigUInt64LE(o + 40),
      align: elf.readBigUInt64LE(o + 48),
    };
  });
}

function writePhdr(out: Buffer, at: number, p: Phdr): void {
  out.writeUInt32LE(p.type, at);
  out.writeUInt32LE(p.flags, at + 4);
  out.writeBigUInt64LE(p.offset, at + 8);
  out.writeBigUInt64LE(p.vaddr, at + 16);
  out.writeBigUInt64LE(p.paddr, at + 24);
  out.writeBigUInt64LE(p.filesz, at + 32);
  out.writeBigUInt64LE(p.memsz, at + 40);
  out.writeBigUInt64LE(p.align, at + 48);
}

/** An ELF note: namesz, descsz, type, name (NUL-terminated, padded to 4), desc (padded to 4). */
export function elfNote(name: string, desc: Uint8Array): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'latin1');
  const note = Buffer.alloc(12 + pad4(nameBytes.length) + pad4(desc.length));
  note.writeUInt32LE(nameBytes.length, 0);
  note.writeUInt32LE(desc.length, 4);
  note.writeUInt32LE(0, 8);
  nameBytes.copy(note, 12);
  Buffer.from(desc).copy(note, 12 + pad4(nameBytes.length));
  return note;
}

function flipFuse(elf: Buffer, fuse: string): void {
  const needle = Buffer.from(`${fuse}:0`, 'latin1');
  const at = elf.indexOf(needle);
  if (at < 0)
    throw new Error(`the fuse ${fuse}:0 is not in the binary (already injected, or not a SEA-capable node)`);
  if (elf.indexOf(needle, at + 1) >= 0) throw new Error('the fuse occurs more than once');
  elf[at + needle.length - 1] = 0x31; // '1'
}

/** The ELF `elf` with `blob` injected as note `noteName` and the fuse flipped. */
export function injectNote(elf: Buffer, blob: Uint8Array, noteName = SEA_NOTE_NAME, fuse = SEA_FUSE): Buffer {
  const phdrs = readPhdrs(elf);
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  const first = loads[0];
  if (!first) throw new Error('the binary has no loadable segment');
  const bias = first.vaddr - first.offset;
  const end = loads.reduce((m, p) => maxOf(m, p.vaddr + p.memsz), 0n);
  const fileOff = maxOf(alignUp(BigInt(elf.length), PAGE), alignUp(end, PAGE) - bias);
  const vaddr = bias + fileOff;
  const note = elfNote(noteName, blob);
  const tableLen = (phdrs.length + 2) * PHDR_SIZE;
  const noteOff = BigInt(pad4(tableLen));
  const regionLen = noteOff + BigInt(note.length);
  const table = phdrs.map((p) =>
    p.type === PT_PHDR
      ? { ...p, offset: fileOff, vaddr, paddr: vaddr, filesz: BigInt(tableLen), memsz: BigInt(tableLen) }
      : p,
  );
  const load: Phdr = {
    type: PT_LOAD,
    flags: PF_R,
    offset: fileOff,
    vaddr,
    paddr: vaddr,
    filesz: regionLen,
    memsz: regionLen,
    align: PAGE,
  };
  const notePh: Phdr = {
    type: PT_NOTE,
    flags: PF_R,
    offset: fileOff + noteOff,
    vaddr: vaddr + noteOff,
    paddr: vaddr + noteOff,
    filesz: BigInt(note.length),
    memsz: BigInt(note.length),
    align: 4n,
  };
  // Loadable segments must stay sorted by address: the new one goes after the last.
  table.splice(table.lastIndexOf(loads[loads.length - 1] as Phdr) + 1, 0, load);
  table.push(notePh);
  const region = Buffer.alloc(Number(regionLen));
  for (const [i, p] of table.entries()) writePhdr(region, i * PHDR_SIZE, p);
  note.copy(region, Number(noteOff));
  const head = Buffer.from(elf);
  head.writeBigUInt64LE(fileOff, 0x20);
  head.writeUInt16LE(table.length, 0x38);
  flipFuse(head, fuse);
  return Buffer.concat([head, Buffer.alloc(Number(fileOff) - head.length), region]);
}

/** Inject `blobFile` into the executable `exe` in place (the builder's fallback to postject). */
export async function injectSeaBlob(exe: string, blobFile: string): Promise<void> {
  const out = injectNote(await readFile(exe), await readFile(blobFile));
  await writeFile(exe, out);
  await chmod(exe, 0o755);
}
