import { type DomainKey, isDomainKey } from '../i18n/domain.ts';
import { cliWordsDomainEn } from '../i18n/domain-cliwords-en.ts';
import type { Said } from '../i18n/said.ts';

/** A usage sentence of the catalogue as a pattern over its English text, its {names} captured. */
interface UsagePattern {
  readonly key: DomainKey;
  readonly re: RegExp;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** Every `cli.usage.*` sentence as a full-match pattern over its English text. */
const PATTERNS: readonly UsagePattern[] = Object.entries(cliWordsDomainEn)
  .filter(([key]) => key.startsWith('cli.usage.') && !key.startsWith('cli.usage.what.'))
  .map(([key, text]) => ({
    key: key as DomainKey,
    re: new RegExp(`^${escapeRegExp(text).replace(/\\?\{(\w+)\\?\}/g, '(?<$1>.+?)')}$`, 's'),
  }));

/**
 * The catalogue words of a usage sentence a command still throws as English text (`unknown
 * action 'x'`), so that it can be said in the reader's language; null when it is none of them.
 * A captured phrase that is itself in the catalogue (`cli.usage.what.why`) is said as one too.
 */
export function usageWords(message: string): Said | null {
  for (const { key, re } of PATTERNS) {
    const match = re.exec(message);
    if (!match) continue;
    const nested: Record<string, Said> = {};
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      const phrase = `cli.usage.what.${value}`;
      if (isDomainKey(phrase)) nested[name] = { key: phrase };
      else params[name] = value;
    }
    return { key, params, nested };
  }
  return null;
}
