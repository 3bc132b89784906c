import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WeakPasswordError } from '../../agent/access/errors.ts';
import {
  checkPasswordPolicy,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  verifyPassword,
} from '../../agent/access/password.ts';

describe('password hashing (scrypt)', () => {
  it('stores scrypt$15$8$1$salt$key with a fresh 16-byte salt and a 32-byte key', async () => {
    const [a, b] = await Promise.all([hashPassword('Correct-Horse9'), hashPassword('Correct-Horse9')]);
    const parts = (a as string).split('$');
    assert.deepEqual(parts.slice(0, 4), ['scrypt', '15', '8', '1']);
    assert.equal(Buffer.from(parts[4] as string, 'base64').length, 16);
    assert.equal(Buffer.from(parts[5] as string, 'base64').length, 32);
    assert.notEqual(a, b, 'salted');
    assert.ok(!(a as string).includes('Correct-Horse9'));
  });

  it('verifies the right password only, and never a malformed or outrageous hash', async () => {
    const stored = await hashPassword('密码Secret-2025');
    assert.equal(await verifyPassword('密码Secret-2025', stored), true);
    assert.equal(await verifyPassword('密码Secret-2026', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    // The same text in another Unicode normal form is the same password.
    assert.equal(await verifyPassword('Cafe\u0301-Secret1', await hashPassword('Caf\u00e9-Secret1')), true);
    const key = stored.split('$').slice(4).join('$');
    for (const bad of [
      '',
      'plain',
      `bcrypt$15$8$1$${key}`,
      `scrypt$31$8$1$${key}`, // 2^31 would take minutes and gigabytes
      `scrypt$15$8$99$${key}`,
      `scrypt$15$8$1$${key}$extra`,
      'scrypt$15$8$1$!!!$AAAA',
    ])
      assert.equal(await verifyPassword('密码Secret-2025', bad), false, bad);
    assert.equal(await verifyPassword('anything-1', DUMMY_PASSWORD_HASH), false);
    assert.equal(await verifyPassword(42 as unknown as string, stored), false);
  });

  it('runs off the event loop: timers keep firing while a hash is computed', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await hashPassword('Tick-tock-1234');
    const took = performance.now() - started;
    clearInterval(timer);
    assert.ok(took > 20, `scrypt N=2^15 takes real time (${took.toFixed(0)} ms)`);
    assert.ok(ticks >= 2, `the event loop ran ${ticks} timer ticks during ${took.toFixed(0)} ms`);
  });
});

describe('password policy', () => {
  it('accepts ten or more characters of at least two kinds', () => {
    for (const ok of ['abcdefgh12', 'ABCDEFGHIJ-', '执法记录仪设备管理员1', 'correct horse battery'])
      assert.doesNotThrow(() => checkPasswordPolicy(ok), ok);
  });

  it('refuses short, one-kind, overlong, control-character and username-bearing passwords', () => {
    const refused: [string, RegExp][] = [
      ['Ab1-', /at least 10/],
      ['abcdefghijkl', /two kinds/],
      ['12345678901', /two kinds/],
      ['执法记录仪设备管理员台账', /two kinds/],
      [`Aa1${'x'.repeat(300)}`, /at most 256/],
      ['Secret-pass\u0000', /control/],
      ['Secret\npass12', /control/],
    ];
    for (const [pw, why] of refused)
      assert.throws(
        () => checkPasswordPolicy(pw),
        (err: unknown) => err instanceof WeakPasswordError && why.test(err.message),
        JSON.stringify(pw),
      );
    assert.throws(() => checkPasswordPolicy('my-Manager-2025', 'manager'), /username/);
    assert.throws(() => checkPasswordPolicy(undefined as unknown as string), WeakPasswordError);
  });

  it('counts characters, not UTF-16 units: nine Chinese characters and a digit pass', () => {
    assert.doesNotThrow(() => checkPasswordPolicy('𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈1'));
    assert.throws(() => checkPasswordPolicy('𠀀𠀁𠀂𠀃1'), /at least 10/);
  });
});
