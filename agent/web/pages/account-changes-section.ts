import type { AccountProposal } from '../../ledger/account-proposals.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm } from '../layout.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userOf, type WebContext } from '../web-context.ts';

function actions(ctx: WebContext, p: AccountProposal, mode: 'decide' | 'withdraw'): SafeHtml {
  const base = `/account-changes/${encodeURIComponent(p.id)}`;
  const t = ctx.t;
  if (mode === 'withdraw')
    return postForm(ctx, `${base}/withdraw`, html`<button type="submit">${t('users.withdraw')}</button>`, {
      data: { proposal: p.id, kind: 'withdraw' },
    });
  const me = userOf(ctx).account.username;
  if (me === p.proposedBy || me === p.username)
    return html`<span class="hint">${t('accountChange.notYours')}</span>`;
  return html`${postForm(
    ctx,
    `${base}/confirm`,
    html`<button type="submit">${t('accountChange.confirm')}</button>`,
    {
      data: { proposal: p.id, kind: 'confirm' },
    },
  )} ${postForm(
    ctx,
    `${base}/refuse`,
    html`<button type="submit" class="danger">${t('accountChange.refuse')}</button>`,
    { data: { proposal: p.id, kind: 'refuse' } },
  )}`;
}

/**
 * Account changes waiting for a supervisor (R6): on the users page with "withdraw" for the
 * administrator, on the access page with "confirm" / "refuse" for the supervisor.
 */
export function pendingChanges(ctx: WebContext, mode: 'decide' | 'withdraw'): SafeHtml {
  const t = ctx.t;
  const pending = ctx.rt.accountChanges.pending();
  if (mode === 'decide' && pending.length === 0) return html``;
  const rows = pending.map(
    (p) =>
      html`<tr data-proposal="${p.id}" data-change="${p.change}"><td>${p.username}</td><td>${t(
        `accountChange.${p.change}` as const,
      )}</td><td>${t(`role.${p.role}` as const)}</td><td>${p.officerNo ?? ''}</td><td>${p.proposedBy}</td><td>${formatDateTime(
        p.proposedAt,
        ctx.rt.timeZone,
      )}</td><td class="no-print">${actions(ctx, p, mode)}</td></tr>`,
  );
  return html`<section id="account-changes"><h2>${t('accountChange.title')}</h2>
<p class="hint">${t('accountChange.hint')}</p>
${simpleTable(
  [
    t('users.username'),
    t('accountChange.change'),
    t('users.role'),
    t('common.officerNo'),
    t('accountChange.proposedBy'),
    t('accountChange.proposedAt'),
    '',
  ],
  rows,
  { id: 'account-change-table', empty: t('common.noRows') },
)}</section>`;
}

function confirm(ctx: WebContext): void {
  ctx.rt.accountChanges.confirm(ctx.params.id ?? '', userOf(ctx).account.username);
  redirect(ctx.res, '/access?done=saved');
}

function refuse(ctx: WebContext): void {
  ctx.rt.accountChanges.refuse(ctx.params.id ?? '');
  redirect(ctx.res, '/access?done=saved');
}

/** The supervisor's confirm / refuse of an account change (R6). */
export const accountChangeRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/account-changes/:id/confirm',
    access: needs('accounts.confirm'),
    kind: 'page',
    handler: confirm,
    formPage: () => '/access',
  },
  {
    method: 'POST',
    path: '/account-changes/:id/refuse',
    access: needs('accounts.confirm'),
    kind: 'page',
    handler: refuse,
    formPage: () => '/access',
  },
];
