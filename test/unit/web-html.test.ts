import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, joinHtml, rawHtml, SafeHtml } from '../../agent/web/html.ts';

describe('web html template', () => {
  it('escapes every interpolation', () => {
    const hostile = `<script>alert("x")</script>&'\``;
    const out = html`<td title="${hostile}">${hostile}</td>`.text;
    assert.equal(
      out,
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</td>',
    );
    assert.doesNotMatch(out, /<script>/);
  });

  it('keeps SafeHtml as it is, so templates nest without double escaping', () => {
    const inner = html`<b>${'a&b'}</b>`;
    const outer = html`<p>${inner} ${'<i>'}</p>`;
    assert.ok(outer instanceof SafeHtml);
    assert.equal(outer.text, '<p><b>a&amp;b</b> &lt;i&gt;</p>');
    assert.equal(html`${rawHtml('<br>')}`.text, '<br>');
  });

  it('joins arrays, writes numbers, and leaves null, undefined and false out', () => {
    const rows = ['<1>', '<2>'].map((v) => html`<li>${v}</li>`);
    assert.equal(html`<ul>${rows}</ul>`.text, '<ul><li>&lt;1&gt;</li><li>&lt;2&gt;</li></ul>');
    assert.equal(html`${null}${undefined}${false}${0}${12.5}`.text, '012.5');
    assert.equal(html`${['a<', html`<b>`, ['c>']]}`.text, 'a&lt;<b>c&gt;');
    assert.equal(joinHtml([html`<i>x</i>`, 'y&'], ', <').text, '<i>x</i>, &lt;y&amp;');
  });

  it('a string that looks like SafeHtml is still text', () => {
    const fake = { text: '<img src=x onerror=alert(1)>' };
    assert.equal(html`${String(fake.text)}`.text, '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(escapeHtml('"\'<>&'), '&quot;&#39;&lt;&gt;&amp;');
  });
});
