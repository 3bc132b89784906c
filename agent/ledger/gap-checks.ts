import { withWords } from '../i18n/error-words.ts';
import { LedgerInputError, LedgerStateError } from './errors.ts';
import { requireText } from './input-checks.ts';
import type { AlertRecord } from './ledger-records.ts';
import { findAlert, findOfficer } from './record-lookups.ts';
import type { WriteContext } from './write-context.ts';

/** The open recording-gap alert of this id, or a refusal naming why not. */
export function openGapAlert(ctx: WriteContext, alertId: string): AlertRecord {
  const alert = findAlert(ctx.db, requireText('alertId', alertId));
  if (alert?.kind !== 'recording-gap')
    throw withWords(
      new LedgerStateError(`${alertId} is not a recording-gap alert: list them with 'dockctl alerts'`),
      'err.gap.notGap',
    );
  if (alert.resolvedAt)
    throw withWords(
      new LedgerStateError(`the gap ${alertId} is already explained or resolved`),
      'err.gap.resolved',
    );
  return alert;
}

/**
 * R9: an explanation as it is kept: the text trimmed (at least 10 characters) and its signers,
 * two or more distinct registered officers, sorted. Refuses anything less.
 */
export function checkedExplanation(
  ctx: WriteContext,
  text: string,
  signers: readonly string[],
): { text: string; signers: string[] } {
  const trimmed = requireText('text', text).trim();
  if (trimmed.length < 10)
    throw withWords(
      new LedgerInputError('the explanation is too short: write what happened (at least 10 characters)'),
      'err.gap.short',
    );
  const unique = [...new Set(signers.map((s) => requireText('signedBy', s).trim()))].sort();
  if (unique.length < 2)
    throw withWords(
      new LedgerInputError('a gap explanation must be signed by two or more different officers (R9)'),
      'err.gap.twoSigners',
    );
  const unknown = unique.filter((no) => !findOfficer(ctx.db, no));
  if (unknown.length > 0)
    throw withWords(
      new LedgerInputError(`officer ${unknown.join(', ')} is not registered: register them first`),
      'err.gap.unregistered',
      { list: unknown.join('、') },
    );
  return { text: trimmed, signers: unique };
}
