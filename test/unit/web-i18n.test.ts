import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SESSION_STEPS } from '../../agent/dock/session-steps.ts';
import { STEP_WORDS } from '../../agent/i18n/session-step-words.ts';
import { en } from '../../agent/web/i18n/en.ts';
import { CATALOGS, parseLang, translator, WEB_LANGS } from '../../agent/web/i18n/messages.ts';
import { zhCN } from '../../agent/web/i18n/zh-CN.ts';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}

describe('web i18n catalogs', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = Object.keys(zhCN).sort();
    const english = Object.keys(en).sort();
    assert.deepEqual(english, zh);
    assert.ok(zh.length > 200);
  });

  it('no message is empty, and both languages use the same placeholders', () => {
    for (const key of Object.keys(CATALOGS['zh-CN']) as (keyof (typeof CATALOGS)['zh-CN'])[]) {
      assert.notEqual(CATALOGS['zh-CN'][key].trim(), '', `zh-CN ${key}`);
      assert.notEqual(CATALOGS.en[key].trim(), '', `en ${key}`);
      assert.deepEqual(placeholders(CATALOGS.en[key]), placeholders(CATALOGS['zh-CN'][key]), key);
    }
  });

  it('names every dock session step in Chinese on the Now page', () => {
    const zh = translator('zh-CN');
    for (const step of [...SESSION_STEPS, 'done'] as const)
      assert.match(zh(STEP_WORDS[step]), /[\u4e00-\u9fff]/, step);
  });

  it('the Chinese catalog is Chinese where the English one is not', () => {
    assert.match(zhCN['nav.ledger'], /台账/);
    assert.equal(en['nav.ledger'], 'Ledger');
    assert.equal(WEB_LANGS[0], 'zh-CN');
    assert.equal(CATALOGS['zh-CN']['nav.ledger'], zhCN['nav.ledger']);
    assert.equal(CATALOGS.en['alert.kind.late-clip'], 'Stored late (R1)', 'the shared words are in too');
  });

  it('translates with parameters and leaves unknown placeholders alone', () => {
    const t = translator('en');
    assert.equal(t('login.throttled', { minutes: 15 }), 'Too many failed logins: try again in 15 minutes.');
    assert.equal(
      translator('zh-CN')('login.throttled', { minutes: 3 }),
      '登录失败次数过多，请 3 分钟后再试。',
    );
    assert.equal(t('error.required'), 'Fill in {field}.');
  });

  it('accepts only its own language names', () => {
    assert.equal(parseLang('en'), 'en');
    assert.equal(parseLang('zh-CN'), 'zh-CN');
    for (const v of ['EN', 'fr', '', null, undefined, '__proto__', 'en;q=1'])
      assert.equal(parseLang(v), null, String(v));
  });
});
