import { type FileHandle, open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { footageAccess } from '../../access/footage-policy.ts';
import { errnoCode } from '../../errors.ts';
import type { ClipView } from '../../ledger/access-queries.ts';
import { parseByteRange } from '../byte-range.ts';
import { vaultFileOf } from '../clip-checks.ts';
import { downloadHeaders } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { ForbiddenError, NotFoundError, WebRequestError } from '../web-errors.ts';
import { CLIP_ID_PATTERN } from './clip-page.ts';
import { fileNameOf } from './clips-page.ts';

/** The clip of `:id` if the user may have its footage for `purpose` (R6), with the approval it rests on. */
function footageClip(
  ctx: WebContext,
  purpose: 'view' | 'export',
): { clip: ClipView; requestId: string | null } {
  const id = ctx.params.id ?? '';
  if (!CLIP_ID_PATTERN.test(id)) throw new NotFoundError();
  const decision = footageAccess(ctx.rt.ledger, userOf(ctx).account, id, purpose, ctx.rt.now());
  if (!decision.allowed) {
    if (decision.reason === 'clip-unknown') throw new NotFoundError();
    throw new ForbiddenError(ctx.t('clip.footageRefused'));
  }
  const clip = ctx.rt.ledger.accessQueries.clip(id);
  if (!clip) throw new NotFoundError();
  return { clip, requestId: decision.requestId };
}

async function openVaultFile(ctx: WebContext, clip: ClipView): Promise<FileHandle> {
  // A clip evicted for space comes back from its off-site copy, verified against its seal.
  await ctx.rt.lifecycle?.fetchBack.ensureLocal(clip.sha256);
  try {
    return await open(vaultFileOf(ctx.rt.paths.vaultDir, clip), 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new NotFoundError(ctx.t('clip.fileMissing'));
    throw err;
  }
}

async function send(ctx: WebContext, fh: FileHandle, start: number, end: number): Promise<void> {
  if (ctx.method === 'HEAD' || end < start) {
    ctx.res.end();
    return;
  }
  try {
    await pipeline(fh.createReadStream({ start, end, highWaterMark: 256 * 1024, autoClose: false }), ctx.res);
  } catch (err) {
    // A player that seeks or closes aborts its request: that is not an error of the dock.
    if (errnoCode(err) !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** Stream the clip to the player, with Range support; the first request of a viewing is logged. */
async function video(ctx: WebContext): Promise<void> {
  const { clip, requestId } = footageClip(ctx, 'view');
  const fh = await openVaultFile(ctx, clip);
  try {
    const size = (await fh.stat()).size;
    const range = parseByteRange(ctx.req.headers.range, size);
    if (range === 'unsatisfiable') {
      ctx.res.setHeader('content-range', `bytes */${size}`);
      throw new WebRequestError(416, ctx.t('clip.badRange'));
    }
    // A player asks for many ranges while seeking; a viewing starts at byte 0.
    if (range === null || range.start === 0) {
      ctx.rt.ledger.access.log({
        username: userOf(ctx).account.username,
        action: 'view',
        target: `clip:${clip.id}`,
        requestId,
      });
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    ctx.res.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': Math.max(0, end - start + 1),
      'cache-control': 'no-store',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    await send(ctx, fh, start, end);
  } finally {
    await fh.close();
  }
}

/** The original file as an attachment (export approval or own footage); logged. */
async function download(ctx: WebContext): Promise<void> {
  const { clip, requestId } = footageClip(ctx, 'export');
  const fh = await openVaultFile(ctx, clip);
  try {
    const size = (await fh.stat()).size;
    ctx.rt.ledger.access.log({
      username: userOf(ctx).account.username,
      action: 'download',
      target: `clip:${clip.id}`,
      requestId,
    });
    const name = `${clip.serial}-${fileNameOf(clip.sourcePath)}`;
    ctx.res.writeHead(200, downloadHeaders('video/mp4', name, name, size));
    await send(ctx, fh, 0, size - 1);
  } finally {
    await fh.close();
  }
}

/** `/clips/:id/video` and `/clips/:id/download`: footage, only under footageAccess (R6), each logged. */
export const clipFootageRoutes: readonly Route[] = [
  { method: 'GET', path: '/clips/:id/video', access: needs('footage.request'), kind: 'page', handler: video },
  {
    method: 'GET',
    path: '/clips/:id/download',
    access: needs('footage.request'),
    kind: 'page',
    handler: download,
  },
];
