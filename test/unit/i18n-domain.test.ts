import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LoginRefusedError,
  LoginThrottledError,
  OfficerNoTakenError,
  WeakPasswordError,
} from '../../agent/access/errors.ts';
import { checkPasswordPolicy } from '../../agent/access/password.ts';
import { alertKindText, alertText } from '../../agent/i18n/alert-text.ts';
import { domainEn } from '../../agent/i18n/domain-en.ts';
import { domainZh } from '../../agent/i18n/domain-zh.ts';
import { errorText } from '../../agent/i18n/error-words.ts';
import { langFromEnv } from '../../agent/i18n/lang.ts';
import { ALERT_KINDS } from '../../agent/ledger/alert-kinds.ts';
import { LedgerStateError } from '../../agent/ledger/errors.ts';
import { latinWords } from '../browser/latin-words.ts';
import { EXAMPLE_FACTS } from '../helpers/test-alert.ts';

const HAN = /[\u4e00-\u9fff]/;
const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the dock's own words (agent/i18n)", () => {
  it('Chinese and English have the same keys and placeholders; Chinese is Chinese', () => {
    assert.deepEqual(Object.keys(domainEn).sort(), Object.keys(domainZh).sort());
    for (const [key, zh] of Object.entries(domainZh)) {
      const en = domainEn[key as keyof typeof domainZh];
      assert.deepEqual(placeholders(en), placeholders(zh), key);
      // A text of placeholders and punctuation only (`{by}，{at}`) has no words to translate.
      if (/[A-Za-z\u4e00-\u9fff]/.test(zh.replace(/\{\w+\}/g, ''))) assert.match(zh, HAN, `zh ${key}: ${zh}`);
    }
  });

  it('every alert kind renders from its facts in both languages, with nothing left unfilled', () => {
    const wording = (lang: 'zh-CN' | 'en') => ({
      lang,
      recorder: (s: string) => `${s}（张三 000123）`,
      bytes: (n: number) => `${n} B`,
      time: (iso: string) => iso.slice(0, 16),
    });
    for (const kind of ALERT_KINDS) {
      const alert = { kind, facts: EXAMPLE_FACTS[kind] as never, detail: 'an English sentence' };
      const zh = alertText(alert, wording('zh-CN'));
      const en = alertText(alert, wording('en'));
      assert.match(zh, HAN, `${kind}: ${zh}`);
      assert.doesNotMatch(`${zh} ${en}`, /\{\w+\}/, kind);
      assert.notEqual(zh, 'an English sentence');
      assert.match(alertKindText('zh-CN', kind), HAN, kind);
      // Only data (serials, paths, stores, digests) may be Latin in the Chinese text.
      const data = Object.values(EXAMPLE_FACTS[kind]).filter((v) => typeof v === 'string' && !/\s/.test(v));
      assert.deepEqual(
        latinWords(`${alertKindText('zh-CN', kind)} ${zh}`, data as string[]),
        [],
        `${kind}: ${zh}`,
      );
    }
    assert.equal(
      alertText({ kind: 'late-clip', facts: null, detail: 'old' }, wording('zh-CN')),
      'old',
      'pre-7 alerts keep their detail',
    );
  });

  it('refusals of the access and ledger layers say their words in the reader language', () => {
    const cases: [Error, RegExp][] = [
      [new LoginRefusedError(), /用户名或密码错误/],
      [new LoginThrottledError(60), /60 秒后再试/],
      [new OfficerNoTakenError('310001', 'officer1'), /310001 已属于账号 officer1/],
    ];
    try {
      checkPasswordPolicy('Abc-12', 'someone');
    } catch (err) {
      assert.ok(err instanceof WeakPasswordError);
      cases.push([err, /至少 10 个字符/]);
    }
    for (const [err, zh] of cases) {
      assert.match(errorText('zh-CN', err), zh);
      assert.doesNotMatch(errorText('en', err), HAN);
    }
    const plain = new LedgerStateError('no words given');
    assert.equal(errorText('zh-CN', plain), 'no words given', 'an error without words keeps its sentence');
  });

  it('takes the language of dockctl from LC_ALL, LC_MESSAGES, then LANG', () => {
    assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
    assert.equal(langFromEnv({ LANG: 'en_US.UTF-8' }), 'en');
    assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
    assert.equal(langFromEnv({ LC_MESSAGES: 'zh_TW.UTF-8' }), 'zh-CN');
    assert.equal(langFromEnv({}), 'en');
  });
});
