import type { GapDraft } from '../../ledger/gap-signatures.ts';
import type { AlertRecord } from '../../ledger/ledger-records.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { field } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { namer } from '../things-named.ts';
import { userCan, userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';

/** Who signed (✓ with time and how) and who has not yet, one line per signer. */
function signerList(ctx: WebContext, d: GapDraft): SafeHtml {
  const n = namer(ctx.rt.ledger, ctx.t, ctx.rt.timeZone);
  return html`<ul class="signers">${d.signers.map((no) => {
    const s = d.signatures.find((x) => x.officerNo === no);
    return html`<li data-signer="${no}" data-signed="${String(Boolean(s))}">${n.officer(no)}：${
      s
        ? ctx.t('gaps.signedAt', {
            at: formatDateTime(s.signedAt, ctx.rt.timeZone),
            how: ctx.t(`gapSign.${s.method}` as const),
          })
        : ctx.t('gaps.notSigned')
    }</li>`;
  })}</ul>`;
}

/** The explanation as entered: text, who entered it and when, and each signer's state. */
export function draftFacts(ctx: WebContext, d: GapDraft): SafeHtml {
  return html`<div class="gap-draft" data-draft="${d.alertId}"><p class="explanation">${d.text}</p>
<p class="hint">${ctx.t('gaps.enteredBy', {
    by: d.enteredBy,
    at: formatDateTime(d.enteredAt, ctx.rt.timeZone),
  })}</p>${signerList(ctx, d)}</div>`;
}

/** The form entering (or replacing) an explanation, with the signers' officer numbers. */
function draftForm(ctx: WebContext, a: AlertRecord, d: GapDraft | null): SafeHtml {
  const t = ctx.t;
  const again = ctx.flashError !== null && ctx.form.get('alertId') === a.id;
  const text = again ? (ctx.form.get('text') ?? '') : (d?.text ?? '');
  const signers = again ? ctx.form.getAll('signedBy') : (d?.signers ?? []);
  const signer = (i: number) =>
    html`<input name="signedBy"${i < 2 ? html` required` : ''} maxlength="32" size="8" value="${signers[i] ?? ''}">`;
  return postForm(
    ctx,
    `/alerts/${encodeURIComponent(a.id)}/explain`,
    html`<input type="hidden" name="alertId" value="${a.id}">
<label>${t('alerts.explanation')} <textarea name="text" rows="2" required minlength="10" maxlength="2000">${text}</textarea></label>
<span class="signers">${t('alerts.signedBy')} ${signer(0)} ${signer(1)} ${signer(2)}</span>
${d ? html`<p class="hint">${t('gaps.redraftHint')}</p>` : ''}
<button type="submit">${t(d ? 'gaps.redraft' : 'alerts.explain')}</button>`,
    { className: 'stacked explain-form', data: { alert: a.id, kind: 'explain' } },
  );
}

/** A signer who is here in person signs at the manager's page with their own password. */
function inPersonForm(ctx: WebContext, a: AlertRecord): SafeHtml {
  const t = ctx.t;
  return postForm(
    ctx,
    `/alerts/${encodeURIComponent(a.id)}/sign`,
    html`<span class="legend">${t('gaps.inPerson')}</span>
<label>${t('login.username')} <input name="username" required maxlength="32" autocomplete="off"></label>
<label>${t('login.password')} <input name="password" type="password" required maxlength="1024" autocomplete="off"></label>
<button type="submit">${t('gaps.sign')}</button>`,
    { className: 'inline sign-form', data: { alert: a.id, kind: 'sign-in-person' } },
  );
}

/** What the alerts page shows for an open gap: the draft and its signatures, and the forms. */
export function openGapActions(ctx: WebContext, a: AlertRecord): SafeHtml {
  const d = ctx.rt.ledger.gaps.current(a.id);
  const manage = userCan(ctx, 'gaps.explain');
  return html`${d ? draftFacts(ctx, d) : html`<p class="hint" data-waiting="explanation">${ctx.t('gaps.noDraft')}</p>`}${
    manage && d ? inPersonForm(ctx, a) : ''
  }${manage ? draftForm(ctx, a, d) : ''}`;
}

/** The explanation of a resolved gap, who signed it, and whether the supervisor has read it. */
export function explainedGap(ctx: WebContext, a: AlertRecord): SafeHtml {
  const d = ctx.rt.ledger.gaps.current(a.id);
  if (!d) {
    const old = ctx.rt.ledger.sessionRecords.gapExplanation(a.id);
    return old ? html`<p class="explanation">${old.text}</p>` : html``;
  }
  const ack = d.acknowledged
    ? html`<p class="ok" data-acknowledged="true">${ctx.t('gaps.acknowledged', {
        by: d.acknowledged.by,
        at: formatDateTime(d.acknowledged.at, ctx.rt.timeZone),
      })}</p>`
    : userCan(ctx, 'gaps.acknowledge')
      ? postForm(
          ctx,
          `/gaps/${encodeURIComponent(a.id)}/acknowledge`,
          html`<button type="submit">${ctx.t('gaps.acknowledge')}</button>`,
          { data: { alert: a.id, kind: 'acknowledge' } },
        )
      : html`<p class="hint" data-acknowledged="false">${ctx.t('gaps.notAcknowledged')}</p>`;
  return html`${draftFacts(ctx, d)}${ack}`;
}

/** `/gaps`: the explanations waiting for my signature, and (supervisor) those waiting to be read. */
function gapsPage(ctx: WebContext): void {
  const t = ctx.t;
  const { ledger } = ctx.rt;
  const n = namer(ledger, t, ctx.rt.timeZone);
  const me = userOf(ctx).account;
  const mine = me.officerNo ? ledger.gaps.awaiting(me.officerNo) : [];
  const row = (d: GapDraft, action: SafeHtml) => {
    const alert = ledger.queries.openAlerts().find((a) => a.id === d.alertId);
    return html`<tr data-alert="${d.alertId}"><td>${alert ? n.subject(alert.subject).text : ''}</td><td>${draftFacts(
      ctx,
      d,
    )}</td><td class="no-print">${action}</td></tr>`;
  };
  const toSign = mine.map((d) =>
    row(
      d,
      postForm(
        ctx,
        `/gaps/${encodeURIComponent(d.alertId)}/sign`,
        html`<button type="submit">${t('gaps.sign')}</button>`,
        {
          data: { alert: d.alertId, kind: 'sign' },
        },
      ),
    ),
  );
  const body = html`<p class="hint">${t('gaps.hint')}</p>
<section id="gaps-to-sign"><h2>${t('gaps.toSign')}</h2>
${me.officerNo ? '' : html`<p class="hint">${t('gaps.noOfficerNo')}</p>`}
${simpleTable([t('alerts.subject'), t('alerts.explanation'), ''], toSign, { id: 'gap-sign-table', empty: t('gaps.noneToSign') })}
</section>
${userCan(ctx, 'gaps.acknowledge') ? toRead(ctx) : ''}`;
  sendPage(ctx, { title: t('nav.gaps'), active: '/gaps', body, pageId: 'gaps' });
}

function toRead(ctx: WebContext): SafeHtml {
  const { ledger } = ctx.rt;
  const n = namer(ledger, ctx.t, ctx.rt.timeZone);
  const rows = ledger.gaps.unacknowledged().map((id) => {
    const alert = ledger.queries.resolvedAlerts(new Date(0)).find((a) => a.id === id);
    return html`<tr data-alert="${id}"><td>${alert ? n.subject(alert.subject).text : ''}</td><td>${
      alert ? explainedGap(ctx, alert) : ''
    }</td></tr>`;
  });
  return html`<section id="gaps-to-read"><h2>${ctx.t('gaps.toRead')}</h2>
${simpleTable([ctx.t('alerts.subject'), ctx.t('alerts.explanation')], rows, { id: 'gap-read-table', empty: ctx.t('common.noRows') })}
</section>`;
}

function signersOf(ctx: WebContext): string[] {
  const signers = ctx.form
    .getAll('signedBy')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (signers.length > 10) throw new BadRequestError(ctx.t('alerts.tooManySigners'));
  return signers;
}

function explain(ctx: WebContext): void {
  ctx.rt.ledger.gaps.draft({
    alertId: ctx.params.id ?? '',
    text: field(ctx.form, 'text', 2000),
    signers: signersOf(ctx),
    enteredBy: userOf(ctx).account.username,
  });
  redirect(ctx.res, '/alerts?done=saved');
}

async function signInPerson(ctx: WebContext): Promise<void> {
  const done = await ctx.rt.gapSigning.signInPerson(
    ctx.params.id ?? '',
    field(ctx.form, 'username', 64),
    ctx.form.get('password') ?? '',
    ctx.req.socket.remoteAddress ?? '',
  );
  redirect(ctx.res, `/alerts?done=${done.complete ? 'explained' : 'signed'}`);
}

function signWithLogin(ctx: WebContext): void {
  const done = ctx.rt.gapSigning.signWithLogin(userOf(ctx).account, ctx.params.id ?? '');
  redirect(ctx.res, `/gaps?done=${done.complete ? 'explained' : 'signed'}`);
}

function acknowledge(ctx: WebContext): void {
  ctx.rt.ledger.gaps.acknowledge(ctx.params.id ?? '', userOf(ctx).account.username);
  redirect(ctx.res, '/gaps?done=saved');
}

const form = (path: string, access: Route['access'], handler: Route['handler'], back: string): Route => ({
  method: 'POST',
  path,
  access,
  kind: 'page',
  handler,
  formPage: () => back,
});

/** R9 on the page: entering, signing (own login or in person) and reading gap explanations. */
export const gapRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/gaps',
    access: needs('gaps.sign', 'gaps.acknowledge'),
    kind: 'page',
    handler: gapsPage,
  },
  form('/alerts/:id/explain', needs('gaps.explain'), explain, '/alerts'),
  form('/alerts/:id/sign', needs('gaps.explain'), signInPerson, '/alerts'),
  form('/gaps/:id/sign', needs('gaps.sign'), signWithLogin, '/gaps'),
  form('/gaps/:id/acknowledge', needs('gaps.acknowledge'), acknowledge, '/gaps'),
];
