import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type PowerCutMount, type TempPowerCut, tempPowerCut } from './powercut-mount.ts';
import { asServiceUser, ensureServiceUser } from './service-user.ts';

function writeSynced(file: string, data: string): void {
  const fd = openSync(file, 'w');
  writeSync(fd, data);
  fsyncSync(fd);
  closeSync(fd);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  fsyncSync(fd);
  closeSync(fd);
}

describe('the power-cut layer (test/crash/powercut_fs.py)', () => {
  let power: TempPowerCut | undefined;
  let layer: PowerCutMount;
  let mnt: string;
  const at = (...p: string[]) => path.join(mnt, ...p);
  const cut = async () => {
    const report = await layer.cut();
    await layer.boot();
    return report;
  };

  before(async () => {
    power = await tempPowerCut('powercut-', true); // the service user walks through it to the mount
    ({ layer, mnt } = power);
  });
  after(() => power?.stop());

  it('throws away a write that was not fsynced and keeps one that was', async () => {
    mkdirSync(at('a'));
    syncDir(mnt);
    writeSynced(at('a', 'kept'), 'durable bytes');
    writeFileSync(at('a', 'lost'), 'never fsynced');
    syncDir(at('a'));
    writeFileSync(at('a', 'no-entry'), 'neither the file nor its name');
    const fd = openSync(at('a', 'kept'), 'r+');
    writeSync(fd, 'DURABLE', 0);
    writeSync(fd, ' and more', 13);
    closeSync(fd);
    const report = await cut();
    assert.equal(readFileSync(at('a', 'kept'), 'utf8'), 'durable bytes', 'overwrite and append undone');
    assert.equal(statSync(at('a', 'lost')).size, 0, 'a durable name with data never fsynced is empty');
    assert.equal(existsSync(at('a', 'no-entry')), false, 'a name the folder never fsynced is gone');
    assert.ok(report.bytesDropped > 0);
    assert.deepEqual(report.anomalies, []);
  });

  it('undoes an overwrite made through a write-only descriptor (as an O_DIRECT writer opens its part)', async () => {
    mkdirSync(at('w'));
    syncDir(mnt);
    writeSynced(at('w', 'part'), 'durable bytes');
    syncDir(at('w'));
    const fd = openSync(at('w', 'part'), constants.O_WRONLY);
    writeSync(fd, 'RESUMED', 0); // the layer keeps the old bytes to undo: it must not read through this fd
    closeSync(fd);
    assert.equal(readFileSync(at('w', 'part'), 'utf8'), 'RESUMED bytes');
    await cut();
    assert.equal(readFileSync(at('w', 'part'), 'utf8'), 'durable bytes', 'the overwrite is undone');
  });

  it('undoes a rename, an unlink and a mkdir whose folder was not fsynced', async () => {
    mkdirSync(at('b'));
    syncDir(mnt);
    writeSynced(at('b', 'tmp'), 'state v1');
    writeSynced(at('b', 'gone'), 'still here');
    syncDir(at('b'));
    renameSync(at('b', 'tmp'), at('b', 'state'));
    unlinkSync(at('b', 'gone'));
    mkdirSync(at('b', 'sub'));
    writeSynced(at('b', 'sub', 'f'), 'inside a folder whose own name is not durable');
    syncDir(at('b', 'sub'));
    await cut();
    assert.equal(readFileSync(at('b', 'tmp'), 'utf8'), 'state v1', 'the rename is undone');
    assert.equal(existsSync(at('b', 'state')), false);
    assert.equal(readFileSync(at('b', 'gone'), 'utf8'), 'still here', 'the unlink is undone');
    assert.equal(existsSync(at('b', 'sub')), false, 'the new folder is gone with what it held');
  });

  it('keeps a rename and a hard link once the folder is fsynced', async () => {
    mkdirSync(at('c'));
    syncDir(mnt);
    writeSynced(at('c', 'staged'), 'sealed');
    renameSync(at('c', 'staged'), at('c', 'published'));
    execFileSync('ln', [at('c', 'published'), at('c', 'link')]);
    syncDir(at('c'));
    await cut();
    assert.equal(readFileSync(at('c', 'published'), 'utf8'), 'sealed');
    assert.equal(statSync(at('c', 'link')).ino, statSync(at('c', 'published')).ino, 'still one file');
  });

  it('reverts a mode change that was not fsynced', async () => {
    mkdirSync(at('d'));
    syncDir(mnt);
    writeSynced(at('d', 'part'), 'x');
    chmodSync(at('d', 'part'), 0o640);
    fsyncSync(openSync(at('d', 'part'), 'r'));
    syncDir(at('d'));
    chmodSync(at('d', 'part'), 0o440);
    await cut();
    assert.equal(statSync(at('d', 'part')).mode & 0o777, 0o640);
  });

  it('fails every request between the cut and the boot', async () => {
    await layer.cut();
    assert.throws(() => readFileSync(at('c', 'published')), { code: 'EIO' });
    await layer.boot();
    assert.equal(readFileSync(at('c', 'published'), 'utf8'), 'sealed');
  });

  it('runs SQLite in WAL mode with synchronous=FULL: committed rows survive a cut', async () => {
    mkdirSync(at('db'));
    syncDir(mnt);
    const db = new Database(at('db', 'l.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (i INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 50; i++) insert.run(`row ${i}`);
    assert.ok(existsSync(at('db', 'l.db-shm')), 'the shared-memory index is there (mmapped)');
    db.exec('BEGIN');
    insert.run('not committed');
    await layer.cut();
    db.close();
    await layer.boot();
    const again = new Database(at('db', 'l.db'));
    assert.equal((again.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 50);
    assert.equal(again.pragma('integrity_check', { simple: true }), 'ok');
    again.close();
  });

  it('gives the unprivileged service user the permissions a disk would', () => {
    const user = ensureServiceUser();
    mkdirSync(at('svc'));
    execFileSync('chown', [`${user.uid}:${user.gid}`, at('svc')]);
    const script = `const fs = require('fs');
      const p = process.argv[1];
      fs.writeFileSync(p + '/part', 'x', { mode: 0o440 });
      try { fs.openSync(p + '/part', 'r+'); console.log('opened'); } catch (e) { console.log(e.code); }`;
    const out = execFileSync(asServiceUser(user)[0] as string, [
      ...asServiceUser(user).slice(1),
      process.execPath,
      '-e',
      script,
      at('svc'),
    ]);
    assert.equal(out.toString().trim(), 'EACCES', 'a 0440 file cannot be opened read-write by its owner');
    assert.equal(statSync(at('svc', 'part')).uid, user.uid, 'a new file belongs to the user who made it');
  });
});
