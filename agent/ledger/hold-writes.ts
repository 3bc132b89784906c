import { requireActor } from './actor-checks.ts';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import { optionalText, requireOneOf, requireText } from './input-checks.ts';
import type { HoldGround, HoldScope } from './lifecycle-events.ts';
import { queueHold } from './lifecycle-outbox.ts';
import { findClip, findRecorder, findSession } from './record-lookups.ts';
import { findHold } from './retention-queries.ts';
import type { WriteContext } from './write-context.ts';

/** Every R4 ground, in the order of the rule. */
export const HOLD_GROUNDS: readonly HoldGround[] = ['dispute', 'obstruction', 'incident', 'major'];

/** An R4 hold to place. */
export interface HoldInput {
  readonly scope: HoldScope;
  readonly clipId?: string | null;
  readonly sessionId?: string | null;
  readonly serial?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
  readonly ground: HoldGround;
  readonly caseName: string;
  readonly caseNo: string;
  readonly placedBy: string;
}

function target(ctx: WriteContext, h: HoldInput) {
  const none = { clipId: null, sessionId: null, serial: null, from: null, to: null };
  if (h.scope === 'clip') {
    const clipId = requireText('clipId', h.clipId);
    if (!findClip(ctx.db, clipId))
      throw new LedgerStateError(`the clip ${clipId} is not sealed in the ledger`);
    return { ...none, clipId };
  }
  if (h.scope === 'session') {
    const sessionId = requireText('sessionId', h.sessionId);
    if (!findSession(ctx.db, sessionId))
      throw new LedgerStateError(`the dock session ${sessionId} is not in the ledger`);
    return { ...none, sessionId };
  }
  const serial = requireText('serial', h.serial);
  if (!findRecorder(ctx.db, serial)) throw new LedgerStateError(`the recorder ${serial} is not registered`);
  if (!(h.from instanceof Date) || !(h.to instanceof Date) || !(h.from.getTime() < h.to.getTime()))
    throw new LedgerInputError('a hold on a recorder needs a time range: from before to');
  return { ...none, serial, from: h.from.toISOString(), to: h.to.toISOString() };
}

/** Place an R4 hold (manager or supervisor); returns its id. It blocks every purge it covers. */
export function placeHold(ctx: WriteContext, h: HoldInput): string {
  const scope = requireOneOf('scope', h.scope, ['clip', 'session', 'recorder'] as const);
  const placedBy = requireActor(ctx.db, 'placedBy', h.placedBy, ['manager', 'supervisor'], 'placing a hold');
  const holdId = ctx.newId();
  const at = ctx.now();
  const data = {
    holdId,
    scope,
    ...target(ctx, { ...h, scope }),
    ground: requireOneOf('ground', h.ground, HOLD_GROUNDS),
    caseName: requireText('caseName', h.caseName?.trim()),
    caseNo: requireText('caseNo', h.caseNo?.trim()),
    placedBy,
    placedAt: at.toISOString(),
  };
  const ev = ctx.events.append('hold.placed', data, at);
  const { placedBy: by, placedAt, ...hold } = data;
  queueHold(ctx, { ...hold, change: 'held', by, at: placedAt }, ev.seq);
  return holdId;
}

/** Lift a hold: only a supervisor, with a reason. */
export function liftHold(
  ctx: WriteContext,
  input: { holdId: string; liftedBy: string; reason: string },
): void {
  const holdId = requireText('holdId', input.holdId);
  const hold = findHold(ctx.db, holdId);
  if (!hold) throw new LedgerStateError(`the hold ${holdId} is not in the ledger`);
  if (hold.liftedAt !== null) throw new LedgerStateError(`the hold ${holdId} was already lifted`);
  const liftedBy = requireActor(ctx.db, 'liftedBy', input.liftedBy, ['supervisor'], 'lifting a hold');
  const reason = optionalText('reason', input.reason?.trim());
  if (!reason) throw new LedgerInputError('lifting a hold needs a reason');
  const at = ctx.now();
  const ev = ctx.events.append('hold.lifted', { holdId, liftedBy, reason, liftedAt: at.toISOString() }, at);
  const { scope, clipId, sessionId, serial, ground, caseName, caseNo } = hold;
  const times = { from: hold.from?.toISOString() ?? null, to: hold.to?.toISOString() ?? null };
  const body = { scope, clipId, sessionId, serial, ...times, ground, caseName, caseNo };
  queueHold(ctx, { ...body, change: 'hold-lifted', holdId, by: liftedBy, at: at.toISOString() }, ev.seq);
}
