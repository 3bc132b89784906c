import { domainText } from './domain.ts';
import type { Lang } from './lang.ts';

/**
 * An off-site store as a person reads it: its description (`folder:/srv/copy`,
 * `s3:https://host/bucket/prefix`) with the kind in words and the place as it is.
 */
export function storeWords(lang: Lang, description: string): string {
  const colon = description.indexOf(':');
  const kind = description.slice(0, colon);
  const place = description.slice(colon + 1);
  if (kind === 'folder') return domainText(lang, 'store.folder', { place });
  if (kind === 's3') return domainText(lang, 'store.s3', { place });
  return description;
}
