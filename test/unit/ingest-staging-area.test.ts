import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ResumeState, writeResumeState } from '../../agent/ingest/resume-state.ts';
import { StagingArea } from '../../agent/ingest/staging-area.ts';
import { silentLogger } from '../../agent/ops/logger.ts';

const DAY = 86_400_000;

function state(resumeKey: string, published: boolean): ResumeState {
  return {
    version: 1,
    resumeKey,
    sourcePath: '/card/DCIM/a.MP4',
    sourceSize: 10,
    sourceMtimeMs: 1,
    offset: 10,
    prefixDigests: [],
    updatedAt: new Date().toISOString(),
    ...(published
      ? {
          published: {
            sha256: 'a'.repeat(64),
            size: 10,
            headSha256: 'b'.repeat(64),
            verifiedBy: 'buffered' as const,
            sourceChanged: false,
            resumedFrom: 0,
            sealedAt: new Date().toISOString(),
          },
        }
      : {}),
  };
}

describe('the staging area at start', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'staging-area-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A part and its state, the state last written `ageDays` ago. */
  async function copy(id: string, ageDays: number, published = false): Promise<void> {
    await writeFile(path.join(dir, `${id}.part`), 'bytes');
    const statePath = path.join(dir, `${id}.state.json`);
    await writeResumeState(statePath, state(`S1:DCIM/${id}.MP4:10:1`, published));
    const when = new Date(Date.now() - ageDays * DAY);
    await utimes(statePath, when, when);
  }

  it('removes parts not resumed for the bounded age and parts without a state, keeps the rest', async () => {
    await copy('fresh', 2);
    await copy('old', 40);
    await copy('old-published', 40, true);
    await writeFile(path.join(dir, 'orphan.part'), 'no state: a resume starts from byte 0');
    const area = new StagingArea(dir, silentLogger());
    assert.equal(await area.removeStale(new Date(), 30 * DAY), 2);
    assert.deepEqual((await readdir(dir)).sort(), [
      'fresh.part',
      'fresh.state.json',
      'old-published.part',
      'old-published.state.json',
    ]);
    const listed = await area.copies();
    assert.deepEqual(
      listed.map((c) => [path.basename(c.statePath), c.state?.published !== undefined]).sort(),
      [
        ['fresh.state.json', false],
        ['old-published.state.json', true],
      ],
    );
  });
});
