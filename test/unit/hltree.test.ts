/**
 * Highlighted code reaches the page as data (`hljsTree`), never as HTML: highlight.js's real
 * output for many languages round-trips to the exact code, and anything that is not a span with
 * a class around escaped text is refused (no highlighting rather than parsed markup).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import hljs from 'highlight.js/lib/common';
import { hljsTree, hlText } from '../../src/webview/markdown/hlTree';

const SAMPLES: Array<[string, string]> = [
  ['ts', 'export class A<T> extends B implements C {\n  private x = `a ${1 + 2} "q" \'s\' & <b>`;\n}\n'],
  ['html', '<!DOCTYPE html>\n<a href="x?a=1&amp;b=2" onclick=\'alert(1)\'>&lt;tag&gt;</a>\n<script>if (a < b && c > d) {}</script>\n'],
  ['python', 'def f(x):\n    """doc & <stuff>"""\n    return x if x > 0 else -x  # comment\n'],
  ['bash', 'echo "$HOME" > /tmp/x && cat <<EOF\n<not html>\nEOF\n'],
  ['json', '{"a": "<span class=\\"x\\">", "b": [1, 2.5, true, null]}\n'],
  ['css', 'a[href^="http"]::after { content: "</span>"; }\n'],
  ['xml', '<?xml version="1.0"?>\n<root attr="&quot;">\n  <![CDATA[ <x> & ]]>\n</root>\n'],
  ['markdown', '# Title\n\n```js\nconst x = "<span>";\n```\n'],
  ['cpp', '#include <vector>\ntemplate <typename T> T max(T a, T b) { return a > b ? a : b; }\n'],
  ['php', '<?php echo "<b>" . $x; ?>\n<div><?= $y ?></div>\n'],
];

test('highlight.js output for many languages becomes a tree whose text is exactly the code', () => {
  for (const [lang, code] of SAMPLES) {
    const html = hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    const tree = hljsTree(html);
    assert.ok(tree, `${lang}: a tree`);
    assert.equal(hlText(tree), code, `${lang}: the same text`);
    assert.ok(JSON.stringify(tree).includes('"c":"hljs-'), `${lang}: with classes`);
  }
});

test('entities are decoded once; spans nest; text between tags is one string', () => {
  assert.deepEqual(hljsTree('a &amp;lt; b'), ['a &lt; b']);
  assert.deepEqual(hljsTree('<span class="hljs-title function_">f<span class="hljs-params">(x)</span></span>;'), [
    { c: 'hljs-title function_', k: ['f', { c: 'hljs-params', k: ['(x)'] }] },
    ';',
  ]);
  assert.deepEqual(hljsTree('&quot;&#x27;&#39;&lt;&gt;'), [`"''<>`]);
  assert.deepEqual(hljsTree(''), []);
});

test('anything but span-with-class and escaped text is refused, not passed on', () => {
  for (const bad of [
    '<img src=x onerror=alert(1)>',
    '<span class="a" onclick="x">t</span>',
    '<span class="a"><b>t</b></span>',
    '<span class="a">unclosed',
    'text</span>',
    '<span class="a"></span></span>',
    '<span class=a>t</span>',
    '<span class="a&quot;">t</span>',
    '<span class="a">t</span ><script>',
    'a < b',
    'a & b',
    '&nbsp;',
    '&#60;script&#62;',
    '<!-- c -->',
    '<SPAN class="a">t</SPAN>',
  ])
    assert.equal(hljsTree(bad), null, bad);
});
