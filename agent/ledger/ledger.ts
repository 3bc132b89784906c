import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { fsyncDir, mkdirDurable } from '../fs/durable-write.ts';
import { failpoint, failpointsArmed } from '../ops/failpoints.ts';
import type { DockPaths } from '../paths.ts';
import { AccessQueries, WebSessionStore } from './access-queries.ts';
import * as access from './access-writes.ts';
import {
  type AccountConfirmationInput,
  AccountProposalStore,
  confirmAccountChange,
} from './account-proposals.ts';
import { type AnyAlertInput, openAlert, resolveAlert } from './alert-writes.ts';
import type { Checkpoint } from './checkpoint.ts';
import { latestCheckpoint, listCheckpoints, writeCheckpoint } from './checkpoint-store.ts';
import * as custody from './custody-writes.ts';
import { ledgerBackupDir, ledgerFile, openLedgerDatabase } from './database.ts';
import { createDockFace } from './dock-face.ts';
import { createDockKey, type DockKeyPair, dockKeyExists, dockKeyFiles, loadDockKey } from './dock-key.ts';
import type { DockLedger } from './dock-ledger.ts';
import * as dockWrites from './dock-writes.ts';
import * as equipment from './equipment-writes.ts';
import { DockKeyError, LedgerLostError, LedgerStateError } from './errors.ts';
import { type ChainHead, EventLog } from './event-chain.ts';
import type { RecorderStatus } from './event-types.ts';
import * as gaps from './gap-signatures.ts';
import type * as R from './ledger-records.ts';
import { type LifecycleFace, lifecycleFace } from './lifecycle-face.ts';
import { withLifecycleRecords } from './lifecycle-outbox.ts';
import { ManagerQueries } from './manager-queries.ts';
import { migrateLedger, schemaVersion } from './migrations.ts';
import * as outbox from './outbox.ts';
import { addToOutbox, type OutboxRecord, readOutbox } from './outbox.ts';
import { beginEpoch, currentEpoch, type ForwardEpoch } from './outbox-epoch.ts';
import * as lookups from './record-lookups.ts';
import { RelaxedCommits } from './relaxed-commits.ts';
import * as sessions from './session-writes.ts';
import type { WriteContext } from './write-context.ts';

/** How to open the ledger. Everything that varies is injected. */
export interface LedgerOptions {
  readonly paths: DockPaths;
  /** A child logger for this module; the ledger never logs personal data. */
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Write a checkpoint after this many events (config `ledger.checkpointEveryEvents`) … */
  readonly checkpointEveryEvents: number;
  /** … or when this many minutes passed since the last one (`ledger.checkpointEveryMinutes`). */
  readonly checkpointEveryMinutes: number;
  /** R8: a fault must be reported within this many hours (`rules.faultReportHours`). */
  readonly faultReportHours: number;
  /** Id generator for sessions, assignments, faults, alerts (default random UUIDs). */
  readonly newId?: () => string;
}

interface DockRow {
  id: string;
  key_id: string;
}

/**
 * The dock's memory: the recorder usage ledger (台账) and the seal of every file, in one SQLite
 * database where every state change is a hash-chained event appended in the same transaction as
 * its row change, with signed checkpoints for the central store. One instance per process.
 */
export class Ledger {
  /** The equipment manager's queries. */
  readonly queries: ManagerQueries;
  /** Accounts, footage access, labels, exports (read-only). */
  readonly accessQueries: AccessQueries;
  /** The page's login sessions (not history). */
  readonly webSessions: WebSessionStore;
  /** Account changes waiting for a second person (not history until confirmed). */
  readonly accountProposals: AccountProposalStore;
  /** What docking reads and writes (the dock manager, sessions, sealer, admission). */
  readonly dock: DockLedger;
  /** The footage lifecycle: off-site copies, probes, retention facts (issue 15). */
  readonly lifecycle: LifecycleFace;
  private readonly ctx: WriteContext;
  private readonly relaxed: RelaxedCommits;
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  private constructor(
    private readonly db: Database,
    private readonly key: DockKeyPair,
    readonly dockId: string,
    readonly file: string,
    private readonly opts: Required<Omit<LedgerOptions, 'paths' | 'logger'>> & LedgerOptions,
  ) {
    this.ctx = {
      db,
      events: new EventLog(db, dockId),
      dockId,
      now: opts.now,
      newId: opts.newId,
      vaultDir: opts.paths.vaultDir,
      faultDeadlineHours: opts.faultReportHours,
      logger: opts.logger,
    };
    this.queries = new ManagerQueries(db);
    this.accessQueries = new AccessQueries(db);
    this.webSessions = new WebSessionStore(db);
    this.accountProposals = new AccountProposalStore(db);
    this.runInTransaction = db.transaction((fn: () => unknown) => {
      const result = fn();
      this.checkpointInTransaction(false);
      return result;
    });
    const relaxed = new RelaxedCommits(db, `${file}-wal`);
    this.relaxed = relaxed;
    this.dock = createDockFace(this.ctx, db, {
      transaction: (fn) => relaxed.run(() => this.transaction(fn)),
      durable: () => relaxed.durable(),
    });
    this.lifecycle = lifecycleFace(this.ctx, (fn) => this.transaction(fn));
  }

  /** Resolves once every commit made before the call is on disk (the dock's commits are relaxed). */
  durable(): Promise<void> {
    return this.relaxed.durable();
  }

  /**
   * Open the ledger of `paths.stateDir`: create it on first start (with the dock's key pair and
   * the genesis event), or migrate it (after a backup copy). Refuses a ledger from a newer build,
   * a lost ledger whose key remains, and a key that does not match the ledger.
   */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const opts = {
      ...options,
      now: options.now ?? (() => new Date()),
      newId: options.newId ?? randomUUID,
    };
    const { stateDir } = opts.paths;
    await mkdirDurable(stateDir);
    const file = ledgerFile(opts.paths);
    const hadKey = await dockKeyExists(stateDir);
    // Opening would create an empty file: check first, so a lost ledger is not papered over.
    if (hadKey && !existsSync(file)) throw new LedgerLostError(file, dockKeyFiles(stateDir).privateFile);
    const db = openLedgerDatabase(file);
    try {
      if (hadKey && schemaVersion(db) === 0)
        throw new LedgerLostError(file, dockKeyFiles(stateDir).privateFile);
      await migrateLedger(db, {
        file,
        backupDir: ledgerBackupDir(opts.paths),
        now: opts.now,
        logger: opts.logger,
      });
      const dock = db.prepare('SELECT id, key_id FROM dock').get() as DockRow | undefined;
      if (!dock && db.prepare('SELECT 1 FROM events LIMIT 1').get()) {
        throw new LedgerStateError(
          `the ledger ${file} holds events but no dock record, so it was altered: run 'dockctl verify' and restore a backup`,
        );
      }
      const key = await Ledger.dockKey(stateDir, hadKey, dock, opts.logger);
      const dockId = dock?.id ?? randomUUID();
      const ledger = new Ledger(db, key, dockId, file, opts);
      if (!dock) {
        ledger.genesis();
        await fsyncDir(stateDir); // the new database file's name must survive a power cut too
      }
      opts.logger.info({ file, dockId, schema: schemaVersion(db), head: ledger.head().seq }, 'ledger opened');
      return ledger;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private static async dockKey(stateDir: string, hadKey: boolean, dock: DockRow | undefined, logger: Logger) {
    const { privateFile } = dockKeyFiles(stateDir);
    if (!hadKey) {
      if (dock) throw new DockKeyError(privateFile, `is missing but the ledger belongs to dock ${dock.id}`);
      return createDockKey(stateDir, logger);
    }
    const key = await loadDockKey(stateDir, logger);
    if (dock && dock.key_id !== key.keyId) {
      throw new DockKeyError(
        privateFile,
        `(fingerprint ${key.keyId}) is not the key of this ledger (${dock.key_id})`,
      );
    }
    return key;
  }

  private genesis(): void {
    this.transaction(() => {
      const at = this.opts.now();
      const data = {
        dockId: this.dockId,
        publicKey: this.key.publicKeyB64,
        keyId: this.key.keyId,
        createdAt: at.toISOString(),
      };
      const ev = this.ctx.events.append('dock.created', data, at);
      addToOutbox(this.db, {
        kind: 'dock',
        recordId: `dock:${this.dockId}`,
        eventSeq: ev.seq,
        body: data,
        createdAt: at,
      });
    });
  }

  /**
   * The database, for read-only query modules above the ledger (the reports build their own
   * questions on it). Every change goes through the methods here, as an event in the chain.
   */
  get readHandle(): Database {
    return this.db;
  }

  /** Run several ledger operations as one transaction (all or nothing, one fsync). */
  transaction<T>(fn: () => T): T {
    const from = failpointsArmed && !this.db.inTransaction ? this.head().seq : -1;
    const result = this.runInTransaction(fn) as T;
    if (from >= 0) failpoint('ledger.committed', this.ctx.events.typesAfter(from));
    return result;
  }

  /** The chain's current head. */
  head(): ChainHead {
    return this.ctx.events.head();
  }

  /** Fingerprint of the dock's public key. */
  get keyId(): string {
    return this.key.keyId;
  }

  /** Register a recorder or update its details (no event when unchanged). */
  registerRecorder(input: equipment.RecorderInput): R.RecorderRecord {
    return this.transaction(() => equipment.registerRecorder(this.ctx, input));
  }

  /** Change a recorder's status: in service, faulty, retired. */
  setRecorderStatus(serial: string, status: RecorderStatus, reason: string | null = null): R.RecorderRecord {
    return this.transaction(() => equipment.setRecorderStatus(this.ctx, serial, status, reason));
  }

  /** Register an officer or update their details (no event when unchanged). */
  registerOfficer(input: equipment.OfficerInput): R.OfficerRecord {
    return this.transaction(() => equipment.registerOfficer(this.ctx, input));
  }

  /** Start a dock session (closing a stale open one of the same recorder as interrupted). */
  startSession(input: sessions.SessionStartInput): R.SessionRecord {
    return this.transaction(() => sessions.startSession(this.ctx, input));
  }

  /** Finish a dock session; its usage record goes to the outbox. */
  finishSession(sessionId: string, input: sessions.SessionFinishInput): R.SessionRecord {
    return this.transaction(() => sessions.finishSession(this.ctx, sessionId, input));
  }

  /** Record the seal of a published file; idempotent. Durable when it returns (synchronous=FULL). */
  recordSeal(seal: sessions.SealInput, context: sessions.SealContext): R.ClipRecord {
    return this.transaction(() => sessions.recordSeal(this.ctx, seal, context));
  }

  /** Record that an officer took a recorder (R7). */
  checkOut(input: equipment.CheckOutInput): R.AssignmentRecord {
    return this.transaction(() => equipment.checkOut(this.ctx, input));
  }

  /** Record that a recorder came back; null when it was not checked out. */
  checkIn(input: equipment.CheckInInput): R.AssignmentRecord | null {
    return this.transaction(() => equipment.checkIn(this.ctx, input));
  }

  /** Record a fault report; the recorder becomes faulty (R8). */
  reportFault(input: equipment.FaultInput): R.FaultRecord {
    return this.transaction(() => equipment.reportFault(this.ctx, input));
  }

  /** Close a fault report. */
  resolveFault(faultId: string, note: string | null = null): R.FaultRecord {
    return this.transaction(() => equipment.resolveFault(this.ctx, faultId, note));
  }

  /** Open an alert (or return the open one of the same kind and subject). */
  openAlert(input: AnyAlertInput): R.AlertRecord {
    return this.transaction(() => openAlert(this.ctx, input));
  }

  /** Resolve an alert. */
  resolveAlert(
    alertId: string,
    input: { resolvedBy?: string | null; note?: string | null } = {},
  ): R.AlertRecord {
    return this.transaction(() => resolveAlert(this.ctx, alertId, input));
  }

  /** What dock sessions record beyond seals: steps, clip timing, wipes, gap explanations (R9). */
  readonly sessionRecords = {
    step: (sessionId: string, step: string, detail: string | null = null) =>
      this.transaction(() => dockWrites.recordSessionStep(this.ctx, sessionId, step, detail)),
    clipTiming: (input: dockWrites.ClipTimingInput) =>
      this.transaction(() => dockWrites.recordClipTiming(this.ctx, input)),
    wipe: (clipId: string) => this.transaction(() => custody.confirmWipe(this.ctx, clipId, 'unlinked')),
    explainGap: (input: dockWrites.GapExplanationInput) =>
      this.transaction(() => {
        const signedBy = dockWrites.recordGapExplanation(this.ctx, input);
        return resolveAlert(this.ctx, input.alertId, {
          resolvedBy: signedBy.join(','),
          note: 'explained (R9)',
        });
      }),
    sealedFile: (serial: string, sourcePath: string, size: number) =>
      dockWrites.findSealedFile(this.db, serial, sourcePath, size),
    previousClip: (serial: string, before: Date) => dockWrites.findPreviousClip(this.db, serial, before),
    isWiped: (clipId: string) => dockWrites.isWiped(this.db, clipId),
    steps: (sessionId: string) => dockWrites.sessionSteps(this.db, sessionId),
    wipedFiles: (serial: string) => dockWrites.wipedFiles(this.db, serial),
    gapExplanation: (alertId: string) => dockWrites.gapExplanation(this.db, alertId),
  };

  /** R9 gap explanations: entered once, signed by each signer with their password, read by the supervisor. */
  readonly gaps = {
    draft: (input: gaps.GapDraftInput) => this.transaction(() => gaps.draftGapExplanation(this.ctx, input)),
    sign: (input: gaps.GapSignInput) => this.transaction(() => gaps.signGapExplanation(this.ctx, input)),
    acknowledge: (alertId: string, by: string) =>
      this.transaction(() => gaps.acknowledgeGap(this.ctx, alertId, by)),
    current: (alertId: string) => gaps.gapDraft(this.db, alertId),
    awaiting: (officerNo: string) => gaps.draftsAwaiting(this.db, officerNo),
    unacknowledged: () => gaps.explainedUnacknowledged(this.db),
  };

  /** Accounts, labels, footage access and exports (issue 7): each write is an event in the chain. */
  readonly access = {
    saveAccount: (input: access.AccountInput) => this.transaction(() => access.saveAccount(this.ctx, input)),
    /** Create or change an account and set its password hash, in one transaction. */
    saveAccountWithPassword: (input: access.AccountInput, passwordHash: string) =>
      this.transaction(() => {
        access.saveAccount(this.ctx, input);
        access.setPasswordHash(this.ctx, input.username, passwordHash);
      }),
    setPasswordHash: (username: string, hash: string) =>
      this.transaction(() => access.setPasswordHash(this.ctx, username, hash)),
    labelClip: (input: access.LabelInput) =>
      this.transaction(() =>
        withLifecycleRecords(this.ctx, [input.clipId], () => access.labelClip(this.ctx, input)),
      ),
    requestAccess: (input: access.AccessRequestInput) =>
      this.transaction(() => access.requestAccess(this.ctx, input)),
    decideAccess: (input: access.AccessDecisionInput) =>
      this.transaction(() => access.decideAccess(this.ctx, input)),
    log: (input: access.AccessLogInput) => this.transaction(() => access.logAccess(this.ctx, input)),
    recordExport: (input: access.ExportInput, log: access.AccessLogInput) =>
      this.transaction(() => {
        withLifecycleRecords(this.ctx, input.clipIds, () => access.recordExport(this.ctx, input));
        return access.logAccess(this.ctx, log);
      }),
    recordClipCheck: (clipId: string, result: 'ok' | 'mismatch' | 'missing', checkedBy: string | null) =>
      this.transaction(() => access.recordClipCheck(this.ctx, clipId, result, checkedBy)),
    bindRecorder: (serial: string, officerNo: string | null, by: string) =>
      this.transaction(() => access.bindRecorder(this.ctx, serial, officerNo, by)),
    confirmAccountChange: (input: AccountConfirmationInput) =>
      this.transaction(() => confirmAccountChange(this.ctx, input)),
  };

  /** Look-ups the dock session needs. */
  readonly find = {
    recorder: (serial: string) => lookups.findRecorder(this.db, serial),
    officer: (officerNo: string) => lookups.findOfficer(this.db, officerNo),
    session: (id: string) => lookups.findSession(this.db, id),
    openSession: (serial: string) => lookups.findOpenSession(this.db, serial),
    clip: (id: string) => lookups.findClip(this.db, id),
    clipsBySha256: (sha256: string) => lookups.findClipsBySha256(this.db, sha256),
    openAssignment: (serial: string) => lookups.findOpenAssignment(this.db, serial),
  };

  /** The clip id a file would get (to ask whether it is already sealed before copying it). */
  clipIdFor(serial: string, sourcePath: string, sha256: string): string {
    return sessions.clipIdFor(this.dockId, serial, sourcePath, sha256);
  }

  /** Sign a checkpoint of the current head now, unless the newest checkpoint already covers it. */
  checkpointNow(): Checkpoint | null {
    return this.db.transaction(() => this.checkpointInTransaction(true))();
  }

  /** Write a checkpoint when N events or T minutes have passed; call it from a timer. */
  checkpointIfDue(): Checkpoint | null {
    return this.db.transaction(() => this.checkpointInTransaction(false))();
  }

  private checkpointInTransaction(force: boolean): Checkpoint | null {
    const head = this.ctx.events.head();
    const last = latestCheckpoint(this.db, this.dockId);
    if (head.seq === 0 || (last && last.seq >= head.seq)) return null;
    const now = this.opts.now();
    const due =
      !last ||
      head.seq - last.seq >= this.opts.checkpointEveryEvents ||
      now.getTime() - Date.parse(last.at) >= this.opts.checkpointEveryMinutes * 60_000;
    if (!force && !due) return null;
    const cp = writeCheckpoint(this.db, this.dockId, this.key, head, now);
    this.opts.logger.debug({ seq: cp.seq }, 'ledger checkpoint written');
    return cp;
  }

  /** The newest checkpoint, or null. */
  latestCheckpoint(): Checkpoint | null {
    return latestCheckpoint(this.db, this.dockId);
  }

  /** Checkpoints after a sequence number, oldest first. */
  checkpoints(afterSeq = 0): Checkpoint[] {
    return listCheckpoints(this.db, this.dockId, afterSeq);
  }

  /** Outbox records after `afterId` (the forwarder's cursor), oldest first. */
  readOutbox(afterId: number, limit = 500): OutboxRecord[] {
    return readOutbox(this.db, afterId, limit);
  }

  /** The forwarder's access to the outbox and its epochs (delivery state, not the chain). */
  readonly outbox = {
    read: (afterId: number, limit: number) => outbox.readOutbox(this.db, afterId, limit),
    at: (id: number) => outbox.outboxRecordAt(this.db, id),
    idOf: (recordId: string) => outbox.outboxIdOf(this.db, recordId),
    backlog: (afterId: number) => outbox.outboxBacklog(this.db, afterId),
    prune: (beforeId: number, createdBefore: Date, keep: readonly number[] = []) =>
      outbox.pruneOutbox(this.db, beforeId, createdBefore, keep),
    epoch: () => currentEpoch(this.db),
    beginEpoch: (epoch: ForwardEpoch) => beginEpoch(this.db, epoch),
  };

  /** Close the database. */
  close(): void {
    this.db.close();
  }
}
