import type { SessionStep } from '../dock/session-steps.ts';
import type { DomainKey } from './domain.ts';

/**
 * Dock session steps (agent/dock/session-steps.ts) in words, for the Now page and dockctl status:
 * also `done` (a recorder left docked after its session) and `held` (waiting for the manager's
 * decision). Typed by SessionStep: a step without words fails type-checking.
 */
export const STEP_WORDS: Readonly<Record<SessionStep | 'done', DomainKey>> = {
  detected: 'step.detected',
  held: 'step.held',
  identified: 'step.identified',
  'clock-read': 'step.clockRead',
  'checked-in': 'step.checkedIn',
  'officer-written': 'step.officerWritten',
  'officer-write-failed': 'step.officerWriteFailed',
  'clock-synced': 'step.clockSynced',
  'mass-storage': 'step.massStorage',
  mounted: 'step.mounted',
  'wipes-reconciled': 'step.wipesReconciled',
  listed: 'step.listed',
  ingesting: 'step.ingesting',
  'wipes-refused': 'step.wipesRefused',
  'storage-read': 'step.storageRead',
  finished: 'step.finished',
  'ended-early': 'step.endedEarly',
  released: 'step.released',
  done: 'step.done',
};

/** A step as its words key; an unknown step (from a newer build's status file) stays as it is. */
export function stepWords(step: string, text: (key: DomainKey) => string): string {
  return Object.hasOwn(STEP_WORDS, step) ? text(STEP_WORDS[step as SessionStep]) : step;
}
