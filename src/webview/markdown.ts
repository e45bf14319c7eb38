/**
 * Markdown rendering, streamed and one-shot, with one result.
 *
 * The parser is markdown-it (CommonMark + GFM tables, strikethrough, autolinks; task lists by a
 * small core rule here). Its tokens are turned into DOM nodes directly (`buildBlocks`): no HTML
 * string of model text is ever parsed, so nothing needs sanitizing afterwards. Raw HTML in the
 * answer shows as text; links keep no `href` (the host opens them after consent); images in
 * model markdown are never fetched (a link instead).
 *
 * Streaming (`MarkdownStream`) re-parses only the last top-level block, from the start of the
 * block being written, and freezes every block before it. That is exact, not a heuristic: in
 * CommonMark only the last child of the document can still be open, so a block followed by
 * another (on complete lines) is final. Two details keep it exact:
 *  - reference definitions: frozen blocks are rendered with the definitions of frozen blocks
 *    only; a link whose label was not defined yet is remembered, and its block is rendered again
 *    when a later block defines it (the first definition wins, as in a whole-document parse);
 *  - a definition right before the last block is not frozen (the next line may still be its title).
 * The one-shot render (`renderDocument`) parses the whole text once; the property test checks that
 * any chunking of a stream ends in the same DOM.
 */
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';
import type { CitationView } from '../shared/protocol';
import { revealAnswerHidden, ANSWER_HIDDEN } from '../shared/hidden';
import { escapeHtml } from '../shared/html';
import { l10n } from '../shared/l10n';

// ------------------------------------------------------------------ parser

type Refs = Record<string, { href: string; title: string }>;
interface ParseEnv {
  [key: string]: unknown;
  references: Refs;
  /** Labels a link looked up and did not find, by top-level block index. */
  missing?: Map<number, Set<string>>;
  block?: number;
  inInline?: boolean;
}

const md = new MarkdownIt('default', { html: true, linkify: true, typographer: false });
// Keep reference definitions as tokens: they mark block boundaries the streamer must respect.
md.core.ruler.disable('strip_references');
// Inline parsing one top-level block at a time, so a missing reference label is attributed to its block.
md.core.ruler.at('inline', (state: StateCore) => {
  const env = state.env as ParseEnv;
  const tokens = state.tokens;
  let block = -1;
  env.inInline = true;
  for (const tok of tokens) {
    if (tok.level === 0 && tok.nesting >= 0) block++;
    if (tok.type === 'inline') {
      env.block = block;
      state.md.inline.parse(tok.content, state.md, state.env, tok.children ?? (tok.children = []));
    }
  }
  env.inInline = false;
});
// GFM task list items: `- [ ] text` / `- [x] text`.
md.core.ruler.push('task_lists', (state: StateCore) => {
  const t = state.tokens;
  for (let i = 2; i < t.length; i++) {
    if (t[i]!.type !== 'inline' || t[i - 1]!.type !== 'paragraph_open' || t[i - 2]!.type !== 'list_item_open') continue;
    const first = t[i]!.children?.[0];
    const m = first?.type === 'text' ? /^\[([ xX])\](?=[ \t]|$)/.exec(first.content) : null;
    if (!m || !first) continue;
    // `- [ ]` alone (nothing after the box) is not a task in GFM.
    if (first.content.length === 3 && (t[i]!.children?.length ?? 0) === 1) continue;
    t[i - 2]!.meta = { task: m[1] !== ' ' };
    first.content = first.content.slice(3).replace(/^[ \t]/, '');
  }
});

function parse(src: string, refs: Refs): { tokens: Token[]; env: ParseEnv } {
  const missing = new Map<number, Set<string>>();
  const env: ParseEnv = { references: watchRefs(refs, missing, () => env), missing };
  const tokens = md.parse(src, env as unknown as Record<string, unknown>);
  return { tokens, env };
}

/** A view of the definitions that records the labels looked up and not found during inline parsing. */
function watchRefs(refs: Refs, missing: Map<number, Set<string>>, env: () => ParseEnv): Refs {
  return new Proxy(refs, {
    get(target, key) {
      const v = target[key as string];
      const e = env();
      if (v === undefined && typeof key === 'string' && e.inInline && e.block !== undefined) {
        let s = missing.get(e.block);
        if (!s) missing.set(e.block, (s = new Set()));
        s.add(key);
      }
      return v;
    },
  });
}

/** Top-level blocks of a token list: [first token, end token (exclusive)], with the line range. */
interface TopBlock {
  from: number;
  to: number;
  lines: [number, number];
  type: string;
}
function topLevel(tokens: Token[]): TopBlock[] {
  const out: TopBlock[] = [];
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i]!;
    let j = i + 1;
    if (t.nesting === 1) {
      let depth = 1;
      while (j < tokens.length && depth > 0) {
        depth += tokens[j]!.nesting;
        j++;
      }
    }
    out.push({ from: i, to: j, lines: (t.map as [number, number] | null) ?? [0, 0], type: t.type });
    i = j;
  }
  return out;
}

/** Offsets where each line of `s` starts. */
function lineStarts(s: string): number[] {
  const out = [0];
  for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', nl + 1)) out.push(nl + 1);
  return out;
}

// ------------------------------------------------------------------ DOM

const SAFE_URL = /^(?:https?:|mailto:)/i;

/**
 * Links never keep an `href`: VS Code's webview host opens any clicked `<a href>` by itself (next
 * to our handler, without consent). The URL moves to `data-href`, the host opens it after the
 * user confirms, once. Unsafe schemes (javascript:, vscode:, file:, data:, command:) are dropped.
 */
export function makeHostLink(a: HTMLAnchorElement | Element, url: string | null | undefined): void {
  a.removeAttribute('href');
  const u = (url ?? '').trim();
  if (!SAFE_URL.test(u)) {
    a.removeAttribute('data-href');
    a.classList.add('dead-link');
    return;
  }
  a.setAttribute('data-href', u);
  a.setAttribute('role', 'link');
  a.setAttribute('tabindex', '0');
  if (!a.getAttribute('title')) a.setAttribute('title', u);
}

/** The host name a URL really points to (shown next to citations and sources). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * Highlighting is asynchronous (a worker, see `highlightWorker.ts`): a code block shows plain
 * text first and its highlighted form when the worker answers (`data-hl="pending"` until then).
 * Results are cached, so the same code renders highlighted at once the next time.
 */
export type Highlighter = (code: string, lang: string) => Promise<string | null>;
let highlighter: Highlighter | undefined;
const highlighted = new Map<string, string | null>();
let pendingHighlights = 0;
let settledWaiters: (() => void)[] = [];
export function setHighlighter(h: Highlighter | undefined): void {
  highlighter = h;
  highlighted.clear();
}
/** Resolves when no highlighting is pending (tests compare DOM after this). */
export function highlightsSettled(): Promise<void> {
  return pendingHighlights === 0 ? Promise.resolve() : new Promise((r) => settledWaiters.push(r));
}

function fillCode(code: HTMLElement, text: string, lang: string, request: boolean): void {
  if (!lang || ANSWER_HIDDEN.test(text)) {
    appendText(code, text, undefined);
    return;
  }
  const key = `${lang}\u0000${text}`;
  const hit = highlighted.get(key);
  if (hit !== undefined) {
    if (hit === null) appendText(code, text, undefined);
    else insertHighlighted(code, hit);
    return;
  }
  appendText(code, text, undefined);
  if (!request || !highlighter) return;
  code.setAttribute('data-hl', 'pending');
  pendingHighlights++;
  const done = () => {
    code.removeAttribute('data-hl');
    if (--pendingHighlights === 0) {
      const w = settledWaiters;
      settledWaiters = [];
      for (const r of w) r();
    }
  };
  highlighter(text, lang).then(
    (html) => {
      if (highlighted.size > 2000) highlighted.clear();
      highlighted.set(key, html);
      if (html !== null && code.textContent === text) {
        code.textContent = '';
        insertHighlighted(code, html);
      }
      done();
    },
    () => done(),
  );
}

/** highlight.js output into DOM: it escapes the code; still, only `span class` is kept. */
function insertHighlighted(code: HTMLElement, html: string): void {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const walker = document.createTreeWalker(tpl.content, NodeFilter.SHOW_ELEMENT);
  const bad: Element[] = [];
  for (let n = walker.nextNode() as Element | null; n; n = walker.nextNode() as Element | null) {
    if (n.localName !== 'span') bad.push(n);
    else for (const a of Array.from(n.attributes)) if (a.name !== 'class') n.removeAttribute(a.name);
  }
  for (const n of bad) n.replaceWith(document.createTextNode(n.textContent ?? ''));
  code.appendChild(tpl.content);
}

/**
 * A code block with its actions (copy, insert, new file). `highlight`: 'now' asks for
 * highlighting, 'cached' uses it only when already known (the tail being written), 'none' streams plain text.
 */
export function codeBlockElement(text: string, lang: string, highlight: 'now' | 'cached' | 'none'): HTMLElement {
  const block = document.createElement('div');
  block.className = 'code-block';
  block.setAttribute('data-lang', lang);
  const head = document.createElement('div');
  head.className = 'code-head';
  const name = document.createElement('span');
  name.className = 'code-lang';
  name.textContent = lang || 'text';
  head.appendChild(name);
  for (const [act, title, label, icon] of CODE_ACTIONS) {
    const b = document.createElement('button');
    b.className = `icon-btn codicon codicon-${icon}`;
    b.setAttribute('data-act', act);
    b.title = title;
    b.setAttribute('aria-label', label);
    head.appendChild(b);
  }
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  code.className = lang ? `hljs language-${lang}` : 'hljs';
  if (highlight !== 'none') fillCode(code, text, lang, highlight === 'now');
  else if (text) appendText(code, text, undefined);
  pre.appendChild(code);
  block.append(head, pre);
  return block;
}
const CODE_ACTIONS = [
  ['copy', l10n.t('Copy'), l10n.t('Copy code'), 'copy'],
  ['insert', l10n.t('Insert at cursor'), l10n.t('Insert code at cursor'), 'insert'],
  ['newFile', l10n.t('Save as new file'), l10n.t('Save code as new file'), 'new-file'],
] as const;

/** Citation markers carried through the markdown source (private-use code points). */
const CITE_MARK = (n: number) => `\u{F0000}${n}\u{F0001}`;
const CITE_RE = /\u{F0000}(\d+)\u{F0001}/gu;
const SPECIAL = new RegExp(`${ANSWER_HIDDEN.source}|\\u{F0000}`, 'u');

interface Cites {
  list: CitationView[];
  numbers: Map<string, number>;
}

/** Text into DOM: invisible characters made visible, citation markers made links. */
function appendText(parent: Node, s: string, cites: Cites | undefined): void {
  if (!s) return;
  if (!SPECIAL.test(s)) {
    parent.appendChild(document.createTextNode(s));
    return;
  }
  let last = 0;
  const re = new RegExp(`(${ANSWER_HIDDEN.source})|${CITE_RE.source}`, 'gu');
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) parent.appendChild(document.createTextNode(s.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      const shown = revealAnswerHidden(m[1]);
      if (shown === m[1]) parent.appendChild(document.createTextNode(m[1]));
      else {
        const span = document.createElement('span');
        span.className = 'hidden-char';
        span.title = l10n.t('Invisible characters in the text, shown');
        span.textContent = shown;
        parent.appendChild(span);
      }
      continue;
    }
    const n = Number(m[m.length - 1]);
    if (!cites) continue;
    const url = [...cites.numbers].find(([, k]) => k === n)?.[0] ?? '';
    const a = document.createElement('a');
    a.className = 'citation';
    a.textContent = `[${n}]`;
    const title = cites.list.find((c) => c.url === url)?.title;
    a.title = `${title ? `${title} — ` : ''}${hostOf(url)}`;
    makeHostLink(a, url);
    a.setAttribute('aria-label', l10n.t('Source {0}: {1}', n, a.title));
    parent.appendChild(a);
  }
  if (last < s.length) parent.appendChild(document.createTextNode(s.slice(last)));
}

const BLOCK_TAGS: Record<string, string> = {
  blockquote_open: 'blockquote',
  bullet_list_open: 'ul',
  ordered_list_open: 'ol',
  list_item_open: 'li',
  table_open: 'table',
  thead_open: 'thead',
  tbody_open: 'tbody',
  tr_open: 'tr',
  th_open: 'th',
  td_open: 'td',
  em_open: 'em',
  strong_open: 'strong',
  s_open: 's',
};

const attr = (t: Token, name: string): string => String(t.attrGet(name) ?? '');

/** Tokens [from, to) into DOM nodes appended to `parent`. */
function buildTokens(tokens: Token[], from: number, to: number, parent: Node, cites: Cites | undefined, hl: 'now' | 'cached' = 'now'): void {
  const stack: Node[] = [parent];
  const top = () => stack[stack.length - 1]!;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'inline':
        if (t.children) buildTokens(t.children, 0, t.children.length, top(), cites);
        continue;
      case 'text':
        appendText(top(), t.content, cites);
        continue;
      case 'paragraph_open':
      case 'heading_open': {
        if (t.hidden) continue;
        const e = document.createElement(t.tag);
        top().appendChild(e);
        stack.push(e);
        continue;
      }
      case 'paragraph_close':
      case 'heading_close':
        if (!t.hidden) stack.pop();
        continue;
      case 'link_open': {
        const a = document.createElement('a');
        const title = t.attrGet('title');
        if (title) a.title = String(title);
        makeHostLink(a, attr(t, 'href'));
        top().appendChild(a);
        stack.push(a);
        continue;
      }
      case 'code_inline': {
        const c = document.createElement('code');
        appendText(c, t.content, undefined);
        top().appendChild(c);
        continue;
      }
      case 'softbreak':
        top().appendChild(document.createTextNode('\n'));
        continue;
      case 'hardbreak':
        top().appendChild(document.createElement('br'));
        continue;
      case 'hr':
        top().appendChild(document.createElement('hr'));
        continue;
      case 'fence':
      case 'code_block': {
        const lang = t.type === 'fence' ? (t.info.trim().split(/\s+/)[0] ?? '') : '';
        // The line end after the last line is not part of the code (copy and insert take it as shown).
        top().appendChild(codeBlockElement(t.content.replace(/\n$/, ''), lang, hl));
        continue;
      }
      case 'html_block': {
        // Raw HTML from the model is shown as text, not interpreted.
        const d = document.createElement('div');
        d.className = 'raw-html';
        appendText(d, t.content, undefined);
        top().appendChild(d);
        continue;
      }
      case 'html_inline':
        appendText(top(), t.content, undefined);
        continue;
      case 'image': {
        // Remote images are never loaded: a link the user may open deliberately.
        const a = document.createElement('a');
        a.className = 'remote-image';
        const src = attr(t, 'src');
        a.title = src;
        makeHostLink(a, src);
        const i = document.createElement('i');
        i.className = 'codicon codicon-file-media';
        a.appendChild(i);
        const alt = (t.children ?? []).map((c) => c.content).join('') || attr(t, 'title') || 'image';
        appendText(a, ` ${alt}`, undefined);
        top().appendChild(a);
        continue;
      }
      case 'reference_definition':
        continue;
      default:
        break;
    }
    if (t.nesting === -1) {
      stack.pop();
      continue;
    }
    const tag = BLOCK_TAGS[t.type];
    if (t.nesting === 1 && tag) {
      const e = document.createElement(tag);
      if (tag === 'ol') {
        const start = t.attrGet('start');
        if (start !== null) e.setAttribute('start', String(start));
      } else if (tag === 'th' || tag === 'td') {
        const m = /text-align:(left|right|center)/.exec(attr(t, 'style'));
        if (m) e.setAttribute('align', m[1]!);
      } else if (tag === 'li' && t.meta && typeof (t.meta as { task?: boolean }).task === 'boolean') {
        e.className = 'task-list-item';
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.disabled = true;
        box.checked = (t.meta as { task: boolean }).task;
        if (box.checked) box.setAttribute('checked', '');
        e.appendChild(box);
      }
      top().appendChild(e);
      stack.push(e);
      continue;
    }
    // An unknown token: keep its text, never its markup.
    if (t.content) appendText(top(), t.content, cites);
  }
}

/** Blocks per chunk: a chunk far from the viewport skips style, layout and paint (`content-visibility`). */
const BLOCKS_PER_CHUNK = 32;

function newChunk(): HTMLElement {
  const c = document.createElement('div');
  c.className = 'md-chunk';
  return c;
}

/** The one-shot render: the whole text parsed at once, its blocks grouped in chunks. */
export function renderDocument(el: HTMLElement, src: string): void {
  el.classList.add('markdown');
  el.textContent = '';
  const { tokens } = parse(src, {});
  let chunk: HTMLElement | undefined;
  let n = 0;
  for (const b of topLevel(tokens)) {
    if (!chunk || n % BLOCKS_PER_CHUNK === 0) el.appendChild((chunk = newChunk()));
    buildTokens(tokens, b.from, b.to, chunk, undefined);
    n++;
  }
}

// ------------------------------------------------------------------ streaming

interface FrozenBlock {
  /** Source range (in the marked source). */
  start: number;
  end: number;
  nodes: Node[];
  chunk: HTMLElement;
  /** Reference labels this block looked up and did not find. */
  waits?: Set<string>;
}

export class MarkdownStream {
  readonly el: HTMLElement;
  /** The answer's text as received. */
  private raw = '';
  /** The text rendered: `raw` with citation markers. */
  private src = '';
  /** Start of the first unfrozen block. */
  private frozenEnd = 0;
  private blocks: FrozenBlock[] = [];
  /** Definitions of frozen blocks (first wins). */
  private refs: Refs = {};
  private waiting = new Map<string, Set<FrozenBlock>>();
  private tail: HTMLElement | undefined;
  /** An open code fence at the top level: its code streams as text until the closing line arrives. */
  private fence: { marker: string; lang: string; codeStart: number; scanned: number; code: HTMLElement | undefined; shown: number } | undefined;
  private cites: Cites | undefined;
  private dirty = false;
  private finalPending = false;
  /** Blocks frozen only because the text ended (and what that changed); undone if more text arrives. */
  private provisional: { frozenEnd: number; blocks: number; labels: string[]; touched: Set<FrozenBlock> } | undefined;
  /** At most this much finished markdown is frozen per frame; the rest waits for the next one. */
  static frameBudgetChars = 4000;

  constructor(el: HTMLElement) {
    this.el = el;
    this.el.classList.add('markdown');
  }

  get text(): string {
    return this.raw;
  }

  /** Append streamed text. Rendering happens in `flush` (once per animation frame). */
  append(t: string): void {
    if (!t) return;
    this.raw += t;
    this.src += t;
    this.dirty = true;
  }

  /** Replace the text and render it at once (a restored answer, or new citations). */
  setText(t: string): void {
    this.reset();
    this.append(t);
    this.rebuildSource();
    this.oneShot = true;
    this.flush(true);
    this.oneShot = false;
  }
  /** Rendering a whole text at once (setText): no per-frame budget. */
  private oneShot = false;

  /** Citations change the rendering of already-frozen blocks: render again, once. */
  setCitations(cites: CitationView[], numbers: Map<string, number>): void {
    this.cites = { list: cites, numbers };
    this.setText(this.raw);
  }

  private reset(): void {
    this.raw = '';
    this.src = '';
    this.frozenEnd = 0;
    this.blocks = [];
    this.refs = {};
    this.waiting.clear();
    this.tail = undefined;
    this.fence = undefined;
    this.provisional = undefined;
    this.finalPending = false;
    this.dirty = false;
    this.el.textContent = '';
  }

  private rebuildSource(): void {
    const cites = this.cites;
    if (!cites?.list.length) {
      this.src = this.raw;
      return;
    }
    const marks = cites.list
      .filter((c) => c.end > 0 && c.end <= this.raw.length)
      .map((c) => ({ at: c.end, n: cites.numbers.get(c.url) ?? 0 }))
      .sort((a, b) => b.at - a.at);
    let out = this.raw;
    for (const m of marks) out = out.slice(0, m.at) + CITE_MARK(m.n) + out.slice(m.at);
    this.src = out;
  }

  /**
   * Render what changed since the last flush. `final` closes the last block. Returns true when
   * work is left for another frame (a burst larger than the per-frame budget arrived).
   */
  flush(final = false): boolean {
    if (final) this.finalPending = true;
    if (this.provisional) {
      if (!this.dirty) return false;
      this.undoProvisional();
    }
    if (!this.dirty && !this.finalPending) return false;
    this.dirty = false;
    const src = this.src;
    if (this.fence && !this.finalPending) {
      if (!this.fenceClosed(src.lastIndexOf('\n') + 1)) {
        this.streamFence();
        return false;
      }
      this.fence = undefined;
    }
    const budget = MarkdownStream.frameBudgetChars;
    if (src.length - this.frozenEnd > 2 * budget && !this.oneShot) {
      // A burst: look at complete lines up to about the budget, freeze what is closed there, the rest in the next frames.
      const limit = src.indexOf('\n', this.frozenEnd + budget) + 1;
      if (limit > 0 && limit < src.length && this.freezeClosed(this.src.slice(this.frozenEnd, limit), false)) {
        this.dirty = true;
        this.removeTail();
        return true;
      }
    }
    if (this.finalPending) {
      this.finalPending = false;
      this.freezeRest();
      return false;
    }
    this.freezeClosed(src.slice(this.frozenEnd), true);
    return false;
  }

  /**
   * One parse of the text from the first unfrozen block: every block before the last open one is
   * closed and frozen; with `show`, the rest is rendered as the tail. Returns true when something froze.
   *
   * Which block is still open: the last one, unless it starts on the last, incomplete line; then
   * the one before it too (that line may still turn out to continue it, `***` vs `***a`). A
   * reference definition right before the open block stays open as well (its title may follow).
   */
  private freezeClosed(text: string, show: boolean): boolean {
    const base = this.frozenEnd;
    const refs = { ...this.refs };
    const known = Object.keys(refs).length;
    const { tokens, env } = parse(text, refs);
    const blocks = topLevel(tokens);
    const starts = lineStarts(text);
    const partialLine = text.endsWith('\n') ? -1 : starts.length - 1;
    let open = blocks.length - 1;
    if (open > 0 && blocks[open]!.lines[0] === partialLine) open--;
    while (open > 0 && blocks[open - 1]!.type === 'reference_definition') open--;
    const froze = open > 0;
    if (froze) {
      const defined = Object.keys(refs).length > known;
      this.freeze(base, base + starts[blocks[open]!.lines[0]]!, defined ? undefined : { tokens, blocks: blocks.slice(0, open), missing: env.missing });
    }
    if (!show) return froze;
    const last = blocks[blocks.length - 1];
    if (last?.type === 'fence' && last.lines[0] !== partialLine) {
      const l = last.lines[1] - 1;
      const lastLine = l > last.lines[0] && l !== partialLine ? text.slice(starts[l], (starts[l + 1] ?? text.length + 1) - 1) : undefined;
      this.openFence(base + starts[last.lines[0]]!, tokens[last.from]!, lastLine, base + (partialLine >= 0 ? starts[partialLine]! : text.length));
      if (this.fence) {
        this.streamFence();
        return froze;
      }
    }
    const fresh = document.createElement('div');
    fresh.className = 'md-tail';
    if (open >= 0) buildTokens(tokens, blocks[Math.max(open, 0)]!.from, tokens.length, fresh, this.cites, 'cached');
    if (!fresh.firstChild) this.removeTail();
    else if (this.tail) morph(this.tail, fresh);
    else {
      this.tail = fresh;
      this.el.appendChild(fresh);
    }
    return froze;
  }

  /** The last block is a fence that is not closed yet: from now on its code streams as text. */
  private openFence(start: number, tok: Token, lastLine: string | undefined, scanned: number): void {
    const firstNl = this.src.indexOf('\n', start);
    if (firstNl < 0 || this.fence) return;
    // Closed when its last complete line (not the opening one) is a closing fence.
    if (lastLine !== undefined && closes(lastLine, tok.markup)) return;
    this.fence = { marker: tok.markup, lang: tok.info.trim().split(/\s+/)[0] ?? '', codeStart: firstNl + 1, scanned, code: undefined, shown: 0 };
  }

  private fenceClosed(complete: number): boolean {
    const f = this.fence!;
    let at = f.scanned;
    while (at < complete) {
      const nl = this.src.indexOf('\n', at);
      if (closes(this.src.slice(at, nl), f.marker)) return true;
      at = nl + 1;
    }
    f.scanned = at;
    return false;
  }

  private streamFence(): void {
    const f = this.fence!;
    if (!this.tail || !f.code) {
      this.removeTail();
      this.tail = document.createElement('div');
      this.tail.className = 'md-tail';
      const block = codeBlockElement('', f.lang, 'none');
      f.code = block.querySelector('code')!;
      f.shown = 0;
      this.tail.appendChild(block);
      this.el.appendChild(this.tail);
    }
    const code = this.src.slice(f.codeStart);
    if (code.length > f.shown) {
      appendText(f.code, code.slice(f.shown), undefined);
      f.shown = code.length;
    }
  }

  /** Render the text [from, to) as frozen blocks, with the definitions known so far. */
  private freeze(from: number, to: number, parsed?: { tokens: Token[]; blocks: TopBlock[]; missing: Map<number, Set<string>> | undefined }): void {
    const text = this.src.slice(from, to);
    const before = new Set(Object.keys(this.refs));
    const refs = { ...this.refs };
    // The blocks as parsed from a longer text, when that text defined nothing (same definitions, same tokens).
    const { tokens, env } = parsed ? { tokens: parsed.tokens, env: { missing: parsed.missing } } : parse(text, refs);
    const tops = parsed ? parsed.blocks : topLevel(tokens);
    const starts = lineStarts(text);
    const newLabels = Object.keys(refs).filter((k) => !before.has(k));
    tops.forEach((b, k) => {
      const start = from + (starts[b.lines[0]] ?? text.length);
      const end = k + 1 < tops.length ? from + (starts[tops[k + 1]!.lines[0]] ?? text.length) : to;
      const block: FrozenBlock = { start, end, nodes: [], chunk: this.chunkFor(this.blocks.length) };
      const frag = document.createDocumentFragment();
      buildTokens(tokens, b.from, b.to, frag, this.cites);
      block.nodes = Array.from(frag.childNodes);
      block.chunk.appendChild(frag);
      this.setWaits(block, env.missing?.get(k));
      this.blocks.push(block);
    });
    for (const l of newLabels) this.refs[l] = refs[l]!;
    this.frozenEnd = to;
    const touched = this.renderWaiting(newLabels);
    if (this.provisional) {
      this.provisional.labels.push(...newLabels);
      for (const b of touched) this.provisional.touched.add(b);
    }
  }

  /** The text ended: freeze what is left (undone if more text arrives). */
  private freezeRest(): void {
    this.fence = undefined;
    this.removeTail();
    this.provisional = { frozenEnd: this.frozenEnd, blocks: this.blocks.length, labels: [], touched: new Set() };
    if (this.frozenEnd < this.src.length) this.freeze(this.frozenEnd, this.src.length);
  }

  private undoProvisional(): void {
    const p = this.provisional!;
    this.provisional = undefined;
    this.blocks.splice(p.blocks).forEach((b, k) => {
      for (const n of b.nodes) (n as ChildNode).remove();
      this.setWaits(b, undefined);
      // A chunk started by an undone block goes with it.
      if ((p.blocks + k) % BLOCKS_PER_CHUNK === 0) b.chunk.remove();
    });
    for (const l of p.labels) delete this.refs[l];
    this.frozenEnd = p.frozenEnd;
    for (const b of p.touched) if (this.blocks.includes(b)) this.rerender(b);
  }

  private chunkFor(index: number): HTMLElement {
    const last = this.blocks[index - 1]?.chunk;
    if (last && index % BLOCKS_PER_CHUNK !== 0) return last;
    const c = newChunk();
    if (this.tail) this.el.insertBefore(c, this.tail);
    else this.el.appendChild(c);
    return c;
  }

  private setWaits(block: FrozenBlock, labels: Set<string> | undefined): void {
    for (const l of block.waits ?? []) this.waiting.get(l)?.delete(block);
    block.waits = labels?.size ? labels : undefined;
    for (const l of block.waits ?? []) {
      let s = this.waiting.get(l);
      if (!s) this.waiting.set(l, (s = new Set()));
      s.add(block);
    }
  }

  /** Blocks that used a label before its definition arrived: render them again. */
  private renderWaiting(labels: string[]): Set<FrozenBlock> {
    const todo = new Set<FrozenBlock>();
    for (const l of labels) for (const b of this.waiting.get(l) ?? []) todo.add(b);
    for (const b of todo) this.rerender(b);
    return todo;
  }

  private rerender(block: FrozenBlock): void {
    const text = this.src.slice(block.start, block.end);
    const { tokens, env } = parse(text, { ...this.refs });
    const frag = document.createDocumentFragment();
    for (const b of topLevel(tokens)) buildTokens(tokens, b.from, b.to, frag, this.cites);
    const nodes = Array.from(frag.childNodes);
    const anchor = block.nodes[0];
    if (anchor) anchor.parentNode!.insertBefore(frag, anchor);
    for (const n of block.nodes) (n as ChildNode).remove();
    block.nodes = nodes;
    this.setWaits(block, env.missing?.get(0));
  }

  private removeTail(): void {
    if (this.tail) {
      this.tail.remove();
      this.tail = undefined;
      if (this.fence) this.fence.code = undefined;
    }
  }
}

/**
 * Make `old`'s children equal to `fresh`'s, touching only what differs (the tail of a streamed
 * answer usually grows by a few characters of its last text node: style and layout stay local).
 */
function morph(old: Node, fresh: Node): void {
  const a = old.childNodes;
  const b = fresh.childNodes;
  let i = 0;
  for (; i < b.length; i++) {
    const o = a[i];
    const n = b[i]!;
    if (!o) {
      // Append the rest of the fresh nodes (moving them empties `b` from index i).
      while (b.length > i) old.appendChild(b[i]!);
      return;
    }
    if (o.nodeType === Node.TEXT_NODE && n.nodeType === Node.TEXT_NODE) {
      if ((o as Text).data !== (n as Text).data) (o as Text).data = (n as Text).data;
    } else if (o.nodeType === Node.ELEMENT_NODE && n.nodeType === Node.ELEMENT_NODE && sameShell(o as Element, n as Element)) {
      morph(o, n);
    } else if (!o.isEqualNode(n)) {
      old.replaceChild(n.cloneNode(true), o);
    }
  }
  while (a.length > b.length) old.removeChild(old.lastChild!);
}

/** Same tag and attributes (children aside). */
function sameShell(a: Element, b: Element): boolean {
  if (a.localName !== b.localName || a.attributes.length !== b.attributes.length) return false;
  for (const at of Array.from(b.attributes)) if (a.getAttribute(at.name) !== at.value) return false;
  // Checkbox state is a property, not only an attribute.
  return a.localName !== 'input' || (a as HTMLInputElement).checked === (b as HTMLInputElement).checked;
}

function closes(line: string, marker: string): boolean {
  const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return !!m && m[1]![0] === marker[0] && m[1]!.length >= marker.length;
}

export { escapeHtml };
