import { formatBytes } from '../reports/byte-format.ts';
import { formatPercent } from './display-format.ts';
import type { Translate } from './i18n/messages.ts';

/** The levels below which a recorder is not ready for a shift (R7: battery charged, free storage). */
export interface ReadinessThresholds {
  readonly minBatteryPct: number;
  readonly minFreeBytes: number;
}

/** What readiness is judged from: the recorder's last readings at the dock and its faults. */
export interface ReadinessInput {
  /** recorders.status: in_service, faulty, retired; null when it is not registered. */
  readonly status: string | null;
  readonly openFaults: number;
  readonly batteryPct: number | null;
  readonly freeBytes: number | null;
}

/** Why a recorder is not ready. */
export type NotReadyReason = 'battery' | 'storage' | 'fault' | 'retired';

/** Ready for the next shift, not ready (with the reasons), or unknown (never read at the dock). */
export interface Readiness {
  readonly state: 'ready' | 'not-ready' | 'unknown';
  readonly reasons: readonly NotReadyReason[];
}

/**
 * R7: before use a recorder must work, be charged and have enough free storage; R8: a faulty one
 * is not used. Not ready when any of these fails; unknown when neither battery nor storage was
 * ever read and nothing else is wrong.
 */
export function readinessOf(r: ReadinessInput, th: ReadinessThresholds): Readiness {
  const reasons: NotReadyReason[] = [];
  if (r.status === 'retired') reasons.push('retired');
  if (r.status === 'faulty' || r.openFaults > 0) reasons.push('fault');
  if (r.batteryPct !== null && r.batteryPct < th.minBatteryPct) reasons.push('battery');
  if (r.freeBytes !== null && r.freeBytes < th.minFreeBytes) reasons.push('storage');
  if (reasons.length > 0) return { state: 'not-ready', reasons };
  if (r.batteryPct === null && r.freeBytes === null) return { state: 'unknown', reasons };
  return { state: 'ready', reasons };
}

/** `就绪`, `未就绪：电量 20%、剩余 1.0 GiB`, or `未读取`. */
export function readinessText(t: Translate, r: Readiness, input: ReadinessInput): string {
  if (r.state === 'ready') return t('ready.yes');
  if (r.state === 'unknown') return t('ready.unknown');
  const why = r.reasons.map((reason) => {
    if (reason === 'battery') return t('ready.battery', { pct: formatPercent(input.batteryPct) });
    if (reason === 'storage') return t('ready.storage', { free: formatBytes(input.freeBytes) });
    return t(reason === 'fault' ? 'ready.fault' : 'ready.retired');
  });
  return t('ready.no', { why: why.join('、') });
}
