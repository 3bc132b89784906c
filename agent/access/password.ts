import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { WeakPasswordError } from './errors.ts';

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and 0.1 s per hash on the dock). */
const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLEL = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** The shortest password accepted, in characters. */
export const MIN_PASSWORD_LENGTH = 10;
/** The longest password accepted, in characters (bounds the work a form field can cause). */
export const MAX_PASSWORD_LENGTH = 256;

/** Stored-hash parameters outside these bounds are refused, so a bad row cannot cost minutes or gigabytes. */
const BOUNDS = { log2N: [10, 20], r: [1, 32], p: [1, 4], salt: [8, 64], key: [16, 64] } as const;

interface ParsedHash {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function deriveKey(password: string, salt: Buffer, length: number, log2N: number, r: number, p: number) {
  const N = 2 ** log2N;
  // scrypt needs 128·N·r bytes (32 MiB here); Node's default maxmem is exactly that and refuses it.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) => {
    // Async: the work runs on libuv's thread pool, never on the event loop.
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hash a password for storage: `scrypt$15$8$1$<salt base64>$<key base64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, LOG2_N, BLOCK_SIZE, PARALLEL);
  return ['scrypt', LOG2_N, BLOCK_SIZE, PARALLEL, salt.toString('base64'), key.toString('base64')].join('$');
}

function inBounds(value: number, [min, max]: readonly [number, number]): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [log2N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,2}$/.test(s) ? Number(s) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!b64.test(parts[4] ?? '') || !b64.test(parts[5] ?? '')) return null;
  const salt = Buffer.from(parts[4] as string, 'base64');
  const key = Buffer.from(parts[5] as string, 'base64');
  const ok =
    inBounds(log2N, BOUNDS.log2N) &&
    inBounds(r, BOUNDS.r) &&
    inBounds(p, BOUNDS.p) &&
    inBounds(salt.length, BOUNDS.salt) &&
    inBounds(key.length, BOUNDS.key);
  return ok ? { log2N, r, p, salt, key } : null;
}

/**
 * Whether `password` matches a hash made by hashPassword. The comparison takes the same time
 * wherever the keys differ. A malformed stored hash never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const parsed = parseHash(stored);
  if (!parsed || password.length > MAX_PASSWORD_LENGTH * 4) return false;
  const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.log2N, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A well-formed hash that no password is known to match, with the production cost: verifying
 * against it takes as long as a real verification (login of an unknown user).
 */
export const DUMMY_PASSWORD_HASH = [
  'scrypt',
  LOG2_N,
  BLOCK_SIZE,
  PARALLEL,
  Buffer.alloc(SALT_BYTES, 0x5a).toString('base64'),
  Buffer.alloc(KEY_BYTES, 0).toString('base64'),
].join('$');

/**
 * The password policy: 10 to 256 characters, no control characters, at least two kinds of
 * character (lower case, upper case, digits, anything else such as symbols or Chinese), and not
 * containing the username. Throws WeakPasswordError naming the rule broken.
 */
export function checkPasswordPolicy(password: string, username?: string): void {
  if (typeof password !== 'string') throw new WeakPasswordError('it is not text', { rule: 'text' });
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH)
    throw new WeakPasswordError(`it must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      rule: 'short',
      n: MIN_PASSWORD_LENGTH,
    });
  if (chars.length > MAX_PASSWORD_LENGTH)
    throw new WeakPasswordError(`it must have at most ${MAX_PASSWORD_LENGTH} characters`, {
      rule: 'long',
      n: MAX_PASSWORD_LENGTH,
    });
  if (/\p{Cc}/u.test(password))
    throw new WeakPasswordError('it must not contain control characters', { rule: 'control' });
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((k) => k.test(password));
  if (kinds.length < 2)
    throw new WeakPasswordError(
      'it must mix at least two kinds of character: lower case, upper case, digits, symbols or other letters',
      { rule: 'kinds' },
    );
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    throw new WeakPasswordError('it must not contain the username', { rule: 'username' });
}
