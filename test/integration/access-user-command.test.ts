import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough, Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../agent/access/accounts.ts';
import { LoginRefusedError } from '../../agent/access/errors.ts';
import { ExitCode } from '../../agent/cli/command.ts';
import { userCommand } from '../../agent/cli/user-command.ts';
import type { AccountRecord } from '../../agent/ledger/access-records.ts';
import { Ledger } from '../../agent/ledger/ledger.ts';
import { pathsUnder } from '../../agent/paths.ts';
import { FakeClock, openTestLedger, REPO_ROOT, tempState } from '../fixtures/ledger/ledger-fixture.ts';
import { testLedgerOptions } from '../helpers/test-config.ts';

/** dockctl as an operator runs it (the `user` command is registered in agent/cli/commands.ts). */
const DOCKCTL = ['--import', 'tsx', 'agent/bin/dockctl.ts', 'user'];

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A stand-in terminal for run(io): records raw mode, delivers keystrokes when asked. */
class FakeTty extends PassThrough {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
}

async function withLedger<T>(dir: string, fn: (accounts: AccountService) => Promise<T> | T): Promise<T> {
  const ledger = await Ledger.open(testLedgerOptions(pathsUnder(dir)));
  try {
    return await fn(new AccountService({ ledger }));
  } finally {
    ledger.close();
  }
}

describe('dockctl user', () => {
  let dir: string;
  let cleanup: () => void;
  const children: ChildProcess[] = [];

  async function user(argv: string[], stdin: NodeJS.ReadableStream = Readable.from([])) {
    const out = sink();
    const err = sink();
    const code = await userCommand.run({
      argv: [...argv, '--state', dir],
      stdout: out.stream,
      stderr: err.stream,
      env: {},
      stdin,
    } as Parameters<typeof userCommand.run>[0]);
    return { code, stdout: out.text(), stderr: err.text() };
  }
  const line = (s: string) => Readable.from([`${s}\n`]);

  before(async () => {
    ({ dir, cleanup } = tempState('access-user-cli-'));
    (await openTestLedger(pathsUnder(dir), new FakeClock())).close();
  });
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    cleanup();
  });

  it('makes the first account on an empty ledger with --password-stdin', async () => {
    const empty = await user(['list']);
    assert.equal(empty.code, ExitCode.ok);
    assert.match(empty.stdout, /no accounts yet/);
    const r = await user(['add', 'admin', '--role', 'admin', '--password-stdin'], line('Keeper-pass-01'));
    assert.equal(r.code, ExitCode.ok, r.stderr);
    assert.equal(r.stdout, 'account admin added with the role admin\n');
    const list = await user(['list', '--json']);
    const accounts = JSON.parse(list.stdout) as AccountRecord[];
    assert.deepEqual(
      accounts.map((a) => [a.username, a.role, a.disabled, a.changedBy]),
      [['admin', 'admin', false, 'console']],
    );
    assert.ok(!list.stdout.includes('scrypt'), 'no hash in the listing');
    await withLedger(dir, async (s) =>
      assert.equal((await s.authenticate('admin', 'Keeper-pass-01', 'x')).role, 'admin'),
    );
  });

  it('adds an officer with an officer number, reading a CRLF line', async () => {
    const r = await user(
      ['add', 'zhang3', '--role', 'officer', '--officer', '310001', '--password-stdin', '--json'],
      Readable.from(['Officer-', 'pass-01\r\nignored second line\n']),
    );
    assert.equal(r.code, ExitCode.ok, r.stderr);
    assert.equal((JSON.parse(r.stdout) as AccountRecord).officerNo, '310001');
    await withLedger(dir, async (s) => assert.ok(await s.authenticate('zhang3', 'Officer-pass-01', 'x')));
  });

  it('refuses bad data with 65 and one line: existing user, weak password, unknown role, officer without number', async () => {
    const cases: [string[], string, RegExp][] = [
      [['add', 'admin', '--role', 'manager', '--password-stdin'], 'Fine-pass-123', /already exists/],
      [['add', 'ADMIN', '--role', 'manager', '--password-stdin'], 'Fine-pass-123', /already exists/],
      [['add', 'li4', '--role', 'manager', '--password-stdin'], 'short', /at least 10 characters/],
      [['add', 'li4', '--role', 'manager', '--password-stdin'], 'alllowercaseletters', /two kinds/],
      [['add', 'li4', '--role', 'boss', '--password-stdin'], 'Fine-pass-123', /role boss does not exist/],
      [['add', 'li4', '--role', 'officer', '--password-stdin'], 'Fine-pass-123', /officer number/],
      [['add', 'li4', '--role', 'manager', '--password-stdin'], '', /no password/],
      [['passwd', 'nobody', '--password-stdin'], 'Fine-pass-123', /no account nobody/],
      [['role', 'admin', 'root'], '', /role root does not exist/],
      [['disable', 'admin'], '', /last enabled administrator/],
      [['role', 'admin', 'auditor'], '', /last enabled administrator/],
    ];
    for (const [argv, input, why] of cases) {
      const r = await user(argv, line(input));
      assert.equal(r.code, ExitCode.dataErr, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    await withLedger(dir, (s) =>
      assert.deepEqual(
        s.list().map((a) => a.username),
        ['admin', 'zhang3'],
      ),
    );
  });

  it('never takes a password as an argument, and exits 64 on usage errors without echoing it', async () => {
    for (const argv of [
      ['add', 'li4', '--role', 'manager', '--password', 'Secret-pass-99'],
      ['add', 'li4', '--role', 'manager', '--password=Secret-pass-99'],
      ['passwd', 'admin', 'Secret-pass-99'],
      ['add', 'li4', '--role', 'manager', '--pasword=Secret-pass-99'],
    ]) {
      const r = await user(argv);
      assert.equal(r.code, ExitCode.usage, argv.join(' '));
      assert.ok(!r.stderr.includes('Secret-pass-99'), `echoed: ${r.stderr}`);
    }
    assert.equal((await user([])).code, ExitCode.usage);
    assert.equal((await user(['frobnicate'])).code, ExitCode.usage);
    assert.equal((await user(['add', 'li4'])).code, ExitCode.usage, 'no --role');
    assert.equal((await user(['disable', 'admin', '--role', 'admin'])).code, ExitCode.usage);
    const noTty = await user(['add', 'li4', '--role', 'manager']);
    assert.equal(noTty.code, ExitCode.usage);
    assert.match(noTty.stderr, /no terminal .* --password-stdin/);
    const help = await user(['--help']);
    assert.equal(help.code, ExitCode.ok);
    assert.match(help.stdout, /dockctl user add NAME --role ROLE/);
  });

  it('exits 66 where there is no ledger', async () => {
    const out = sink();
    const code = await userCommand.run({
      argv: ['list', '--state', `${dir}/nowhere`],
      stdout: out.stream,
      stderr: out.stream,
      env: {},
    });
    assert.equal(code, ExitCode.noInput);
    assert.match(out.text(), /there is no ledger/);
  });

  it('changes passwords and roles, disables and enables, recorded as the console', async () => {
    assert.equal(
      (await user(['passwd', 'zhang3', '--password-stdin'], line('Officer-pass-02'))).code,
      ExitCode.ok,
    );
    assert.equal((await user(['role', 'zhang3', 'manager'])).stdout, 'zhang3 now has the role manager\n');
    assert.match((await user(['disable', 'zhang3'])).stdout, /zhang3 disabled/);
    await withLedger(dir, async (s) => {
      await assert.rejects(s.authenticate('zhang3', 'Officer-pass-02', 'x'), LoginRefusedError);
      assert.equal(s.require('zhang3').changedBy, 'console');
    });
    assert.equal((await user(['enable', 'zhang3'])).code, ExitCode.ok);
    const table = (await user(['list'])).stdout;
    assert.match(table, /^username\s+role\s+officer\s+state/);
    assert.match(table, /zhang3\s+manager\s+310001\s+enabled/);
    await withLedger(dir, async (s) => {
      await assert.rejects(s.authenticate('zhang3', 'Officer-pass-01', 'y'), LoginRefusedError);
      assert.ok(await s.authenticate('zhang3', 'Officer-pass-02', 'y'));
    });
  });

  it('asks twice on a terminal in raw mode, with backspace, and refuses two different passwords', async () => {
    const tty = new FakeTty();
    const pending = user(['add', 'wang5', '--role', 'supervisor'], tty);
    await new Promise((r) => setTimeout(r, 50));
    tty.write('Super-pass-0X\u007f1\r');
    await new Promise((r) => setTimeout(r, 20));
    tty.write('Super-pass-01\r');
    const ok = await pending;
    assert.equal(ok.code, ExitCode.ok, ok.stderr);
    assert.deepEqual(tty.rawModes, [true, false, true, false]);
    assert.match(ok.stderr, /New password for wang5: \nType it again: \n/);

    const tty2 = new FakeTty();
    const mismatch = user(['passwd', 'wang5'], tty2);
    await new Promise((r) => setTimeout(r, 50));
    tty2.write('Other-pass-01\r');
    await new Promise((r) => setTimeout(r, 20));
    tty2.write('Other-pass-02\r');
    const r = await mismatch;
    assert.equal(r.code, ExitCode.dataErr);
    assert.match(r.stderr, /differ/);

    const tty3 = new FakeTty();
    const cancelled = user(['passwd', 'wang5'], tty3);
    await new Promise((r) => setTimeout(r, 50));
    tty3.write('Other\u0003');
    assert.equal((await cancelled).code, ExitCode.dataErr);
    await withLedger(dir, async (s) => assert.ok(await s.authenticate('wang5', 'Super-pass-01', 'x')));
  });

  /** Run dockctl in a real pseudo-terminal (socat), typing each answer when its prompt shows. */
  function inPty(args: string[], answers: [RegExp, string][]): Promise<string> {
    const command = [process.execPath, ...DOCKCTL, ...args, '--state', dir].join(' ');
    const child = spawn('socat', ['-', `EXEC:${command},pty,setsid,ctty,stderr`], {
      cwd: REPO_ROOT,
      env: { ...process.env, DOCK_STATE_DIR: '' },
    });
    children.push(child);
    let out = '';
    let consumed = 0;
    const todo = [...answers];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no end in the pty; output so far: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const next = todo[0];
        // Each prompt must show after the previous answer was typed.
        if (next?.[0].test(out.slice(consumed))) {
          todo.shift();
          consumed = out.length;
          child.stdin.write(next[1]);
        }
      });
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
  }

  it('drives dockctl user add in a real pty: prompts twice, echoes nothing, and the account works', async () => {
    const password = 'Desk-pass-0042';
    const out = await inPty(
      ['add', 'clerk', '--role', 'manager'],
      [
        [/New password for clerk: $/, `${password}\r`],
        [/Type it again: $/, `${password}\r`],
      ],
    );
    assert.match(
      out,
      /New password for clerk: \r?\nType it again: \r?\naccount clerk added with the role manager/,
    );
    assert.ok(!out.includes(password), `the password was echoed: ${JSON.stringify(out)}`);
    assert.ok(!out.includes('*'), 'not even as stars');
    await withLedger(dir, async (s) => {
      const account = await s.authenticate('clerk', password, '127.0.0.1');
      assert.equal(account.role, 'manager');
      assert.equal(account.changedBy, 'console');
    });
  });
});
