import type { KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { dockKeyFiles, keyIdOf, publicKeyFromB64, readDockPublicKey } from '../dock-key.ts';
import { parseEventBody } from './verify-chain.ts';
import type { FindingCollector } from './verify-report.ts';

/** Whom the ledger belongs to: the dock id and public key from the genesis event. */
export interface TrustAnchor {
  readonly dockId: string | null;
  readonly keyId: string | null;
  readonly publicKey: KeyObject | null;
}

function fromGenesis(db: Database): TrustAnchor | string {
  const row = db.prepare('SELECT body FROM events WHERE seq = 1').get() as { body: string } | undefined;
  if (!row) return 'the genesis event (1) is missing';
  const event = parseEventBody(row.body);
  if (typeof event === 'string') return `the genesis event is malformed: ${event}`;
  if (event.type !== 'dock.created')
    return `event 1 is '${event.type}', not the genesis event 'dock.created'`;
  const data = event.data as { dockId?: unknown; publicKey?: unknown; keyId?: unknown };
  if (typeof data.dockId !== 'string' || typeof data.publicKey !== 'string')
    return 'the genesis event names no dock or key';
  try {
    const publicKey = publicKeyFromB64(data.publicKey);
    if (keyIdOf(publicKey) !== data.keyId) return 'the genesis event key fingerprint does not match its key';
    return { dockId: data.dockId, keyId: keyIdOf(publicKey), publicKey };
  } catch {
    return 'the genesis event key is not a valid Ed25519 public key';
  }
}

function fromDockTable(db: Database): TrustAnchor {
  const row = db.prepare('SELECT id, public_key FROM dock LIMIT 1').get() as
    | { id: string; public_key: string }
    | undefined;
  if (!row) return { dockId: null, keyId: null, publicKey: null };
  try {
    const publicKey = publicKeyFromB64(row.public_key);
    return { dockId: row.id, keyId: keyIdOf(publicKey), publicKey };
  } catch {
    return { dockId: row.id, keyId: null, publicKey: null };
  }
}

/**
 * The trust anchor: the genesis event's dock id and key. When the genesis event is unusable
 * (itself a finding) the `dock` table stands in, so the rest of the checks can still run. The
 * public key file next to the ledger must be the same key.
 */
export async function readTrustAnchor(
  db: Database,
  stateDir: string,
  findings: FindingCollector,
): Promise<TrustAnchor> {
  let anchor = fromGenesis(db);
  if (typeof anchor === 'string') {
    findings.add(1, 'genesis-invalid', `${anchor}: the dock's identity cannot be taken from the chain`);
    anchor = fromDockTable(db);
  }
  const fileKey = await readDockPublicKey(stateDir);
  if (fileKey && anchor.keyId && keyIdOf(fileKey) !== anchor.keyId) {
    findings.add(
      null,
      'key-file-mismatch',
      `the public key file ${dockKeyFiles(stateDir).publicFile} (fingerprint ${keyIdOf(fileKey).slice(0, 12)}…) is not the key the ledger was created with (${anchor.keyId.slice(0, 12)}…)`,
    );
  }
  return anchor;
}
