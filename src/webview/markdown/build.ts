/** markdown-it tokens into DOM nodes, directly (no HTML string of model text is ever parsed). */
import type { Token } from 'markdown-it';
import { appendText, type Cites } from './text';
import { codeBlockElement } from './code';
import { makeHostLink, markMismatchedHost } from './links';
import { parse, topLevel } from './parse';

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
export function buildTokens(tokens: Token[], from: number, to: number, parent: Node, cites: Cites | undefined, hl: 'now' | 'cached' = 'now'): void {
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
        // A title the answer gives goes after the real destination in the hover (see makeHostLink).
        const title = t.attrGet('title');
        makeHostLink(a, attr(t, 'href'), title ? String(title) : undefined);
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
      const closed = stack.pop();
      if (t.type === 'link_close' && closed instanceof Element) markMismatchedHost(closed);
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
export const BLOCKS_PER_CHUNK = 32;

export function newChunk(): HTMLElement {
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
