/**
 * The places a trial stops dockd, spread over the phases of custody. Each is a failpoint
 * (agent/ops/failpoints.ts; agent/dock has `dock.*`) or a line of dockd's log that the crash
 * child turns into a failpoint (child-log-tap.ts, for the dock's steps): those fire
 * synchronously inside the logging call, so dockd stops right after the logged step.
 */
export type Phase = 'copy' | 'verify' | 'publish' | 'seal' | 'wipe' | 'forward' | 'dock';

/** What a point's subject filter names. */
export type SubjectKind =
  /** a planted recorder file (its path on the card) */
  | 'file'
  /** a fixed text (an event type, a state file) */
  | 'fixed'
  /** nothing: any hit counts */
  | 'any';

/** One kill point of the catalogue. */
export interface KillPoint {
  /** Stable id for tables and reproduction (the failpoint name, plus the fixed subject). */
  readonly id: string;
  readonly phase: Phase;
  readonly failpoint: string;
  readonly subject: SubjectKind;
  readonly fixedSubject?: string;
  /** Hits to choose from: 1…maxHit (for 'file' points, scaled to the file's blocks). */
  readonly maxHit: number;
  readonly what: string;
  /**
   * A point only a later dock reaches: 'clean' (a fault-free dock first, e.g. so a file is judged
   * already sealed) or the id of a point that stops the dock before (e.g. a wipe intent left).
   */
  readonly after?: 'clean' | string;
}

const p = (
  phase: Phase,
  failpoint: string,
  subject: SubjectKind,
  maxHit: number,
  what: string,
  fixedSubject?: string,
  after?: KillPoint['after'],
): KillPoint => ({
  id: fixedSubject ? `${failpoint}~${fixedSubject}` : failpoint,
  phase,
  failpoint,
  subject,
  fixedSubject,
  maxHit,
  what,
  ...(after ? { after } : {}),
});

/** Every point a trial can stop dockd at. */
export const KILL_POINTS: readonly KillPoint[] = [
  p('copy', 'ingest.copy.start', 'file', 1, 'a copy has opened its source and staged part'),
  p('copy', 'ingest.copy.block', 'file', 0, 'a copy is between two blocks (a random byte offset)'),
  p('copy', 'ingest.copy.checkpoint', 'file', 0, 'a prefix digest and resume state were just saved'),
  p('copy', 'fs.durable.tmp-synced', 'fixed', 3, 'a resume state is fsynced but not renamed', '.state.json'),
  p('copy', 'ingest.copy.end', 'file', 1, 'every byte is copied; the part is not yet 0440 and fsynced'),
  p('verify', 'ingest.staged.synced', 'file', 1, 'the part is fsynced and 0440; verify has not begun'),
  p('verify', 'ingest.verify.block', 'any', 24, 'a verify read-back is between two blocks'),
  p('verify', 'ingest.verify.done', 'file', 1, 'the copy verified; not yet published'),
  p('publish', 'fs.publish.linked', 'any', 6, 'the vault link exists; its folder is not fsynced'),
  p('publish', 'fs.publish.unlinked', 'any', 6, 'published; staged name unlinked, staging not fsynced'),
  p('publish', 'log.file-sealed', 'file', 1, 'published and verified; recording times and seal record next'),
  p('seal', 'dock.times.read', 'file', 1, 'published; the recording times are read next (no seal yet)'),
  p('seal', 'ledger.append', 'fixed', 4, 'inside the seal transaction (rolled back)', 'clip.sealed'),
  p('seal', 'ledger.committed', 'fixed', 4, 'the seal is committed; the wipe has not begun', 'clip.sealed'),
  p('seal', 'dock.seal.committed', 'file', 1, "the file's seal, flags and alerts are committed"),
  p('wipe', 'dock.wipe.intent', 'file', 1, 'the wipe intent is durable; the card file is not unlinked'),
  p('wipe', 'dock.wipe.unlinked', 'file', 1, 'unlinked from the card (folder fsynced); no wipe record'),
  p('wipe', 'ledger.committed', 'fixed', 4, 'the wipe record is committed', 'clip.wiped'),
  p('wipe', 'dock.wipe.confirmed', 'file', 1, 'the wipe is confirmed in the ledger'),
  p('forward', 'forwarder.file.staged', 'any', 3, 'a batch object is staged at the store, not linked'),
  p('forward', 'forwarder.acked', 'any', 3, 'the central store has the batch; the cursor is not saved'),
  p('forward', 'fs.durable.renamed', 'fixed', 3, 'state renamed, folder not fsynced', 'forwarder/state.json'),
  p('forward', 'forwarder.cursor.saved', 'any', 3, 'the cursor is saved'),
  p('dock', 'log.dock-step', 'fixed', 3, 'the recorder is listed; nothing copied yet', 'listed'),
  p(
    'dock',
    'dock.skip.matched',
    'any',
    1,
    'a file of a clean dock is judged already sealed',
    undefined,
    'clean',
  ),
  p(
    'dock',
    'dock.reconcile.intent',
    'any',
    1,
    'a wipe intent a kill left is settled',
    undefined,
    'dock.wipe.intent',
  ),
  p('dock', 'log.dock-step', 'fixed', 3, 'the session is finished', 'finished'),
  p('dock', 'ledger.committed', 'fixed', 3, 'a dock session has started', 'session.started'),
];

/** The points of a phase, in catalogue order. */
export function pointsOf(phase: Phase): KillPoint[] {
  return KILL_POINTS.filter((k) => k.phase === phase);
}

/** The point with this id. */
export function killPoint(id: string): KillPoint {
  const found = KILL_POINTS.find((k) => k.id === id);
  if (!found) throw new Error(`no kill point '${id}': see test/crash/kill-points.ts`);
  return found;
}
