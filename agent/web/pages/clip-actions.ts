import { field, optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { CLIP_ID_PATTERN, visibleClip } from './clip-page.ts';

function clipPath(ctx: WebContext): string {
  const id = ctx.params.id ?? '';
  return CLIP_ID_PATTERN.test(id) ? `/clips/${id}` : '/clips';
}

function verifyNow(ctx: WebContext): void {
  const clip = visibleClip(ctx);
  ctx.rt.clipChecks.start(clip, userOf(ctx).account.username);
  redirect(ctx.res, `/clips/${clip.id}?done=checked`);
}

function saveLabels(ctx: WebContext): void {
  const clip = visibleClip(ctx);
  // Without labels.personal the party field is not shown, so the stored party is kept as it is.
  const party = userCan(ctx, 'labels.personal')
    ? optionalField(ctx.form, 'party', 200)
    : (clip.labels?.party ?? null);
  ctx.rt.ledger.access.labelClip({
    clipId: clip.id,
    caseNo: optionalField(ctx.form, 'caseNo', 100),
    party,
    officerInCharge: optionalField(ctx.form, 'officerInCharge', 100),
    important: ctx.form.get('important') === '1',
    labelledBy: userOf(ctx).account.username,
  });
  redirect(ctx.res, `/clips/${clip.id}?done=saved`);
}

function requestAccess(ctx: WebContext): void {
  const clipIds = ctx.form.getAll('clipId').map((s) => s.trim());
  if (clipIds.length === 0 || clipIds.length > 200 || !clipIds.every((id) => CLIP_ID_PATTERN.test(id)))
    throw new BadRequestError(ctx.t('access.badClips'));
  const purpose = field(ctx.form, 'purpose', 10);
  if (purpose !== 'view' && purpose !== 'export') throw new BadRequestError(ctx.t('access.badPurpose'));
  ctx.rt.ledger.access.requestAccess({
    requestedBy: userOf(ctx).account.username,
    clipIds,
    purpose,
    reason: field(ctx.form, 'reason', 1000),
  });
  redirect(ctx.res, '/access?done=requested');
}

/** A refused request form shows the clip it was sent from again. */
function requestFormPage(ctx: WebContext): string {
  const ids = ctx.form.getAll('clipId');
  const only = ids.length === 1 ? (ids[0] ?? '') : '';
  return CLIP_ID_PATTERN.test(only) ? `/clips/${only}` : '/access';
}

/** The clip page's forms: verify now, labels (R2), and asking for footage access (R6). */
export const clipActionRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/clips/:id/check',
    access: needs('clips.search'),
    kind: 'page',
    handler: verifyNow,
    formPage: clipPath,
  },
  {
    method: 'POST',
    path: '/clips/:id/labels',
    access: needs('clips.label'),
    kind: 'page',
    handler: saveLabels,
    formPage: clipPath,
  },
  {
    method: 'POST',
    path: '/access-requests',
    access: needs('footage.request'),
    kind: 'page',
    handler: requestAccess,
    formPage: requestFormPage,
  },
];
