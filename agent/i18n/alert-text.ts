import type { AlertFacts, AlertKind } from '../ledger/alert-kinds.ts';
import { isAlertKind } from '../ledger/alert-kinds.ts';
import type { LIFECYCLE_ALERT_KINDS } from '../ledger/lifecycle-alerts.ts';
import { type DomainKey, domainText, isDomainKey } from './domain.ts';
import type { Lang } from './lang.ts';
import { storeWords } from './store-words.ts';

/** How names, sizes and times are written where the alert is shown (page, CLI, report). */
export interface AlertWording {
  readonly lang: Lang;
  /** A recorder by serial, e.g. with its officer: `A123456 · 张三（000123）`. */
  readonly recorder: (serial: string) => string;
  readonly bytes: (n: number) => string;
  /** An ISO time in the dock's zone. */
  readonly time: (iso: string) => string;
}

/** An alert as stored: kind, facts (null before schema 7), and the English detail older builds wrote. */
export interface StoredAlert {
  readonly kind: string;
  readonly facts: Readonly<Record<string, string | number | boolean | null>> | null;
  readonly detail: string | null;
}

/** The file-name part of a recorder path. */
function file(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}

type Params = Record<string, string | number>;

type LifecycleAlertKind = (typeof LIFECYCLE_ALERT_KINDS)[number];

/** The facts of an alert known to be of kind K. */
function factsOf<K extends AlertKind>(_kind: K, f: AlertFacts): AlertFacts<K> {
  return f as AlertFacts<K>;
}

/** Each kind's facts as the parameters of its text. */
function paramsOf(kind: AlertKind, f: AlertFacts, w: AlertWording): Params {
  const t = (key: DomainKey) => domainText(w.lang, key);
  switch (kind) {
    case 'late-clip': {
      const x = factsOf('late-clip', f);
      return {
        recorder: w.recorder(x.serial),
        file: file(x.sourcePath),
        hours: x.hoursLate,
        limit: x.limitHours,
      };
    }
    case 'recording-gap': {
      const x = factsOf('recording-gap', f);
      return { recorder: w.recorder(x.serial), file: file(x.sourcePath), minutes: x.gapMinutes };
    }
    case 'unknown-recorder':
    case 'identity-changed': {
      const x = factsOf('identity-changed', f);
      return { ...x, previous: x.previous ?? '' };
    }
    case 'unknown-device': {
      const x = factsOf('unknown-device', f);
      return { vendorId: x.vendorId, productId: x.productId, label: x.label ?? t('alert.none') };
    }
    case 'device-permission': {
      const x = factsOf('device-permission', f);
      return { deviceKey: x.deviceKey, devNode: x.devNode ?? '?' };
    }
    case 'recorder-not-ready': {
      const x = factsOf('recorder-not-ready', f);
      const why = [
        ...(x.batteryPct !== null && x.batteryPct < x.minBatteryPct
          ? [`${w.lang === 'en' ? 'battery' : '电量'} ${x.batteryPct}%`]
          : []),
        ...(x.freeBytes !== null && x.freeBytes < x.minFreeBytes
          ? [`${w.lang === 'en' ? 'free storage' : '剩余存储'} ${w.bytes(x.freeBytes)}`]
          : []),
      ];
      return { recorder: w.recorder(x.serial), why: why.join(w.lang === 'en' ? ', ' : '、') };
    }
    case 'unsafe-entries': {
      const x = factsOf('unsafe-entries', f);
      return { recorder: w.recorder(x.serial), count: x.count };
    }
    case 'unusable-recorder-taken': {
      const x = factsOf('unusable-recorder-taken', f);
      return { recorder: w.recorder(x.serial), status: x.status };
    }
    case 'no-officer':
      return { recorder: w.recorder(factsOf('no-officer', f).serial) };
    case 'storage-low': {
      const x = factsOf('storage-low', f);
      return {
        free: w.bytes(x.freeBytes),
        total: w.bytes(x.totalBytes),
        percent: x.freePercent,
        limit: x.limitPercent,
      };
    }
    case 'vault-full': {
      const x = factsOf('vault-full', f);
      return { recorder: w.recorder(x.serial), file: file(x.sourcePath) };
    }
    case 'forward-backlog': {
      const x = factsOf('forward-backlog', f);
      return { records: x.records, oldest: x.oldestAt ? w.time(x.oldestAt) : '?', limit: x.limitHours };
    }
    case 'forward-rejected':
      return { reason: factsOf('forward-rejected', f).reason };
    case 'read-error': {
      const x = factsOf('read-error', f);
      return {
        recorder: w.recorder(x.serial),
        file: file(x.sourcePath),
        position: x.position,
        errno:
          x.errno && isDomainKey(`errno.${x.errno}`) ? t(`errno.${x.errno}` as DomainKey) : (x.errno ?? '?'),
        attempts: x.attempts,
        max: x.maxAttempts,
      };
    }
    case 'file-changed': {
      const x = factsOf('file-changed', f);
      return {
        recorder: w.recorder(x.serial),
        file: file(x.sourcePath),
        listed: w.bytes(x.listedBytes),
        sealed: w.bytes(x.sealedBytes),
      };
    }
    case 'damaged-clip': {
      const x = factsOf('damaged-clip', f);
      return {
        recorder: w.recorder(x.serial),
        file: file(x.sourcePath),
        why: t(x.reason === 'no-moov' ? 'alert.why.no-moov' : 'alert.why.unparseable'),
      };
    }
    default:
      return lifecycleParams(kind, f, w);
  }
}

/** The WORM probe's check names (`single lock kept`, `multipart delete refused`, …) in words. */
function probeChecks(names: string, lang: Lang): string {
  if (lang === 'en') return names;
  const words: Record<string, string> = {
    single: '单段上传',
    multipart: '分段上传',
    'lock kept': '保持锁定',
    'delete refused': '拒绝删除',
    survived: '删除后仍完好',
  };
  return names
    .split(', ')
    .map((n) =>
      n.replace(/^(\S+) (.+)$/, (whole, a: string, b: string) =>
        words[a] && words[b] ? `${words[a]}${words[b]}` : whole,
      ),
    )
    .join(domainText(lang, 'list.separator'));
}

/**
 * What a lock not kept lacks, in the reader's language from its fault codes. English keeps the
 * store's own sentence; an alert of an older build (no codes) says only that the lock differs.
 */
function lockProblem(x: AlertFacts<'offsite-lock-not-kept'>, w: AlertWording): string {
  if (w.lang === 'en') return x.problem;
  const faults = (x.faults ?? '').split(',').filter((c) => c !== '');
  if (faults.length === 0) return domainText(w.lang, 'lock.problem');
  const mode = (m: string | undefined) =>
    m === 'COMPLIANCE' || m === 'GOVERNANCE'
      ? domainText(w.lang, `lock.mode.${m}`)
      : domainText(w.lang, 'lock.mode.none');
  const when = (iso: string | undefined) => (iso ? w.time(iso) : domainText(w.lang, 'lock.mode.none'));
  const said = faults.map((code) => {
    if (code === 'mode')
      return domainText(w.lang, 'lock.fault.mode', { found: mode(x.mode), wanted: mode(x.wantedMode) });
    if (code === 'until')
      return domainText(w.lang, 'lock.fault.until', {
        found: when(x.retainedUntil),
        wanted: when(x.wantedUntil),
      });
    return domainText(w.lang, code === 'legal-hold' ? 'lock.fault.legalHold' : 'lock.fault.noVersion');
  });
  return said.join(domainText(w.lang, 'lock.fault.separator'));
}

/** The parameters of the footage lifecycle's alerts (issue 15). */
function lifecycleParams(kind: LifecycleAlertKind, f: AlertFacts, w: AlertWording): Params {
  const t = (key: DomainKey) => domainText(w.lang, key);
  switch (kind) {
    case 'offsite-copy-mismatch': {
      const x = factsOf('offsite-copy-mismatch', f);
      return {
        store: storeWords(w.lang, x.store),
        result: t(`copy.${x.result}`),
        purpose: t(`purpose.${x.purpose}`),
      };
    }
    case 'vault-copy-mismatch':
      return { result: t(`copy.${factsOf('vault-copy-mismatch', f).result}`) };
    case 'offsite-lock-not-kept': {
      const x = factsOf('offsite-lock-not-kept', f);
      return { store: storeWords(w.lang, x.store), problem: lockProblem(x, w) };
    }
    case 'offsite-not-worm': {
      const x = factsOf('offsite-not-worm', f);
      return { store: storeWords(w.lang, x.store), checks: probeChecks(x.failedChecks, w.lang) };
    }
    case 'offsite-source-missing':
      return { path: factsOf('offsite-source-missing', f).vaultPath };
    case 'held-copy-missing':
      return { copies: factsOf('held-copy-missing', f).copies };
    case 'clips-evicted': {
      const x = factsOf('clips-evicted', f);
      return { clips: x.clips, bytes: w.bytes(x.bytes), percent: x.freePercent, limit: x.limitPercent };
    }
    case 'retention-ended': {
      const x = factsOf('retention-ended', f);
      return { clips: x.clips, bytes: w.bytes(x.bytes) };
    }
  }
}

/** An alert's kind in words; an unknown kind is shown as it is. */
export function alertKindText(lang: Lang, kind: string): string {
  return isAlertKind(kind) ? domainText(lang, `alert.kind.${kind}`) : kind;
}

/**
 * What an alert says, in the reader's language, from its kind and facts through the catalogue.
 * An alert from before facts existed (schema 6) keeps the sentence it was written with.
 */
export function alertText(a: StoredAlert, w: AlertWording): string {
  if (!isAlertKind(a.kind) || a.facts === null) return a.detail ?? '';
  return domainText(w.lang, `alert.text.${a.kind}`, paramsOf(a.kind, a.facts as unknown as AlertFacts, w));
}
