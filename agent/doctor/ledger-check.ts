import { existsSync } from 'node:fs';
import { said } from '../i18n/said.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { chainHash } from '../ledger/event-chain.ts';
import { type DoctorCheck, fail, pass } from './doctor-check.ts';

interface HeadRow {
  seq: number;
  body: string;
  prev_hash: string;
  hash: string;
}

/**
 * The ledger opens (read-only: doctor never migrates or writes it) and its chain head verifies:
 * the last event's hash is SHA-256(previous hash ‖ body) and it links to the event before.
 * `dockctl verify` checks the whole chain.
 */
export const ledgerCheck: DoctorCheck = {
  name: 'ledger',
  async run(ctx) {
    const file = ledgerFile(ctx.config.paths);
    if (!existsSync(file)) return pass(said('doctor.ledger.none', { file }));
    let db: ReturnType<typeof openLedgerDatabase>;
    try {
      db = openLedgerDatabase(file, { readonly: true });
    } catch (err) {
      return fail((err as Error).message, said('doctor.ledger.openFix'));
    }
    try {
      const rows = db
        .prepare('SELECT seq, body, prev_hash, hash FROM events ORDER BY seq DESC LIMIT 2')
        .all() as HeadRow[];
      const [head, before] = rows;
      if (!head) return pass(said('doctor.ledger.empty', { file }));
      const ok =
        chainHash(head.prev_hash, head.body) === head.hash && (!before || before.hash === head.prev_hash);
      if (!ok) return fail(said('doctor.ledger.broken', { seq: head.seq }), said('doctor.ledger.brokenFix'));
      return pass(said('doctor.ledger.ok', { seq: head.seq, hash: head.hash.slice(0, 12) }));
    } finally {
      db.close();
    }
  },
};
