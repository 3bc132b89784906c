import { domainText } from '../i18n/domain.ts';
import type { Lang } from '../i18n/lang.ts';
import type { IngestProgress } from '../ingest/progress.ts';
import { formatBytes } from '../reports/byte-format.ts';

/** Seconds as m:ss (or h:mm:ss), '--:--' when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One line describing an ingest in progress, in `lang`: name, phase, bar, bytes, rate, time left. */
export function progressLine(p: IngestProgress, width = 24, lang: Lang = 'en'): string {
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const name = p.sourcePath.split('/').at(-1) ?? p.sourcePath;
  const phase = domainText(lang, p.phase === 'copy' ? 'cli.progress.copy' : 'cli.progress.verify');
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = p.bytesPerSecond > 0 ? `${formatBytes(p.bytesPerSecond)}/s` : '-- B/s';
  const eta = domainText(lang, 'cli.progress.eta', { eta: formatEta(p.etaSeconds) });
  return `${name} ${phase} [${bar}] ${pct} ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ${rate} ${eta}`;
}
