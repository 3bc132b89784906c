import assert from 'node:assert/strict';
import { fstatSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRootLogger, moduleLogger, stdoutIsJournal, syslogPriority } from '../../agent/ops/logger.ts';
import { formatLogLine, prettyDestination } from '../../agent/ops/pretty-log-stream.ts';

function capture(): { lines: string[]; stream: { write(s: string): void } } {
  const lines: string[] = [];
  return {
    lines,
    stream: { write: (s: string) => void lines.push(...s.split('\n').filter((l) => l !== '')) },
  };
}

describe('logger', () => {
  it('writes JSON lines with constant messages, the module and the fields', () => {
    const out = capture();
    const log = moduleLogger(createRootLogger({ destination: out.stream, level: 'info' }), 'forwarder');
    log.info({ batch: 3, records: 500 }, 'batch delivered');
    log.debug({ x: 1 }, 'not written at info');
    assert.equal(out.lines.length, 1);
    const entry = JSON.parse(out.lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(entry.msg, 'batch delivered');
    assert.equal(entry.module, 'forwarder');
    assert.equal(entry.svc, 'recorder-dock');
    assert.equal(entry.records, 500);
    assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT/);
  });

  it("writes a module's name once when its logger is handed down to a part of the same module", () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream, level: 'info' });
    moduleLogger(moduleLogger(root, 'forwarder'), 'forwarder').info('once');
    moduleLogger(moduleLogger(root, 'forwarder'), 'target').info('nested');
    assert.equal(out.lines[0]?.match(/"module":/g)?.length, 1, out.lines[0]);
    assert.equal(JSON.parse(out.lines[1] ?? '{}').module, 'target');
  });

  it('redacts secrets and personal data up to three levels deep', () => {
    const out = capture();
    const log = createRootLogger({ destination: out.stream });
    log.info(
      {
        password: 'a',
        device: { officerName: '张三', serial: 'ZFY0001' },
        config: { drivers: { gaSdk: { password: 'b', libraryPath: '/opt/x.so' } } },
        target: { credentials: { secretAccessKey: 'c' } },
      },
      'configuration loaded',
    );
    const text = out.lines[0] ?? '';
    for (const secret of ['"a"', '张三', '"b"', '"c"'])
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.ok(text.includes('ZFY0001') && text.includes('/opt/x.so'), 'other fields stay');
    assert.equal(text.match(/\[redacted\]/g)?.length, 4);
  });

  it('formats lines for a terminal: time, level, module, message, fields', () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 40,
        time: '2026-11-21T08:30:05.120Z',
        svc: 'recorder-dock',
        module: 'ledger',
        msg: 'checkpoint late',
        seq: 100,
        note: 'two words',
      }),
    );
    assert.equal(line, '08:30:05.120 WARN  ledger: checkpoint late seq=100 note="two words"');
    assert.equal(formatLogLine('not json'), 'not json');
    const err = formatLogLine(
      JSON.stringify({
        level: 50,
        time: '2026-11-21T08:30:05.120Z',
        msg: 'failed',
        err: { message: 'boom', stack: 'Error: boom\n    at x' },
      }),
    );
    assert.match(err, /ERROR failed err="boom"\nError: boom\n {4}at x/);
  });

  it('writes readable text when asked (a terminal), JSON otherwise', () => {
    const out = capture();
    const log = createRootLogger({ destination: out.stream, pretty: false });
    log.info('plain');
    assert.ok(out.lines[0]?.startsWith('{'), 'JSON for journald');
    const direct = capture();
    createRootLogger({ destination: prettyDestination(direct.stream), pretty: false }).info(
      'via the formatter',
    );
    assert.match(direct.lines[0] ?? '', / INFO {2}via the formatter$/);
    const tty = capture();
    createRootLogger({ destination: tty.stream, pretty: true }).info({ n: 1 }, 'readable');
    assert.match(tty.lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} INFO {2}readable n=1$/);
  });
});

describe('logger under journald', () => {
  it('prefixes every line with its syslog priority, so journalctl -p warning shows warnings and errors', () => {
    const out = capture();
    const log = createRootLogger({ destination: out.stream, journal: true, level: 'debug' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error({ err: new Error('boom') }, 'e');
    log.fatal('f');
    assert.deepEqual(
      out.lines.map((l) => l.slice(0, 3)),
      ['<7>', '<6>', '<4>', '<3>', '<2>'],
    );
    const entry = JSON.parse((out.lines[3] ?? '').slice(3)) as { level: number; msg: string };
    assert.deepEqual([entry.level, entry.msg], [50, 'e'], 'the JSON after the prefix is intact');
  });

  it('maps pino levels to syslog priorities', () => {
    assert.deepEqual([10, 20, 30, 40, 50, 60].map(syslogPriority), [7, 7, 6, 4, 3, 2]);
  });

  it('knows stdout is the journal only when $JOURNAL_STREAM names stdout itself', () => {
    const st = fstatSync(1, { bigint: true });
    assert.equal(stdoutIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }), true);
    assert.equal(stdoutIsJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino + 1n}` }), false);
    assert.equal(stdoutIsJournal({}), false);
    const out = capture();
    createRootLogger({ destination: out.stream }).warn('no prefix unless asked');
    assert.ok(out.lines[0]?.startsWith('{'), 'a given destination gets plain JSON');
  });
});
