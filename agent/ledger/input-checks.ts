import { withWords } from '../i18n/error-words.ts';
import { LedgerInputError } from './errors.ts';

/**
 * Checks on values callers hand the ledger. Each returns the value in its event form (strings,
 * integers, ISO times, null for "not known") or throws LedgerInputError naming the field.
 */

/** A non-empty string. */
export function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw withWords(new LedgerInputError(`${field} must be a non-empty string`), 'err.input.required', {
      field,
    });
  return value;
}

/** A non-empty string, or null when absent. */
export function optionalText(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : requireText(field, value);
}

/** An integer within [min, max]. */
export function requireInt(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw withWords(
      new LedgerInputError(`${field} must be an integer from ${min} to ${max}, not ${String(value)}`),
      'err.input.range',
      { field, min, max },
    );
  }
  return value as number;
}

/** An integer within [min, max], or null when absent. */
export function optionalInt(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | null {
  return value === undefined || value === null ? null : requireInt(field, value, min, max);
}

/** A valid Date, as an ISO string. */
export function requireTime(field: string, value: unknown): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw withWords(new LedgerInputError(`${field} must be a valid Date`), 'err.input.date', { field });
  return value.toISOString();
}

/** A valid Date as an ISO string, or null when absent. */
export function optionalTime(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : requireTime(field, value);
}

/** One of the allowed strings. */
export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw withWords(
      new LedgerInputError(`${field} must be one of ${allowed.join(', ')}, not ${String(value)}`),
      'err.input.oneOf',
      { field },
    );
  }
  return value as T;
}
