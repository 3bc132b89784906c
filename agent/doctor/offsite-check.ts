import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { said } from '../i18n/said.ts';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { copyBacklog, latestProbe } from '../ledger/lifecycle-queries.ts';
import { parseOffsiteConfig } from '../offsite/offsite-config.ts';
import { zoned } from './central-store-check.ts';
import { type DoctorCheck, type DoctorContext, pass, warn } from './doctor-check.ts';

const FIX = said('doctor.offsite.fix');
const DAY = 86_400_000;

/** The device of a path, or of its nearest existing parent. */
async function deviceOf(p: string): Promise<number | null> {
  for (let dir = p; ; dir = path.dirname(dir)) {
    const st = await stat(dir).catch(() => null);
    if (st) return st.dev;
    if (path.dirname(dir) === dir) return null;
  }
}

/** The store's description as the copier records it, its newest probe and its backlog. */
function ledgerFacts(ctx: DoctorContext, store: string) {
  const file = ledgerFile(ctx.config.paths);
  if (!existsSync(file)) return null;
  const db = openLedgerDatabase(file, { readonly: true });
  try {
    const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'worm_probes'").get();
    return hasTables ? { probe: latestProbe(db, store), backlog: copyBacklog(db, store) } : null;
  } finally {
    db.close();
  }
}

/**
 * R2: the second copy must be at another site. Warns when the target is a folder on this machine
 * (the demo default) and says when it is on the vault's own disk; for a bucket, warns on an
 * endpoint on this machine, a store the WORM probe did not find tamper-proof, or a backlog older
 * than a week.
 */
export const offsiteCheck: DoctorCheck = {
  name: 'off-site copy',
  async run(ctx) {
    const offsite = parseOffsiteConfig(ctx.config.offsite);
    const t = offsite.target;
    if (t.type === 'folder') {
      const sameDisk = (await deviceOf(t.dir)) === (await deviceOf(ctx.config.paths.vaultDir));
      return warn(
        said(sameDisk ? 'doctor.offsite.folderVaultDisk' : 'doctor.offsite.folder', { dir: t.dir }),
        FIX,
      );
    }
    const host = new URL(t.endpoint).hostname;
    if (host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.'))
      return warn(said('doctor.offsite.local', { endpoint: t.endpoint }), FIX);
    const store = `s3:${t.endpoint.replace(/\/+$/, '')}/${t.bucket}/${t.prefix}`;
    const facts = ledgerFacts(ctx, store);
    const probe = facts?.probe ?? null;
    if (!probe) return warn(said('doctor.offsite.unprobed', { store }), said('doctor.offsite.unprobedFix'));
    if (probe.outcome !== 'worm')
      return warn(said('doctor.offsite.notWorm', { summary: probe.summary }), FIX);
    const oldest = facts?.backlog.oldestSealedAt;
    if (oldest && Date.now() - oldest.getTime() > 7 * DAY)
      return warn(
        said('doctor.offsite.backlog', { clips: facts?.backlog.clips ?? 0, since: zoned(oldest, ctx) }),
        said('doctor.offsite.backlogFix'),
      );
    return pass(
      said('doctor.offsite.ok', { store, at: zoned(probe.at, ctx), clips: facts?.backlog.clips ?? 0 }),
    );
  },
};
