/**
 * What an alert is about, as one string in the ledger (`alerts.subject`), with one builder and
 * one parser. The stored shapes are those of earlier builds (`recorder:SN`, `clip:ID`,
 * `gap:SN:PREV:CLIP`, `device:KEY`, `record:ID`, `vault`, `forwarder`; from schema 7 also
 * `file:SN:PATH` with the path percent-encoded). A serial may hold colons (a device-key fallback
 * does), so the parser reads fixed fields from the right, never by splitting.
 */
export type Subject =
  | { readonly kind: 'recorder'; readonly serial: string }
  | { readonly kind: 'clip'; readonly clipId: string }
  | {
      readonly kind: 'gap';
      readonly serial: string;
      readonly previousClipId: string;
      readonly clipId: string;
    }
  | { readonly kind: 'file'; readonly serial: string; readonly sourcePath: string }
  | { readonly kind: 'device'; readonly deviceKey: string }
  | { readonly kind: 'record'; readonly recordId: string }
  | { readonly kind: 'vault' }
  | { readonly kind: 'forwarder' }
  | { readonly kind: 'offsite' };

/** The subject string stored with an alert. */
export function subjectKey(s: Subject): string {
  switch (s.kind) {
    case 'recorder':
      return `recorder:${s.serial}`;
    case 'clip':
      return `clip:${s.clipId}`;
    case 'gap':
      return `gap:${s.serial}:${s.previousClipId}:${s.clipId}`;
    case 'file':
      return `file:${s.serial}:${encodeURIComponent(s.sourcePath)}`;
    case 'device':
      return `device:${s.deviceKey}`;
    case 'record':
      return `record:${s.recordId}`;
    case 'vault':
    case 'forwarder':
    case 'offsite':
      return s.kind;
  }
}

/** Parse a stored subject; null for a string no build wrote. */
export function parseSubject(key: string): Subject | null {
  if (key === 'vault' || key === 'forwarder' || key === 'offsite') return { kind: key };
  const colon = key.indexOf(':');
  if (colon < 1) return null;
  const head = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (rest === '') return null;
  switch (head) {
    case 'recorder':
      return { kind: 'recorder', serial: rest };
    case 'clip':
      return { kind: 'clip', clipId: rest };
    case 'device':
      return { kind: 'device', deviceKey: rest };
    case 'record':
      return { kind: 'record', recordId: rest };
    case 'file': {
      const at = rest.lastIndexOf(':');
      if (at < 1) return null;
      try {
        return {
          kind: 'file',
          serial: rest.slice(0, at),
          sourcePath: decodeURIComponent(rest.slice(at + 1)),
        };
      } catch {
        return null;
      }
    }
    case 'gap': {
      const clipAt = rest.lastIndexOf(':');
      const prevAt = rest.lastIndexOf(':', clipAt - 1);
      if (clipAt < 0 || prevAt < 1) return null;
      return {
        kind: 'gap',
        serial: rest.slice(0, prevAt),
        previousClipId: rest.slice(prevAt + 1, clipAt),
        clipId: rest.slice(clipAt + 1),
      };
    }
    default:
      return null;
  }
}

/** The recorder serial a subject names (recorder, file and gap subjects), else null. */
export function subjectSerial(key: string): string | null {
  const s = parseSubject(key);
  return s?.kind === 'recorder' || s?.kind === 'gap' || s?.kind === 'file' ? s.serial : null;
}
