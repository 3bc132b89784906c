import type { ChangeOutcome } from '../../access/account-changes.ts';
import { ACCOUNT_ROLES, isAccountRole } from '../../access/permissions.ts';
import type { AccountRecord } from '../../ledger/access-records.ts';
import type { AccountRole } from '../../ledger/event-types.ts';
import { formatDateTime } from '../display-format.ts';
import { html, type SafeHtml } from '../html.ts';
import { postForm, sendPage } from '../layout.ts';
import { field, optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { simpleTable } from '../table-view.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { pendingChanges } from './account-changes-section.ts';

function roleSelect(ctx: WebContext, selected: AccountRole | null): SafeHtml {
  return html`<select name="role" required>${ACCOUNT_ROLES.map(
    (r) =>
      html`<option value="${r}"${r === selected ? html` selected` : ''}>${ctx.t(`role.${r}` as const)}</option>`,
  )}</select>`;
}

function accountRow(ctx: WebContext, a: AccountRecord): SafeHtml {
  const t = ctx.t;
  const base = `/users/${encodeURIComponent(a.username)}`;
  return html`<tr data-username="${a.username}" data-disabled="${String(a.disabled)}"><td>${a.username}</td><td>${t(
    `role.${a.role}` as const,
  )}</td><td>${a.officerNo ?? ''}</td><td>${a.disabled ? t('users.disabled') : t('users.enabled')}</td><td>${formatDateTime(
    a.createdAt,
    ctx.rt.timeZone,
  )}</td><td>${a.changedBy ?? ''}</td><td class="no-print">
${postForm(ctx, `${base}/role`, html`${roleSelect(ctx, a.role)} <button type="submit">${t('users.changeRole')}</button>`)}
${postForm(
  ctx,
  `${base}/disabled`,
  html`<input type="hidden" name="disabled" value="${a.disabled ? '0' : '1'}"><button type="submit" class="${
    a.disabled ? '' : 'danger'
  }">${a.disabled ? t('users.enable') : t('users.disable')}</button>`,
)}
${postForm(
  ctx,
  `${base}/password`,
  html`<input type="password" name="password" autocomplete="new-password" required maxlength="256" placeholder="${t(
    'users.newPassword',
  )}"> <button type="submit">${t('users.setPassword')}</button>`,
)}</td></tr>`;
}

function usersPage(ctx: WebContext): void {
  const t = ctx.t;
  const rows = ctx.rt.accounts.list().map((a) => accountRow(ctx, a));
  const body = html`${simpleTable(
    [
      t('users.username'),
      t('users.role'),
      t('common.officerNo'),
      t('users.state'),
      t('users.createdAt'),
      t('users.changedBy'),
      '',
    ],
    rows,
    { id: 'user-table', empty: t('common.noRows') },
  )}
${postForm(
  ctx,
  '/users',
  html`<h2>${t('users.add')}</h2>
<label>${t('users.username')} <input name="username" required maxlength="32" autocomplete="off"></label>
<label>${t('users.role')} ${roleSelect(ctx, null)}</label>
<label>${t('common.officerNo')} <input name="officerNo" maxlength="32"></label>
<label>${t('users.initialPassword')} <input type="password" name="password" required maxlength="256" autocomplete="new-password"></label>
<p class="hint">${t('users.passwordHint')}</p>
<p class="hint">${t('users.confirmHint')}</p>
<button type="submit">${t('users.add')}</button>`,
  { className: 'card stacked no-print', id: 'add-user' },
)}
${pendingChanges(ctx, 'withdraw')}`;
  sendPage(ctx, { title: t('nav.users'), active: '/users', body, pageId: 'users' });
}

function roleField(ctx: WebContext): AccountRole {
  const role = field(ctx.form, 'role', 20);
  if (!isAccountRole(role)) throw new BadRequestError(ctx.t('users.badRole'));
  return role;
}

/** Back to the list, saying whether the change was saved or waits for a supervisor. */
function done(ctx: WebContext, outcome: ChangeOutcome): void {
  redirect(ctx.res, `/users?done=${outcome === 'pending' ? 'pending' : 'saved'}`);
}

async function addUser(ctx: WebContext): Promise<void> {
  const outcome = await ctx.rt.accountChanges.add(
    {
      username: field(ctx.form, 'username', 64),
      role: roleField(ctx),
      officerNo: optionalField(ctx.form, 'officerNo', 32),
      password: ctx.form.get('password') ?? '',
    },
    userOf(ctx).account.username,
  );
  done(ctx, outcome);
}

function setRole(ctx: WebContext): void {
  done(
    ctx,
    ctx.rt.accountChanges.setRole(ctx.params.username ?? '', roleField(ctx), userOf(ctx).account.username),
  );
}

function setDisabled(ctx: WebContext): void {
  const value = field(ctx.form, 'disabled', 1);
  if (value !== '0' && value !== '1') throw new BadRequestError(ctx.t('users.badState'));
  done(
    ctx,
    ctx.rt.accountChanges.setDisabled(ctx.params.username ?? '', value === '1', userOf(ctx).account.username),
  );
}

async function setPassword(ctx: WebContext): Promise<void> {
  const outcome = await ctx.rt.accountChanges.setPassword(
    ctx.params.username ?? '',
    ctx.form.get('password') ?? '',
    userOf(ctx).account.username,
  );
  done(ctx, outcome);
}

function withdraw(ctx: WebContext): void {
  ctx.rt.accountChanges.refuse(ctx.params.id ?? '');
  redirect(ctx.res, '/users?done=saved');
}

function formRoute(path: string, handler: (ctx: WebContext) => void | Promise<void>): Route {
  return {
    method: 'POST',
    path,
    access: needs('users.manage'),
    kind: 'page',
    handler,
    formPage: () => '/users',
  };
}

/** `/users`: accounts (add, role, disable / enable, password). */
export const userRoutes: readonly Route[] = [
  { method: 'GET', path: '/users', access: needs('users.manage'), kind: 'page', handler: usersPage },
  formRoute('/users', addUser),
  formRoute('/users/:username/role', setRole),
  formRoute('/users/:username/disabled', setDisabled),
  formRoute('/users/:username/password', setPassword),
  formRoute('/account-changes/:id/withdraw', withdraw),
];
