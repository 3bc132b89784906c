import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../agent/cli/cli-options.ts';
import { RecorderNotHeldError } from '../../agent/dock/held-recorders.ts';
import { errorText } from '../../agent/i18n/error-words.ts';
import { UnknownTimeZoneError } from '../../agent/time/zoned-time.ts';

/**
 * Issue 16, at its depth: a usage error is thrown as catalogue words, never as English text. That
 * a `cli.usage.*` key at a throw site is in both catalogues is checked by the type checker (Said
 * takes a DomainKey; domain-en.ts must have every key of domain-zh.ts, and domain-cliwords-zh.ts
 * exactly the keys of domain-cliwords-en.ts), so there is no run-time test of it here.
 */
describe('UsageError (agent/cli/cli-options.ts)', () => {
  it('takes catalogue words only: English text does not type-check', () => {
    // The check is tsc's: an unused @ts-expect-error fails it if UsageError takes strings again.
    // @ts-expect-error English text is not catalogue words.
    const forced = () => new UsageError('name the clip');
    // Forced through anyway, the text has no words: a Chinese reader would be told English.
    assert.equal(errorText('zh-CN', forced()), 'name the clip');
  });

  it('says a required option with its nested phrase, in English and in Chinese', () => {
    const err = new UsageError(
      {
        key: 'cli.usage.sayWith',
        params: { name: 'by' },
        nested: { what: { key: 'cli.usage.what.who places it' } },
      },
      'en',
    );
    assert.equal(err.message, 'say who places it with --by');
    assert.equal(errorText('en', err), 'say who places it with --by');
    assert.equal(errorText('zh-CN', err), '请用 --by 写明设置人');
  });

  it("keeps the words of the errors it replaces: a held recorder's and a time zone's English as before", () => {
    const notHeld = new UsageError({ key: 'cli.usage.notHeld', params: { serial: 'A123456' } }, 'en');
    assert.equal(notHeld.message, new RecorderNotHeldError('A123456').message);
    assert.match(errorText('zh-CN', notHeld), /^记录仪 A123456 不在/);
    const zone = new UsageError({ key: 'cli.usage.unknownZone', params: { zone: 'Mars/Olympus' } }, 'en');
    assert.equal(zone.message, new UnknownTimeZoneError('Mars/Olympus').message);
    assert.match(errorText('zh-CN', zone), /^本系统不认识时区“Mars\/Olympus”/);
  });

  it("is said in the command's language even when thrown in another one", () => {
    const err = new UsageError({ key: 'cli.usage.unknownAction', params: { action: 'frob' } }, 'en');
    assert.equal(err.message, "unknown action 'frob'");
    assert.equal(errorText('zh-CN', err), '没有“frob”这个操作');
  });
});
