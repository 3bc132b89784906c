/**
 * What a Chinese page may show in Latin letters (issue 16): data, not words. Serials, file names,
 * digests, units, rule ids, the accounts' usernames and the recorders' model names as the ledger
 * holds them, and the link to the English page. Anything else in Latin letters is a word a
 * Chinese reader should have got in Chinese.
 */
const ALLOWED: readonly RegExp[] = [
  // Recorder serials and USB ports: A123456, ZFY0001, 1-2.
  /\b[A-Z]{1,4}\d{3,}\b/g,
  // File names and the vault path of a clip.
  /[\w./-]+\.(?:MP4|mp4|MOV|mov|AVI|avi|TS|ts|JPG|jpg|JPEG|jpeg|WAV|wav|AMR|amr|zip|csv|xlsx|txt)\b/g,
  /\bsha256(?:\/[0-9a-f]{2})+\/[0-9a-f]{64}\b/g,
  // Digests and ids of the data, at least 8 hex digits.
  /\b[0-9a-f]{8,}\b/g,
  // Units, rule ids and names of standards.
  /\b(?:KiB|MiB|GiB|TiB|B|MB|GB|R\d{1,2}|SHA-256|USB|MP4|CSV|XLSX|ZIP|Excel|BagIt|UTF-8)\b/g,
  // Paths on the dock (an off-site folder, the vault) and addresses of stores.
  /\bhttps?:\/\/[^\s，。；）)]+/g,
  /\/[\w.-]+(?:\/[\w.-]+)+/g,
  // A dockctl command the text tells the reader to run.
  /\bdockctl [a-z][a-z-]*\b/g,
  // The dock's time zone.
  /\bAsia\/Shanghai\b/g,
  // The link to the other language.
  /\bEnglish\b/g,
];

/** The Latin words of `text` that the allow-list does not cover. */
export function latinWords(text: string, data: readonly string[]): string[] {
  let rest = text;
  for (const d of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(d).join(' ');
  for (const re of ALLOWED) rest = rest.replace(re, ' ');
  return [...new Set(rest.match(/[A-Za-z][A-Za-z'-]*/g) ?? [])];
}
