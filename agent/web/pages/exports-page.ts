import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errnoCode } from '../../errors.ts';
import { exportPackageDir, zipExportPackage } from '../../export/export-service.ts';
import type { ExportRecord } from '../../ledger/access-records.ts';
import { formatBytes } from '../../reports/byte-format.ts';
import { formatDateTime } from '../display-format.ts';
import type { ExportJob } from '../export-jobs.ts';
import { html, type SafeHtml } from '../html.ts';
import { sendPage } from '../layout.ts';
import { downloadHeaders } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { ForbiddenError, NotFoundError } from '../web-errors.ts';

/** Export ids as EXPORT makes them (checked before any look-up or path is built). */
const EXPORT_ID_PATTERN = /^[0-9a-f-]{8,64}$/;

function mayDownload(ctx: WebContext, e: ExportRecord): boolean {
  return e.createdBy === userOf(ctx).account.username || userCan(ctx, 'footage.decide');
}

function jobRows(ctx: WebContext, jobs: readonly ExportJob[]): SafeHtml[] {
  return jobs.map((j) => {
    const state =
      j.state === 'running'
        ? ctx.t('exports.running', { done: j.done, total: j.total, bytes: formatBytes(j.bytes) })
        : j.state === 'done'
          ? ctx.t('exports.done')
          : (j.error ?? ctx.t('exports.failed'));
    return html`<tr data-job="${j.id}" data-state="${j.state}"><td>${formatDateTime(j.startedAt, ctx.rt.timeZone)}</td><td>${
      j.createdBy
    }</td><td>${j.requestId.slice(0, 8)}</td><td class="${j.state === 'failed' ? 'bad' : ''}">${state}</td><td>${
      j.state === 'running' ? html`<progress max="${j.total || 1}" value="${j.done}"></progress>` : ''
    }</td></tr>`;
  });
}

function exportsPage(ctx: WebContext): void {
  const t = ctx.t;
  const tz = ctx.rt.timeZone;
  const jobs = ctx.rt.exportJobs.list(
    userCan(ctx, 'footage.decide') ? undefined : userOf(ctx).account.username,
  );
  const running = jobs.some((j) => j.state === 'running');
  const rows = ctx.rt.ledger.accessQueries
    .exports()
    .map(
      (e) =>
        html`<tr data-export="${e.id}"><td>${formatDateTime(e.createdAt, tz)}</td><td>${e.id}</td><td>${e.createdBy}</td><td>${
          e.caseNo ?? ''
        }</td><td class="num">${e.clipIds.length}</td><td class="num">${formatBytes(e.bytes)}</td><td class="hash">${e.manifestSha256.slice(
          0,
          16,
        )}…</td><td class="no-print">${
          mayDownload(ctx, e)
            ? html`<a class="button" href="${`/exports/${encodeURIComponent(e.id)}/download`}">${t('exports.download')}</a>`
            : ''
        }</td></tr>`,
    );
  const jobSection = jobs.length
    ? html`<section id="export-jobs"${running ? html` data-refresh="2"` : ''}><h2>${t('exports.jobs')}</h2>${simpleTable(
        [t('exports.startedAt'), t('exports.by'), t('exports.request'), t('exports.state'), ''],
        jobRows(ctx, jobs),
        { id: 'export-job-table', empty: '' },
      )}</section>`
    : '';
  const body = html`${jobSection}<section id="exports"><h2>${t('exports.list')}</h2>
<p class="hint">${t('exports.hint')}</p>
${simpleTable(
  [
    t('exports.createdAt'),
    t('exports.id'),
    t('exports.by'),
    t('clips.caseNo'),
    t('access.clips'),
    t('clips.size'),
    t('exports.manifest'),
    '',
  ],
  rows,
  { id: 'export-table', empty: t('exports.none') },
)}</section>`;
  sendPage(ctx, { title: t('nav.exports'), active: '/exports', body, printable: true, pageId: 'exports' });
}

async function downloadExport(ctx: WebContext): Promise<void> {
  const id = ctx.params.id ?? '';
  const record = EXPORT_ID_PATTERN.test(id) ? ctx.rt.ledger.accessQueries.export(id) : null;
  if (!record) throw new NotFoundError();
  if (!mayDownload(ctx, record)) throw new ForbiddenError(ctx.t('exports.notYours'));
  const dir = exportPackageDir(ctx.rt.exportsDir, record.id);
  try {
    if (!(await stat(dir)).isDirectory()) throw new NotFoundError(ctx.t('exports.folderMissing'));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new NotFoundError(ctx.t('exports.folderMissing'));
    throw err;
  }
  ctx.rt.ledger.access.log({
    username: userOf(ctx).account.username,
    action: 'export-download',
    target: `export:${record.id}`,
    requestId: record.requestId,
  });
  ctx.res.writeHead(200, downloadHeaders('application/zip', `export-${record.id}.zip`));
  if (ctx.method === 'HEAD') {
    ctx.res.end();
    return;
  }
  try {
    await pipeline(zipExportPackage(dir) as Readable, ctx.res);
  } catch (err) {
    if (errnoCode(err) !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** `/exports` (导出): packages and running jobs; a package as a zip (creator or supervisor), logged. */
export const exportRoutes: readonly Route[] = [
  { method: 'GET', path: '/exports', access: needs('exports.view'), kind: 'page', handler: exportsPage },
  {
    method: 'GET',
    path: '/exports/:id/download',
    access: needs('exports.view'),
    kind: 'page',
    handler: downloadExport,
  },
];
