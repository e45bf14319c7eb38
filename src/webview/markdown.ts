/**
 * Incremental markdown rendering. The text is cut into top-level blocks (blank lines outside
 * fenced code); a completed block is rendered once (markdown → sanitized HTML, code highlighted)
 * and never touched again. Only the block being written is re-rendered, so the cost of one delta
 * does not grow with the length of the message. An open code fence streams as plain text.
 *
 * Security: raw HTML is escaped, the output passes an allowlist sanitizer; links become host-handled anchors; images in model
 * markdown are never fetched (a placeholder link instead).
 */
import { Marked, type Tokens } from 'marked';
import hljs from 'highlight.js/lib/common';
import type { CitationView } from '../shared/protocol';

const FENCE = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function highlight(code: string, lang: string): string {
  const language = lang && hljs.getLanguage(lang) ? lang : undefined;
  if (!language) return escapeHtml(code);
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(code);
  }
}

export function codeBlockHtml(code: string, lang: string, highlighted: boolean): string {
  const l = escapeHtml(lang || '');
  const body = highlighted ? highlight(code, lang) : escapeHtml(code);
  return (
    `<div class="code-block" data-lang="${l}">` +
    `<div class="code-head"><span class="code-lang">${l || 'text'}</span>` +
    `<span class="code-actions">` +
    `<button class="icon-btn" data-act="copy" title="Copy" aria-label="Copy code"><i class="codicon codicon-copy"></i></button>` +
    `<button class="icon-btn" data-act="insert" title="Insert at cursor" aria-label="Insert code at cursor"><i class="codicon codicon-insert"></i></button>` +
    `<button class="icon-btn" data-act="newFile" title="Save as new file" aria-label="Save code as new file"><i class="codicon codicon-new-file"></i></button>` +
    `</span></div><pre><code class="hljs${l ? ' language-' + l : ''}">${body}</code></pre></div>`
  );
}

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  renderer: {
    code(token: Tokens.Code): string {
      const lang = (token.lang ?? '').trim().split(/\s+/)[0] ?? '';
      return codeBlockHtml(token.text, lang, true);
    },
    image(token: Tokens.Image): string {
      // Remote images are never loaded: show a link the user may open deliberately.
      const label = escapeHtml(token.text || token.title || 'image');
      return `<a class="remote-image" href="${escapeHtml(token.href)}" title="${escapeHtml(token.href)}"><i class="codicon codicon-file-media"></i> ${label}</a>`;
    },
    html(token: Tokens.HTML | Tokens.Tag): string {
      // Raw HTML from the model is shown as text, not interpreted.
      return escapeHtml(token.text);
    },
  },
});

/**
 * The sanitizer: an allowlist walk over an inert <template> (parsing there runs no script and
 * loads nothing). Only the elements and attributes our markdown renderer produces survive; URLs
 * must be http(s), mailto or in-page anchors. Raw HTML from the model never reaches this point
 * as markup (the renderer escapes it), so this is the second line of defence. It is ~3x faster
 * than DOMPurify on streamed blocks, which is what keeps long answers within the frame budget.
 */
const ALLOWED: Record<string, ReadonlySet<string>> = (() => {
  const none = new Set<string>();
  const cls = new Set(['class']);
  const table: Record<string, string[]> = {
    p: [],
    br: [],
    hr: [],
    em: [],
    strong: [],
    del: [],
    s: [],
    code: ['class'],
    pre: [],
    blockquote: [],
    ul: [],
    ol: ['start'],
    li: [],
    h1: [],
    h2: [],
    h3: [],
    h4: [],
    h5: [],
    h6: [],
    table: [],
    thead: [],
    tbody: [],
    tr: [],
    th: ['align'],
    td: ['align'],
    a: ['href', 'title', 'class'],
    span: ['class'],
    div: ['class', 'data-lang'],
    i: ['class', 'aria-hidden'],
    button: ['class', 'data-act', 'title', 'aria-label'],
    input: [],
  };
  const out: Record<string, ReadonlySet<string>> = {};
  for (const [tag, attrs] of Object.entries(table)) out[tag] = attrs.length ? new Set(attrs) : tag === 'span' ? cls : none;
  return out;
})();
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

export function sanitizeInto(el: HTMLElement, html: string): void {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const root = tpl.content;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
  const drop: Node[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.COMMENT_NODE) {
      drop.push(n);
      continue;
    }
    const e = n as Element;
    const allowed = ALLOWED[e.localName];
    if (!allowed || e.namespaceURI !== 'http://www.w3.org/1999/xhtml' || (e.localName === 'input' && e.getAttribute('type') !== 'checkbox')) {
      drop.push(e);
      continue;
    }
    for (const a of Array.from(e.attributes)) {
      if (e.localName === 'input' && (a.name === 'type' || a.name === 'checked' || a.name === 'disabled')) continue;
      if (a.name === 'href') continue;
      if (!allowed.has(a.name)) e.removeAttribute(a.name);
    }
    if (e.localName === 'a') makeHostLink(e, e.getAttribute('href'));
  }
  // A disallowed element is replaced by its text: nothing executes, nothing of the answer is lost.
  for (const n of drop) {
    if (n.nodeType === Node.COMMENT_NODE || !n.parentNode) n.parentNode?.removeChild(n);
    else n.parentNode.replaceChild(document.createTextNode(n.textContent ?? ''), n);
  }
  el.replaceChildren(root);
}

/** Render markdown into an element (sanitized straight to DOM nodes). */
export function renderMarkdownInto(el: HTMLElement, src: string): void {
  sanitizeInto(el, marked.parse(src) as string);
}

/** The host name a URL really points to (shown next to citations and sources). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Private-use marker for a citation inserted into the markdown source. */
const CITE_MARK = (n: number) => `\u{F0000}${n}\u{F0001}`;
const CITE_RE = /\u{F0000}(\d+)\u{F0001}/gu;
const CITE_TEST = /\u{F0000}\d+\u{F0001}/u;

export class MarkdownStream {
  readonly el: HTMLElement;
  private src = '';
  /** Start of the block being written (everything before it is rendered and frozen). */
  private blockStart = 0;
  /** Scan position (start of the first line not yet classified). */
  private scan = 0;
  private fence: { marker: string; lang: string; start: number; codeStart: number } | undefined;
  private tail: HTMLElement | undefined;
  private tailCode: HTMLElement | undefined;
  private tailCodeLen = 0;
  private cites: CitationView[] = [];
  private citeNumbers: Map<string, number> | undefined;
  private dirty = false;
  /** Frozen blocks are grouped in chunks; a chunk far from the viewport skips style, layout and paint. */
  private chunk: HTMLElement | undefined;
  private chunkBlocks = 0;
  private static readonly BLOCKS_PER_CHUNK = 32;
  /** At most this much finished markdown is rendered per frame; the rest waits for the next one. */
  static frameBudgetChars = 4000;
  /** A final flush was asked for while work was still pending. */
  private finalPending = false;
  /** The last block, frozen only because the step ended; reopened if more text arrives (continuation). */
  private provisional: { el: HTMLElement; start: number } | undefined;

  constructor(el: HTMLElement) {
    this.el = el;
    this.el.classList.add('markdown');
  }

  get text(): string {
    return this.src;
  }

  /** Append streamed text. Rendering happens in `flush` (once per animation frame). */
  append(t: string): void {
    if (!t) return;
    if (this.provisional) {
      // The answer continues (a continuation hop): the block is not finished after all.
      this.provisional.el.remove();
      this.chunkBlocks = Math.max(0, this.chunkBlocks - 1);
      this.blockStart = this.provisional.start;
      this.provisional = undefined;
    }
    this.src += t;
    this.dirty = true;
  }

  setText(t: string): void {
    this.src = '';
    this.blockStart = 0;
    this.scan = 0;
    this.fence = undefined;
    this.provisional = undefined;
    this.finalPending = false;
    this.chunk = undefined;
    this.chunkBlocks = 0;
    this.el.textContent = '';
    this.tail = undefined;
    this.tailCode = undefined;
    this.append(t);
  }

  /** Citations change the rendering of already-frozen blocks: re-render once. */
  setCitations(cites: CitationView[], numbers: Map<string, number>): void {
    this.cites = cites;
    this.citeNumbers = numbers;
    const all = this.src;
    this.setText(all);
  }

  /**
   * Render what changed since the last flush. `final` closes the last block. Returns true when
   * work is left for another frame (a burst larger than the per-frame budget arrived).
   */
  flush(final = false): boolean {
    if (final) this.finalPending = true;
    if (!this.dirty && (!this.finalPending || this.provisional)) return false;
    this.dirty = false;
    const src = this.src;
    // Classify complete lines; every block completed in this frame is rendered in one pass.
    let doneFrom = -1;
    let doneTo = -1;
    const complete = (from: number, to: number) => {
      if (doneFrom < 0) doneFrom = from;
      doneTo = to;
    };
    let nl = src.indexOf('\n', this.scan);
    let budgetLeft = true;
    while (nl >= 0) {
      const line = src.slice(this.scan, nl);
      const lineStart = this.scan;
      this.scan = nl + 1;
      if (this.fence) {
        const m = FENCE.exec(line);
        if (m && m[1]![0] === this.fence.marker[0] && m[1]!.length >= this.fence.marker.length && m[2]!.trim() === '') {
          complete(this.fence.start, this.scan);
          this.blockStart = this.scan;
          this.fence = undefined;
        }
      } else {
        const m = FENCE.exec(line);
        if (m) {
          if (src.slice(this.blockStart, lineStart).trim()) complete(this.blockStart, lineStart);
          this.blockStart = lineStart;
          this.fence = { marker: m[1]!, lang: m[2]!.trim().split(/\s+/)[0] ?? '', start: lineStart, codeStart: this.scan };
        } else if (line.trim() === '' && src.slice(this.blockStart, lineStart).trim()) {
          complete(this.blockStart, this.scan);
          this.blockStart = this.scan;
        } else if (line.trim() === '') {
          this.blockStart = this.scan;
        }
      }
      if (doneFrom >= 0 && doneTo - doneFrom >= MarkdownStream.frameBudgetChars) {
        budgetLeft = false;
        break;
      }
      nl = src.indexOf('\n', this.scan);
    }
    if (doneFrom >= 0) this.freeze(doneFrom, doneTo);
    if (!budgetLeft && src.indexOf('\n', this.scan) >= 0) {
      // More finished blocks are waiting: render them in the next frame(s).
      this.dirty = true;
      this.removeTail();
      return true;
    }
    if (this.finalPending) {
      this.finalPending = false;
      const start = this.fence ? this.fence.start : this.blockStart;
      if (this.fence || src.slice(this.blockStart).trim()) {
        this.freeze(start, src.length);
        this.provisional = { el: this.chunk!.lastElementChild as HTMLElement, start };
        // Keep the fence state: a continuation may still close it.
      }
      this.removeTail();
      return false;
    }
    this.renderTail();
    return false;
  }

  private freeze(from: number, to: number): void {
    this.removeTail();
    this.provisional = undefined;
    const block = document.createElement('div');
    block.className = 'md-block';
    renderMarkdownInto(block, this.withCites(from, to));
    this.decorateCites(block);
    if (!this.chunk || this.chunkBlocks >= MarkdownStream.BLOCKS_PER_CHUNK) {
      this.chunk = document.createElement('div');
      this.chunk.className = 'md-chunk';
      this.chunkBlocks = 0;
      // Chunks stay before the block being written.
      if (this.tail) this.el.insertBefore(this.chunk, this.tail);
      else this.el.appendChild(this.chunk);
    }
    this.chunk.appendChild(block);
    this.chunkBlocks++;
    if (to > this.blockStart) this.blockStart = to;
  }

  private removeTail(): void {
    if (this.tail) {
      this.tail.remove();
      this.tail = undefined;
      this.tailCode = undefined;
      this.tailCodeLen = 0;
    }
  }

  private renderTail(): void {
    const src = this.src;
    if (this.fence) {
      // An open code fence: stream the code as text (appended, never re-parsed).
      const code = src.slice(this.fence.codeStart);
      if (!this.tail || !this.tailCode) {
        this.removeTail();
        const wrap = document.createElement('div');
        wrap.className = 'md-block md-tail';
        wrap.innerHTML = codeBlockHtml('', this.fence.lang, false);
        this.tailCode = wrap.querySelector('code') as HTMLElement;
        this.tail = wrap;
        this.tailCodeLen = 0;
        this.el.appendChild(wrap);
      }
      if (code.length > this.tailCodeLen) {
        this.tailCode.appendChild(document.createTextNode(code.slice(this.tailCodeLen)));
        this.tailCodeLen = code.length;
      }
      return;
    }
    const pending = src.slice(this.blockStart);
    if (!pending.trim()) {
      this.removeTail();
      return;
    }
    if (!this.tail || this.tailCode) {
      this.removeTail();
      this.tail = document.createElement('div');
      this.tail.className = 'md-block md-tail';
      this.el.appendChild(this.tail);
    }
    renderMarkdownInto(this.tail, this.withCites(this.blockStart, src.length));
    this.decorateCites(this.tail);
  }

  private withCites(from: number, to: number): string {
    const text = this.src.slice(from, to);
    if (!this.cites.length || !this.citeNumbers) return text;
    const marks = this.cites
      .filter((c) => c.end > from && c.end <= to)
      .map((c) => ({ at: c.end - from, n: this.citeNumbers!.get(c.url) ?? 0 }))
      .sort((a, b) => b.at - a.at);
    let out = text;
    for (const m of marks) out = out.slice(0, m.at) + CITE_MARK(m.n) + out.slice(m.at);
    return out;
  }

  private decorateCites(block: HTMLElement): void {
    if (!this.cites.length || !this.citeNumbers) return;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    const nodes: Text[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (CITE_TEST.test((n as Text).data)) nodes.push(n as Text);
    const urlByNumber = new Map([...this.citeNumbers].map(([u, n]) => [n, u]));
    for (const node of nodes) {
      const frag = document.createDocumentFragment();
      let last = 0;
      const data = node.data;
      CITE_RE.lastIndex = 0;
      for (let m = CITE_RE.exec(data); m; m = CITE_RE.exec(data)) {
        frag.appendChild(document.createTextNode(data.slice(last, m.index)));
        const n = Number(m[1]);
        const a = document.createElement('a');
        a.className = 'citation';
        a.textContent = `[${n}]`;
        const url = urlByNumber.get(n) ?? '';
        const title = this.cites.find((c) => c.url === url)?.title;
        a.title = `${title ? `${title} — ` : ''}${hostOf(url)}`;
        makeHostLink(a, url);
        a.setAttribute('aria-label', `Source ${n}: ${a.title}`);
        frag.appendChild(a);
        last = m.index + m[0].length;
      }
      frag.appendChild(document.createTextNode(data.slice(last)));
      node.replaceWith(frag);
    }
  }
}
