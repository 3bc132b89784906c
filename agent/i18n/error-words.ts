import { type DomainKey, isDomainKey } from './domain.ts';
import type { Lang, MessageParams } from './lang.ts';
import { type Said, sayIn } from './said.ts';

/** The catalogue words of an error: a key of the dock's words, its parameters and nested phrases. */
export type ErrorWords = Said;

const WORDS = Symbol('error words');

/**
 * Give an error its words in the catalogue, so that the page and dockctl say it in the reader's
 * language; `message` keeps the English sentence for logs. Returns the error, to throw it.
 */
export function withWords<E extends Error>(
  err: E,
  key: DomainKey,
  params?: MessageParams,
  nested?: Said['nested'],
): E {
  Object.defineProperty(err, WORDS, { value: { key, params, nested }, enumerable: false });
  return err;
}

/** The words an error was given, or null. */
export function wordsOf(err: unknown): ErrorWords | null {
  if (typeof err !== 'object' || err === null) return null;
  const words = (err as { [WORDS]?: ErrorWords })[WORDS];
  return words && isDomainKey(words.key) ? words : null;
}

/** An error as a reader is told it: its catalogue words in `lang`, else its own sentence. */
export function errorText(lang: Lang, err: unknown): string {
  const words = wordsOf(err);
  if (words) return sayIn(lang, words);
  return err instanceof Error ? err.message : String(err);
}
