import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { parseByteRange } from '../../agent/web/byte-range.ts';
import {
  decodeSegment,
  parseCookies,
  parseTarget,
  safeNextPath,
  sameOriginRequest,
} from '../../agent/web/request-input.ts';
import { attachmentDisposition } from '../../agent/web/responses.ts';
import { BadRequestError } from '../../agent/web/web-errors.ts';
import { dayRange, parseZonedDateTime, parseZonedDay, zonedDayString } from '../../agent/web/zoned-dates.ts';

function req(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('web request input', () => {
  it('splits a target into segments and query', () => {
    const t = parseTarget('/clips/abc?officer=310001&x=%E5%BC%A0');
    assert.deepEqual(t.segments, ['clips', 'abc']);
    assert.equal(t.query.get('x'), '张');
    assert.equal(parseTarget('/').segments.length, 1);
  });

  it('refuses traversal, separators, NUL and double encoding in any segment', () => {
    for (const bad of [
      '/exports/../etc',
      '/exports/%2e%2e/download',
      '/exports/%2E%2e/download',
      '/exports/.',
      '/a/%2fetc%2fpasswd',
      '/a/..%5c..%5c',
      '/a/%00',
      '/a/x%0ay',
      '/a/%252e%252e',
      '/a/%E5%BC',
      'http://evil.example/',
      '//evil.example/x',
      '*',
    ]) {
      assert.throws(() => parseTarget(bad), BadRequestError, bad);
    }
    assert.equal(decodeSegment('%E5%8F%B0%E8%B4%A6'), '台账');
  });

  it('parses cookies, first one of a name winning', () => {
    const c = parseCookies('rd_session=abc; rd_lang=en; rd_session=evil; bad; ="x"; q="quoted"');
    assert.equal(c.get('rd_session'), 'abc');
    assert.equal(c.get('rd_lang'), 'en');
    assert.equal(c.get('q'), 'quoted');
    assert.equal(parseCookies(undefined).size, 0);
  });

  it('allows a login to return only to a local path', () => {
    assert.equal(safeNextPath('/ledger?from=2025-01-01'), '/ledger?from=2025-01-01');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '/a/../b',
      'javascript:1',
      '',
      null,
    ]) {
      assert.equal(safeNextPath(bad), '/', String(bad));
    }
  });

  it('accepts same-origin requests and refuses cross-site ones', () => {
    const host = '127.0.0.1:8443';
    assert.equal(sameOriginRequest(req({ host }), false), true);
    assert.equal(sameOriginRequest(req({ host, origin: 'http://127.0.0.1:8443' }), false), true);
    assert.equal(sameOriginRequest(req({ host, origin: 'https://127.0.0.1:8443' }), true), true);
    assert.equal(sameOriginRequest(req({ host, origin: 'http://127.0.0.1:8443' }), true), false);
    assert.equal(sameOriginRequest(req({ host, origin: 'http://evil.example' }), false), false);
    assert.equal(sameOriginRequest(req({ host, origin: 'null' }), false), false);
    assert.equal(sameOriginRequest(req({ host, 'sec-fetch-site': 'cross-site' }), false), false);
    assert.equal(sameOriginRequest(req({ host, 'sec-fetch-site': 'same-site' }), false), false);
    assert.equal(sameOriginRequest(req({ host, 'sec-fetch-site': 'same-origin' }), false), true);
    assert.equal(sameOriginRequest(req({ origin: 'http://127.0.0.1:8443' }), false), false);
  });

  it('writes a safe ASCII file name and the RFC 5987 UTF-8 one', () => {
    assert.equal(
      attachmentDisposition('ledger 1.csv', '台账-1.csv'),
      `attachment; filename="ledger_1.csv"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6-1.csv`,
    );
    const evil = attachmentDisposition('../"x"\r\nSet-Cookie: a=b', '../"x"\r\n');
    assert.doesNotMatch(evil, /[\r\n]|\.\.\/|"x"/);
    assert.match(evil, /^attachment; filename="_/);
  });
});

describe('web byte ranges', () => {
  it('parses single ranges and ignores what it need not honour', () => {
    assert.deepEqual(parseByteRange('bytes=0-', 100), { start: 0, end: 99 });
    assert.deepEqual(parseByteRange('bytes=10-19', 100), { start: 10, end: 19 });
    assert.deepEqual(parseByteRange('bytes=90-500', 100), { start: 90, end: 99 });
    assert.deepEqual(parseByteRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.equal(parseByteRange(undefined, 100), null);
    assert.equal(parseByteRange('bytes=0-1,5-6', 100), null);
    assert.equal(parseByteRange('items=0-1', 100), null);
    assert.equal(parseByteRange('bytes=20-10', 100), null);
    assert.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
    assert.equal(parseByteRange('bytes=-0', 100), 'unsatisfiable');
  });
});

describe('web dates in the dock time zone', () => {
  const tz = 'Asia/Shanghai';
  it('a day starts at local midnight', () => {
    assert.equal(parseZonedDay('2025-03-01', tz)?.toISOString(), '2025-02-28T16:00:00.000Z');
    assert.equal(parseZonedDay('2025-02-30', tz), null);
    assert.equal(parseZonedDay('2025-3-1', tz), null);
    assert.equal(zonedDayString(new Date('2025-02-28T16:00:00Z'), tz), '2025-03-01');
    assert.equal(parseZonedDateTime('2025-03-01T08:30', tz)?.toISOString(), '2025-03-01T00:30:00.000Z');
    assert.equal(parseZonedDateTime('2025-03-01T25:00', tz), null);
    assert.equal(parseZonedDay('2025-03-30', 'Europe/Berlin')?.toISOString(), '2025-03-29T23:00:00.000Z');
    assert.equal(parseZonedDay('2025-03-31', 'Europe/Berlin')?.toISOString(), '2025-03-30T22:00:00.000Z');
  });

  it('a filter range covers whole days, by default the last seven', () => {
    const now = new Date('2025-03-10T03:00:00Z');
    const r = dayRange(null, null, now, tz, 7);
    assert.equal(r.fromText, '2025-03-04');
    assert.equal(r.toText, '2025-03-10');
    assert.equal(r.to.toISOString(), '2025-03-10T16:00:00.000Z');
    const one = dayRange('2025-03-01', '2025-03-01', now, tz, 7);
    assert.equal(one.to.getTime() - one.from.getTime(), 86_400_000);
    assert.throws(() => dayRange('2025-03-05', '2025-03-01', now, tz, 7), BadRequestError);
    assert.throws(() => dayRange('yesterday', null, now, tz, 7), BadRequestError);
  });
});
