/** Code blocks: their actions, and highlighting in a worker (plain text first, colours when it answers). */
import { ANSWER_HIDDEN } from '../../shared/hidden';
import { l10n } from '../../shared/l10n';
import { appendText } from './text';

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
