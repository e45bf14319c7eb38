/** Code blocks: their actions, and highlighting in a worker (plain text first, colours when it answers). */
import { ANSWER_HIDDEN } from '../../shared/hidden';
import { l10n } from '../../shared/l10n';
import { appendText } from './text';
import type { HlNode } from './hlTree';

/**
 * Highlighting is asynchronous (a worker, see `highlightWorker.ts`): a code block shows plain
 * text first and its highlighted form when the worker answers (`data-hl="pending"` until then).
 * Results are cached, so the same code renders highlighted at once the next time.
 */
export type Highlighter = (code: string, lang: string) => Promise<HlNode[] | null>;
let highlighter: Highlighter | undefined;
const highlighted = new Map<string, HlNode[] | null>();
let pendingHighlights = 0;
let settledWaiters: (() => void)[] = [];
export function setHighlighter(h: Highlighter | undefined): void {
  highlighter = h;
  highlighted.clear();
}
/** Resolves when no highlighting is pending (tests compare DOM after this). @public (the render property test bundles it) */
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
  if (request) requestHighlight(code, text, lang, key);
}

/**
 * Code blocks rendered with `'cached'` (the tail being written) that stay as they are: ask for
 * the highlighting of those not highlighted from the cache, as `'now'` would have.
 */
export function requestHighlights(root: Element): void {
  const codes = root.classList.contains('code-block') ? [root.querySelector(':scope > pre > code')] : Array.from(root.querySelectorAll('.code-block > pre > code'));
  for (const code of codes) {
    const lang = code && /^hljs language-(\S+)$/.exec(code.className)?.[1];
    // Already coloured from the cache, or invisible characters shown (never highlighted).
    if (!code || !lang || code.firstElementChild || code.hasAttribute('data-hl')) continue;
    const text = code.textContent ?? '';
    const key = `${lang}\u0000${text}`;
    if (ANSWER_HIDDEN.test(text) || highlighted.has(key)) continue;
    requestHighlight(code as HTMLElement, text, lang, key);
  }
}

function requestHighlight(code: HTMLElement, text: string, lang: string, key: string): void {
  if (!highlighter) return;
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
    (tree) => {
      if (highlighted.size > 2000) highlighted.clear();
      highlighted.set(key, tree);
      if (tree !== null && code.textContent === text) {
        code.textContent = '';
        insertHighlighted(code, tree);
      }
      done();
    },
    () => done(),
  );
}

/** The highlighted tree into spans (only a class) and text nodes: no HTML is parsed. */
function insertHighlighted(parent: Node, nodes: readonly HlNode[]): void {
  for (const n of nodes) {
    if (typeof n === 'string') parent.appendChild(document.createTextNode(n));
    else if (n && typeof n.c === 'string' && Array.isArray(n.k)) {
      const span = document.createElement('span');
      span.className = n.c;
      insertHighlighted(span, n.k);
      parent.appendChild(span);
    }
  }
}

/**
 * A code block with its actions (copy, insert, new file). `highlight`: 'now' asks for
 * highlighting, 'cached' uses it only when already known (the tail being written), 'none' streams plain text.
 */
export function codeBlockElement(text: string, lang: string, highlight: 'now' | 'cached' | 'none'): HTMLElement {
  // The block carries no buttons of its own: one shared toolbar (log/codeToolbar.ts) joins the
  // block under the pointer or the keyboard focus. Its language shows from `data-lang` (CSS).
  const block = document.createElement('div');
  block.className = 'code-block';
  block.setAttribute('data-lang', lang || 'text');
  block.tabIndex = 0;
  block.setAttribute('role', 'group');
  block.setAttribute('aria-label', l10n.t('Code ({0})', lang || 'text'));
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  code.className = lang ? `hljs language-${lang}` : 'hljs';
  if (highlight !== 'none') fillCode(code, text, lang, highlight === 'now');
  else if (text) appendText(code, text, undefined);
  pre.appendChild(code);
  block.append(pre);
  return block;
}
/** The actions of a code block: [action, title, accessible name, icon]. */
export function codeActions(): ReadonlyArray<readonly ['copy' | 'insert' | 'newFile', string, string, string]> {
  return [
    ['copy', l10n.t('Copy'), l10n.t('Copy code'), 'copy'],
    ['insert', l10n.t('Insert at cursor'), l10n.t('Insert code at cursor'), 'insert'],
    ['newFile', l10n.t('Save as new file'), l10n.t('Save code as new file'), 'new-file'],
  ];
}
