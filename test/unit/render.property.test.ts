/**
 * Property: a streamed answer ends in exactly the DOM of its one-shot render, whatever the
 * chunking. Every CommonMark 0.31.2 spec example (npm `commonmark-spec`) and the GFM extension
 * examples (tables, task lists, strikethrough, autolinks) are streamed in Chromium through the
 * real renderer (`src/webview/markdown.ts`, bundled for the browser): in random chunks with a
 * frame between some of them, character by character, line by line, with a tiny per-frame
 * budget (bursts), and as a continuation (more text after the text seemed to end). The final
 * `innerHTML` must equal `renderDocument` of the whole text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const spec = require('commonmark-spec') as { tests: { markdown: string; number: number; section: string }[] };

/** GFM extension examples (GitHub Flavored Markdown spec 0.29: tables, task lists, strikethrough, autolinks), plus mixes. */
const GFM: string[] = [
  '| foo | bar |\n| --- | --- |\n| baz | bim |\n',
  '| abc | defghi |\n:-: | -----------:\nbar | baz\n',
  '| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n',
  '| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n',
  '| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar\n',
  '| abc | def |\n| --- |\n| bar |\n',
  '| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n',
  '| abc | def |\n| --- | --- |\n',
  '- [ ] foo\n- [x] bar\n',
  '- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim\n',
  '- [ ]\n- [x] done\n- [ ] \n',
  '~~Hi~~ Hello, world!\n',
  'This ~~has a\n\nnew paragraph~~.\n',
  'This will ~~~not~~~ strike.\n',
  'www.commonmark.org\n',
  'Visit www.commonmark.org/help for more information.\n',
  'Visit www.commonmark.org.\n\nVisit www.commonmark.org/a.b.\n',
  'www.google.com/search?q=Markup+(business)\n\nwww.google.com/search?q=Markup+(business)))\n\n(www.google.com/search?q=Markup+(business))\n',
  'www.google.com/search?q=(business))+ok\n',
  'www.google.com/search?q=commonmark&hl=en\n\nwww.google.com/search?q=commonmark&hl;\n',
  'www.commonmark.org/he<lp\n',
  'http://commonmark.org\n\n(Visit https://encrypted.google.com/search?q=Markup+(business))\n',
  'foo@bar.baz\n',
  "hello@mail+xyz.example isn't valid, but hello+xyz@mail.example is.\n",
  'a.b-c_d@a.b\n\na.b-c_d@a.b.\n\na.b-c_d@a.b-\n\na.b-c_d@a.b_\n',
  '[foo]\n\n- a\n\n- b\n\n\n- c\n\n| x | y |\n|---|---|\n| [foo] | [bar][] |\n\n[foo]: https://example.com/foo "Foo"\n[bar]: <https://example.com/bar>\n',
  '1. one\n2. two\n\n   para in two\n3. three\n\n```ts\nconst x = 1;\n```\n\n> quote [ref]\n\n[ref]: https://example.com\n',
  'Text with hidden \u202Ereversed\u202C and tag \u{E0049}\u{E0047}\u{E004E}\u{E004F}\u{E0052}\u{E0045} characters, and a flag \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}.\n',
  '```\nunclosed fence\n\nwith blank lines\n',
  '~~~~ python\nprint(1)\n~~~\nstill code\n~~~~~\nafter\n',
  '[a]: /a\n"title\ncontinued"\n\n[a]\n',
  'intro\n\n[a]: /a\n"title\ncontinued"\n\n[a] and [b]\n\n[b]: /b\n',
  '<div>\n*not emphasis*\n</div>\n\n<!-- comment\n\nstill -->\n\nafter\n',
  'Setext\n===\n\nand\n---\n\n    indented code\n\n    still code\n\nend\n',
  // Long enough to cross chunk boundaries (32 blocks each) while blocks freeze as they were shown,
  // with code (highlighted when it froze), a reference used before its definition, and lists.
  Array.from({ length: 75 }, (_, k) =>
    k % 5 === 0
      ? `\`\`\`${k % 2 ? 'js' : 'python'}\nx = ${k}\n\`\`\`\n`
      : k % 5 === 1
        ? `- item ${k} [r${k % 3}]\n- two\n`
        : k % 5 === 2
          ? `[r${(k + 1) % 3}]: https://example.com/${k}\n`
          : k % 5 === 3
            ? `## Heading ${k}\n`
            : `Paragraph ${k} with *emphasis* and \`code\`.\n`,
  ).join('\n'),
  Array.from({ length: 70 }, (_, k) => (k % 7 === 3 ? '```ts\nconst a = ' + k + ';\n```' : `p${k}`)).join('\n\n') + '\n',
];

let browser: Browser;
let page: Page;

before(async () => {
  const bundle = await esbuild.build({
    stdin: {
      contents: [
        "import { renderDocument, MarkdownStream, setHighlighter, highlightsSettled } from './src/webview/markdown';",
        "import hljs from 'highlight.js/lib/common';",
        "import { hljsTree } from './src/webview/markdown/hlTree';",
        // The worker's answer, asynchronously (as in the webview).
        'const hl = (code: string, lang: string) => new Promise((r) => setTimeout(() => r(hljs.getLanguage(lang) ? hljsTree(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value) : null)));',
        'setHighlighter(hl);',
        // Setting it again empties the cache: each stream must ask for its own highlighting.
        '(window as any).__md = { renderDocument, MarkdownStream, highlightsSettled, forgetHighlights: () => setHighlighter(hl) };',
      ].join('\n'),
      resolveDir: join(__dirname, '..', '..', '..'),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
});
after(async () => {
  await browser?.close();
});

/** The renderer's streaming class as the page sees it. */
type StreamClass = { frameBudgetChars: number; new (el: HTMLElement): { append(t: string): void; flush(final?: boolean): boolean } };

interface Mismatch {
  name: string;
  how: string;
  chunks: string[];
  expected: string;
  got: string;
}

/** Streams each document in many chunkings inside the page; returns the mismatches and the number of streams compared. */
async function check(docs: { name: string; text: string }[], randomChunkings: number, seed: number): Promise<{ streams: number; bad: Mismatch[] }> {
  return page.evaluate(
    async ({ docs, randomChunkings, seed }) => {
      const { renderDocument, MarkdownStream, highlightsSettled, forgetHighlights } = (
        window as unknown as {
          __md: { renderDocument(el: HTMLElement, s: string): void; MarkdownStream: StreamClass; highlightsSettled(): Promise<void>; forgetHighlights(): void };
        }
      ).__md;
      let state = seed >>> 0;
      const rnd = () => {
        // xorshift32: reproducible chunkings from the seed.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 4294967296;
      };
      const bad: { name: string; how: string; chunks: string[]; expected: string; got: string }[] = [];
      let streams = 0;
      /** Streams the chunks (a frame between some of them); `cont`: the text "ends" after the first chunk, then goes on. */
      const stream = (chunks: string[], budget: number, cont: boolean): HTMLElement => {
        MarkdownStream.frameBudgetChars = budget;
        const el = document.createElement('div');
        const s = new MarkdownStream(el);
        chunks.forEach((c, k) => {
          s.append(c);
          if (cont && k === 0) {
            while (s.flush(true)) {
              /* the text seemed to end (a continuation hop follows) */
            }
          } else if (rnd() < 0.7) {
            while (s.flush()) {
              /* a burst renders over several frames */
            }
          }
        });
        while (s.flush(true)) {
          /* */
        }
        MarkdownStream.frameBudgetChars = 4000;
        return el;
      };
      for (const d of docs) {
        const whole = document.createElement('div');
        renderDocument(whole, d.text);
        await highlightsSettled();
        const expected = whole.innerHTML;
        const ways: { how: string; chunks: string[]; budget: number; cont?: number }[] = [
          { how: 'one delta', chunks: [d.text], budget: 4000 },
          { how: 'char by char', chunks: [...d.text], budget: 4000 },
          { how: 'line by line', chunks: d.text.split(/(?<=\n)/), budget: 4000 },
          { how: 'char by char, budget 1', chunks: [...d.text], budget: 1 },
        ];
        for (let k = 0; k < randomChunkings; k++) {
          const chunks: string[] = [];
          const cps = [...d.text];
          for (let i = 0; i < cps.length;) {
            const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 40 : 6));
            chunks.push(cps.slice(i, i + n).join(''));
            i += n;
          }
          ways.push({ how: `random #${k}`, chunks, budget: rnd() < 0.3 ? 1 + Math.floor(rnd() * 30) : 4000 });
        }
        // Continuations: the text is cut at a random point, "ends", then goes on.
        for (let k = 0; k < 3 && d.text.length > 1; k++) {
          const at = 1 + Math.floor(rnd() * (d.text.length - 1));
          ways.push({ how: `continued at ${at}`, chunks: [d.text.slice(0, at), d.text.slice(at)], budget: 4000, cont: at });
        }
        for (const w of ways) {
          streams++;
          forgetHighlights();
          const el = stream(w.chunks, w.budget, w.cont !== undefined);
          await highlightsSettled();
          const got = el.innerHTML;
          if (got !== expected) bad.push({ name: d.name, how: w.how, chunks: w.chunks, expected, got });
        }
      }
      return { streams, bad };
    },
    { docs, randomChunkings, seed },
  );
}

function report(bad: Mismatch[]): string {
  const names = [...new Set(bad.map((b) => b.name))];
  const first = bad[0];
  return (
    `${bad.length} mismatching streams in ${names.length} documents: ${names.slice(0, 30).join(', ')}\n` +
    (first ? `first: ${first.name} (${first.how}) chunks=${JSON.stringify(first.chunks.slice(0, 40))}\nexpected ${first.expected}\n     got ${first.got}` : '')
  );
}

test('every CommonMark spec example streams to the DOM of its one-shot render, in every chunking', { timeout: 300_000 }, async () => {
  const docs = spec.tests.map((t) => ({ name: `spec #${t.number} (${t.section})`, text: t.markdown }));
  assert.equal(docs.length, 652);
  const { streams, bad } = await check(docs, 24, 0x9e3779b9);
  console.log(`CommonMark: ${docs.length} examples × ${streams / docs.length} chunkings = ${streams} streams compared`);
  assert.equal(bad.length, 0, report(bad));
});

test('GFM tables, task lists, strikethrough, autolinks and mixed documents stream to their one-shot render', { timeout: 120_000 }, async () => {
  const docs = GFM.map((text, k) => ({ name: `gfm #${k}`, text }));
  const { streams, bad } = await check(docs, 60, 0x2545f491);
  console.log(`GFM and mixed: ${docs.length} documents × ${streams / docs.length} chunkings = ${streams} streams compared`);
  assert.equal(bad.length, 0, report(bad));
});

test('the one-shot render resolves what only the whole document knows', async () => {
  const html = await page.evaluate(() => {
    const { renderDocument } = (window as unknown as { __md: { renderDocument(el: HTMLElement, s: string): void } }).__md;
    const el = document.createElement('div');
    renderDocument(el, '[foo] and [bar][]\n\n- a\n\n- b\n\n| h |\n|---|\n| [foo] |\n\n[foo]: https://example.com/foo\n[bar]: https://example.com/bar "Bar"\n');
    return {
      links: Array.from(el.querySelectorAll('a')).map((a) => a.getAttribute('data-href')),
      loose: el.querySelectorAll('li > p').length,
      cells: el.querySelectorAll('td a').length,
      hrefs: el.querySelectorAll('[href]').length,
    };
  });
  assert.deepEqual(html.links, ['https://example.com/foo', 'https://example.com/bar', 'https://example.com/foo']);
  assert.equal(html.loose, 2, 'the list is loose');
  assert.equal(html.cells, 1, 'a reference link inside a table cell');
  assert.equal(html.hrefs, 0, 'no element keeps an href');
  const code = await page.evaluate(async () => {
    const { renderDocument, highlightsSettled } = (window as unknown as { __md: { renderDocument(el: HTMLElement, s: string): void; highlightsSettled(): Promise<void> } }).__md;
    const el = document.createElement('div');
    renderDocument(el, '```js\nconst x = 1;\n```\n');
    const before = el.querySelector('code')!.getAttribute('data-hl');
    await highlightsSettled();
    return { before, after: el.querySelector('code')!.getAttribute('data-hl'), keyword: el.querySelector('.hljs-keyword')?.textContent };
  });
  assert.deepEqual(code, { before: 'pending', after: null, keyword: 'const' }, 'code is highlighted asynchronously');
});
