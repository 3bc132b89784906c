import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where each record id sits in the central store (the file target's batches). */
export type StoredRecords = Map<
  string,
  { readonly epoch: string; readonly key: string; readonly body: string }[]
>;

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/**
 * Every record in the file target's batch objects (`<dock>/epochs/<epoch>/batches/*.json`, see
 * agent/forwarder/object-keys.ts), by record id, with the batch and epoch it came in.
 */
export async function readCentralStore(root: string): Promise<StoredRecords> {
  const found: StoredRecords = new Map();
  for (const dock of await list(root)) {
    if (dock.startsWith('.')) continue;
    const epochs = path.join(root, dock, 'epochs');
    for (const epoch of await list(epochs)) {
      const batches = path.join(epochs, epoch, 'batches');
      for (const name of await list(batches)) {
        const key = `${dock}/epochs/${epoch}/batches/${name}`;
        const batch = JSON.parse(await readFile(path.join(batches, name), 'utf8')) as {
          records: { id: string }[];
        };
        for (const record of batch.records) {
          const copies = found.get(record.id) ?? [];
          copies.push({ epoch, key, body: JSON.stringify(record) });
          found.set(record.id, copies);
        }
      }
    }
  }
  return found;
}
