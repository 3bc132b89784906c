import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ledgerFile, openLedgerDatabase } from '../ledger/database.ts';
import { copyBacklog, latestProbe } from '../ledger/lifecycle-queries.ts';
import { parseOffsiteConfig } from '../offsite/offsite-config.ts';
import { type DoctorCheck, type DoctorContext, pass, warn } from './doctor-check.ts';

const FIX =
  "set offsite.target to an S3 bucket at another site (type: s3, with Object Lock), then 'systemctl restart recorder-dock'";
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
        `no off-site target: copies go to the folder ${t.dir}${sameDisk ? ", on the vault's own disk" : ' on this machine'}, which is not off-site (R2)`,
        FIX,
      );
    }
    const host = new URL(t.endpoint).hostname;
    if (host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.'))
      return warn(`the off-site store ${t.endpoint} is on this machine: not off-site (R2)`, FIX);
    const store = `s3:${t.endpoint.replace(/\/+$/, '')}/${t.bucket}/${t.prefix}`;
    const facts = ledgerFacts(ctx, store);
    const probe = facts?.probe ?? null;
    if (!probe)
      return warn(
        `the off-site store ${store} has not been probed yet`,
        "start dockd: it probes the store's Object Lock at start",
      );
    if (probe.outcome !== 'worm')
      return warn(`the off-site store is not proven tamper-proof: ${probe.summary}`, FIX);
    const oldest = facts?.backlog.oldestSealedAt;
    if (oldest && Date.now() - oldest.getTime() > 7 * DAY)
      return warn(
        `${facts?.backlog.clips} clips wait for their off-site copy, the oldest since ${oldest.toISOString()}`,
        "look at 'dockctl copies' and the journal for the store's errors",
      );
    return pass(
      `${store}: tamper-proof (probed ${probe.at.toISOString()}), ${facts?.backlog.clips ?? 0} clips waiting`,
    );
  },
};
