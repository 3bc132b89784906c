import type { LiveDockView, LiveRecorder } from '../dock/live-view.ts';
import { isDomainKey } from '../i18n/domain.ts';
import { stepWords } from '../i18n/session-step-words.ts';
import { formatBytes } from '../reports/byte-format.ts';
import { formatPercent, formatSeconds } from './display-format.ts';
import type { Translate } from './i18n/messages.ts';
import {
  type Readiness,
  type ReadinessThresholds,
  readinessOf,
  readinessText,
} from './recorder-readiness.ts';
import type { Namer } from './things-named.ts';
import type { WebRuntime } from './web-context.ts';

/** One docked recorder as the Now table shows it: the live facts and their words. */
export interface NowRow extends LiveRecorder {
  readonly officerText: string;
  readonly stepText: string;
  readonly batteryText: string;
  readonly storageText: string;
  readonly filesText: string;
  readonly progressText: string;
  readonly ready: Readiness['state'];
  readonly readyText: string;
}

/** What `/api/now` answers: the live view with each recorder's row in the page's language. */
export interface NowView extends Omit<LiveDockView, 'recorders'> {
  readonly recorders: readonly NowRow[];
  /** The USB bus and the forwarder's state, in words. */
  readonly usbBusText: string;
  readonly forwarderText: string;
}

/** A state word of the dock from the shared catalogue; an unknown state is shown as it is. */
function stateText(t: Translate, key: string): string {
  return isDomainKey(key) ? t(key) : key.slice(key.indexOf('.') + 1);
}

/**
 * Free storage the one way the page, the ledger and the reports write it: the free space in
 * binary units (`18.6 GiB`), whatever the capacity.
 */
export function storageText(freeBytes: number | null): string {
  return freeBytes === null ? '' : formatBytes(freeBytes);
}

function progressText(t: Translate, p: LiveRecorder['progress']): string {
  if (!p) return '';
  const eta = p.etaSeconds === null ? '' : ` · ${t('progress.eta', { eta: formatSeconds(p.etaSeconds) })}`;
  return `${t(`phase.${p.phase}` as const)} ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} · ${formatBytes(
    p.bytesPerSecond,
  )}/s${eta}`;
}

/** The live view in words for one user's language. */
export function nowView(
  rt: Pick<WebRuntime, 'ledger'>,
  live: LiveDockView,
  t: Translate,
  names: Namer,
  thresholds: ReadinessThresholds,
): NowView {
  const faults = rt.ledger.queries.openFaults();
  const recorders = live.recorders.map((r): NowRow => {
    const input = {
      status: r.serial ? (rt.ledger.find.recorder(r.serial)?.status ?? null) : null,
      openFaults: faults.filter((f) => f.serial === r.serial).length,
      batteryPct: r.batteryPct,
      freeBytes: r.freeBytes,
    };
    const readiness = readinessOf(input, thresholds);
    const step = r.held ? 'held' : r.step;
    return {
      ...r,
      // A plain USB-disk recorder reports no officer: the ledger knows who took it.
      officerText: names.officer(
        r.officerNo ?? (r.serial ? rt.ledger.accessQueries.lastOfficerOf(r.serial) : null),
      ),
      stepText: stepWords(step, t),
      batteryText: formatPercent(r.batteryPct),
      storageText: storageText(r.freeBytes),
      filesText: `${r.filesDone} / ${r.filesTotal}`,
      progressText: progressText(t, r.progress),
      ready: r.held ? 'unknown' : readiness.state,
      readyText: r.held ? '' : readinessText(t, readiness, input),
    };
  });
  return {
    ...live,
    recorders,
    usbBusText: stateText(t, `usb.${live.usbBus}`),
    forwarderText: live.forwarder ? stateText(t, `forwarder.${live.forwarder.state}`) : t('now.forwarderOff'),
  };
}
