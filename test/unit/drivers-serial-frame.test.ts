import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argsToZfy, zfyToArgs } from '../../drivers/serial/commands.ts';
import { formatDeviceTime, parseDeviceTime } from '../../drivers/serial/device-time.ts';
import { crc16, decodeLine, encodeFrame, MAX_FRAME_BYTES } from '../../drivers/serial/frame.ts';
import { LineAssembler } from '../../drivers/serial/line-assembler.ts';
import { identityToRaw } from '../../drivers/sim/device-model.ts';

describe('serial frames', () => {
  it('uses CRC-16/CCITT-FALSE', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x29b1);
  });

  it('encodes and decodes a frame round trip', () => {
    const wire = encodeFrame({ seq: 12, cmd: 'BAT', args: ['OK', '76'] });
    assert.equal(wire.toString(), '$12,BAT,OK,76*5FDE\r\n');
    assert.deepEqual(decodeLine(wire.toString().trimEnd()), {
      verdict: 'frame',
      frame: { seq: 12, cmd: 'BAT', args: ['OK', '76'] },
    });
    assert.deepEqual(decodeLine('$3,TIME*0000').verdict, 'bad-crc');
    assert.deepEqual(decodeLine('$3,time*0000').verdict, 'bad-frame');
    assert.deepEqual(decodeLine('#LOG booting').verdict, 'noise');
  });

  it('takes the frame from the last $ of a line with garbage in front', () => {
    const frame = encodeFrame({ seq: 7, cmd: 'INFO', args: ['OK'] })
      .toString()
      .trimEnd();
    assert.equal(decodeLine(`\u00ff\u0000$$garbage${frame}`).frame?.seq, 7);
  });

  it('refuses to build frames outside the alphabet or the size limit', () => {
    assert.throws(() => encodeFrame({ seq: 1, cmd: 'HELLO', args: ['a,b'] }), RangeError);
    assert.throws(() => encodeFrame({ seq: 10_000, cmd: 'BAT', args: [] }), RangeError);
    assert.throws(
      () => encodeFrame({ seq: 1, cmd: 'WINFO', args: ['A'.repeat(MAX_FRAME_BYTES)] }),
      RangeError,
    );
  });

  it('assembles lines across chunks and drops over-long lines up to the next newline', () => {
    const asm = new LineAssembler();
    assert.deepEqual(asm.push(Buffer.from('$1,BA')), []);
    assert.deepEqual(asm.push(Buffer.from('T*1234\r\n#x\n')), ['$1,BAT*1234\r', '#x']);
    assert.deepEqual(asm.push(Buffer.alloc(MAX_FRAME_BYTES + 10, 0x41)), []);
    assert.deepEqual(asm.push(Buffer.from('AAAA\nok\n')), ['ok']);
    assert.equal(asm.overflows, 1);
  });

  it('carries ZFY_INFO as hex arguments', () => {
    const raw = identityToRaw({
      serial: 'A123456',
      userNo: '000123',
      userName: '张三',
      unitNo: '441900000001',
      unitName: '城关镇综合行政执法队',
    });
    const args = zfyToArgs(raw);
    assert.equal(args[2], 'D5C5C8FD');
    assert.deepEqual(argsToZfy(args)?.userName, raw.userName);
    assert.equal(argsToZfy(['00', '00']), null);
    assert.equal(argsToZfy(['GG', '', '', '', '']), null);
    assert.equal(argsToZfy(['00'.repeat(8), '', '', '', '']), null, 'longer than cSerial[7]');
  });
});

describe('device time', () => {
  it('formats and parses local wall-clock time with the UTC offset', () => {
    const t = new Date('2026-11-21T00:30:05Z');
    assert.equal(formatDeviceTime(t, 480), '20261121083005');
    assert.equal(parseDeviceTime('20261121083005', 480)?.toISOString(), '2026-11-21T00:30:05.000Z');
    assert.equal(parseDeviceTime('20261121083005', 0)?.toISOString(), '2026-11-21T08:30:05.000Z');
  });

  it('refuses impossible times', () => {
    for (const bad of [
      '20260230120000',
      '20261321000000',
      '20261121250000',
      '2026112108300',
      '19700101000000',
      'abcdefghijklmn',
    ]) {
      assert.equal(parseDeviceTime(bad), null, bad);
    }
  });
});
