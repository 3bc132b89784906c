import { field, optionalField } from '../request-input.ts';
import { redirect } from '../responses.ts';
import { needs, type Route } from '../router.ts';
import { userOf, type WebContext } from '../web-context.ts';
import { BadRequestError } from '../web-errors.ts';
import { parseZonedDateTime } from '../zoned-dates.ts';

const BACK = () => '/recorders';

function required(ctx: WebContext, name: string, maxLength: number): string {
  const v = field(ctx.form, name, maxLength);
  if (v === '') throw new BadRequestError(ctx.t('error.required', { field: name }));
  return v;
}

function done(ctx: WebContext): void {
  redirect(ctx.res, '/recorders?done=saved');
}

function registerRecorder(ctx: WebContext): void {
  ctx.rt.ledger.registerRecorder({
    serial: required(ctx, 'serial', 64),
    model: optionalField(ctx.form, 'model', 64),
    vendor: optionalField(ctx.form, 'vendor', 64),
  });
  done(ctx);
}

function registerOfficer(ctx: WebContext): void {
  ctx.rt.ledger.registerOfficer({
    officerNo: required(ctx, 'officerNo', 32),
    name: required(ctx, 'name', 64),
    unit: optionalField(ctx.form, 'unit', 100),
  });
  done(ctx);
}

function bindRecorder(ctx: WebContext): void {
  ctx.rt.ledger.access.bindRecorder(
    required(ctx, 'serial', 64),
    optionalField(ctx.form, 'officerNo', 32),
    userOf(ctx).account.username,
  );
  done(ctx);
}

function reportFault(ctx: WebContext): void {
  const observedText = field(ctx.form, 'observedAt', 40);
  const observedAt = observedText === '' ? ctx.rt.now() : parseZonedDateTime(observedText, ctx.rt.timeZone);
  if (!observedAt) throw new BadRequestError(ctx.t('error.dateTime'));
  if (observedAt.getTime() > ctx.rt.now().getTime() + 5 * 60_000)
    throw new BadRequestError(ctx.t('recorders.observedFuture'));
  ctx.rt.ledger.reportFault({
    serial: required(ctx, 'serial', 64),
    reportedBy: userOf(ctx).account.username,
    observedAt,
    description: required(ctx, 'description', 1000),
  });
  done(ctx);
}

function resolveFault(ctx: WebContext): void {
  const faultId = ctx.params.id ?? '';
  const { ledger } = ctx.rt;
  ledger.transaction(() => {
    const fault = ledger.resolveFault(faultId, optionalField(ctx.form, 'note', 500));
    const recorder = ledger.find.recorder(fault.serial);
    if (ctx.form.get('inService') === '1' && recorder?.status === 'faulty')
      ledger.setRecorderStatus(fault.serial, 'in_service', null);
  });
  done(ctx);
}

function retireRecorder(ctx: WebContext): void {
  ctx.rt.ledger.setRecorderStatus(required(ctx, 'serial', 64), 'retired', required(ctx, 'reason', 200));
  done(ctx);
}

function formRoute(path: string, handler: (ctx: WebContext) => void): Route {
  return { method: 'POST', path, access: needs('recorders.manage'), kind: 'page', handler, formPage: BACK };
}

/** The recorders page's forms (R7, R8): register, officers, binding, faults, retirement. */
export const recorderFormRoutes: readonly Route[] = [
  formRoute('/recorders', registerRecorder),
  formRoute('/officers', registerOfficer),
  formRoute('/recorders/bind', bindRecorder),
  formRoute('/recorders/fault', reportFault),
  formRoute('/recorders/retire', retireRecorder),
  formRoute('/faults/:id/resolve', resolveFault),
];
