/**
 * Incremental markdown rendering. The text is cut into top-level blocks (blank lines outside
 * fenced code); a completed block is rendered once (markdown → sanitized HTML, code highlighted)
 * and never touched again. Only the block being written is re-rendered, so the cost of one delta
 * does not grow with the length of the message. An open code fence streams as plain text.
 *
 * Security: everything goes through DOMPurify; links become host-handled anchors; images in model
 * markdown are never fetched (a placeholder link instead).
 */
import DOMPurify from 'dompurify';
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

const purifyConfig = {
  FORBID_TAGS: ['style', 'iframe', 'form', 'input', 'img', 'video', 'audio', 'object', 'embed', 'svg', 'math', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'srcset', 'src'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
};

export function renderMarkdown(src: string): string {
  const html = marked.parse(src) as string;
  return DOMPurify.sanitize(html, purifyConfig) as unknown as string;
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

  /** Render what changed since the last flush. `final` closes the last block. */
  flush(final = false): void {
    if (!this.dirty && (!final || this.provisional)) return;
    this.dirty = false;
    const src = this.src;
    // Classify complete lines.
    let nl = src.indexOf('\n', this.scan);
    while (nl >= 0) {
      const line = src.slice(this.scan, nl);
      const lineStart = this.scan;
      this.scan = nl + 1;
      if (this.fence) {
        const m = FENCE.exec(line);
        if (m && m[1]![0] === this.fence.marker[0] && m[1]!.length >= this.fence.marker.length && m[2]!.trim() === '') {
          this.freeze(this.fence.start, this.scan);
          this.fence = undefined;
        }
      } else {
        const m = FENCE.exec(line);
        if (m) {
          if (src.slice(this.blockStart, lineStart).trim()) this.freeze(this.blockStart, lineStart);
          this.blockStart = lineStart;
          this.fence = { marker: m[1]!, lang: m[2]!.trim().split(/\s+/)[0] ?? '', start: lineStart, codeStart: this.scan };
        } else if (line.trim() === '' && src.slice(this.blockStart, lineStart).trim()) {
          this.freeze(this.blockStart, this.scan);
        } else if (line.trim() === '' ) {
          this.blockStart = this.scan;
        }
      }
      nl = src.indexOf('\n', this.scan);
    }
    if (final) {
      const start = this.fence ? this.fence.start : this.blockStart;
      if (this.fence || src.slice(this.blockStart).trim()) {
        this.freeze(start, src.length);
        this.provisional = { el: this.el.lastElementChild as HTMLElement, start };
        // Keep the fence state: a continuation may still close it.
      }
      this.removeTail();
      return;
    }
    this.renderTail();
  }

  private freeze(from: number, to: number): void {
    this.removeTail();
    this.provisional = undefined;
    const block = document.createElement('div');
    block.className = 'md-block';
    block.innerHTML = renderMarkdown(this.withCites(from, to));
    this.decorateCites(block);
    this.el.appendChild(block);
    this.blockStart = to;
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
    this.tail.innerHTML = renderMarkdown(this.withCites(this.blockStart, src.length));
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
        a.href = urlByNumber.get(n) ?? '#';
        a.title = this.cites.find((c) => c.url === urlByNumber.get(n))?.title ?? a.href;
        a.setAttribute('aria-label', `Source ${n}: ${a.title}`);
        frag.appendChild(a);
        last = m.index + m[0].length;
      }
      frag.appendChild(document.createTextNode(data.slice(last)));
      node.replaceWith(frag);
    }
  }
}
