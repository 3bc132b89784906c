import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { injectNote } from '../../packaging/elf-note-inject.ts';

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('../fixtures/ops/find-sea-note.c', import.meta.url));

/** The built-in injector against a C program that looks the note up as Node does. */
describe('ELF note injection for the single executable', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sea-inject-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const [kind, flags] of [
    ['position-independent', ['-pie', '-fPIE']],
    ['fixed-address (like the node binary)', ['-no-pie', '-fno-pie']],
  ] as const) {
    it(`a ${kind} executable finds the injected blob at run time, with the fuse flipped`, async () => {
      const exe = path.join(dir, `probe-${flags[0]}`);
      await run('gcc', ['-O1', ...flags, '-o', exe, SOURCE]);
      const plain = await run(exe);
      assert.match(plain.stdout, /found=0 fuse=0\n$/);
      const blob = Buffer.concat([Buffer.from('SEA-BLOB:'), randomBytes(3 << 20)]);
      const injected = `${exe}-sea`;
      await writeFile(injected, injectNote(await readFile(exe), blob));
      await chmod(injected, 0o755);
      const out = (await run(injected, { encoding: 'buffer', maxBuffer: 8 << 20 })).stdout;
      const tail = Buffer.from('\nfound=1 fuse=1\n');
      assert.ok(out.subarray(out.length - tail.length).equals(tail), out.subarray(-40).toString());
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      assert.equal(
        sha(out.subarray(0, out.length - tail.length)),
        sha(blob),
        'the blob arrives byte for byte',
      );
      const notes = async (file: string) =>
        ((await run('readelf', ['-lW', file])).stdout.match(/^\s+NOTE\s/gm) ?? []).length;
      assert.equal(await notes(injected), (await notes(exe)) + 1, 'one more PT_NOTE');
    });
  }

  it('refuses a binary already injected, and a file that is not ELF', async () => {
    const exe = path.join(dir, 'probe-twice');
    await run('gcc', ['-O1', '-o', exe, SOURCE]);
    const once = injectNote(await readFile(exe), Buffer.from('one'));
    assert.throws(() => injectNote(once, Buffer.from('two')), /already injected/);
    assert.throws(
      () => injectNote(Buffer.from('#!/bin/sh\necho hi\n'), Buffer.from('x')),
      /not a 64-bit little-endian ELF/,
    );
  });
});
