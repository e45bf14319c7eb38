/** Small DOM and value helpers every part of the page uses. */
import type { WebviewMessage } from '../shared/protocol';
import { l10n } from '../shared/l10n';

export type Post = (msg: WebviewMessage) => void;

/** An element with an optional class and text (text only, never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}
/** A codicon, hidden from screen readers (the element it sits in carries the name). */
export function icon(name: string): HTMLElement {
  const i = h('i', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function arr<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
export function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
export function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}
/** A tool result as text: text items joined, other items named. */
export function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) {
    return result.map((c) => (obj(c).type === 'text' ? str(obj(c).text) : `[${str(obj(c).type) || 'item'}]`)).join('\n');
  }
  return json(result);
}
/**
 * A popup (menu, panel) closes when the user clicks or moves the focus outside the element that
 * holds it and its button: it never sits over the rest of the composer.
 */
export function dismissOutside(wrap: HTMLElement, isOpen: () => boolean, close: () => void): void {
  document.addEventListener(
    'pointerdown',
    (e) => {
      if (isOpen() && !wrap.contains(e.target as Node)) close();
    },
    true,
  );
  wrap.addEventListener('focusout', (e) => {
    const to = e.relatedTarget as Node | null;
    if (isOpen() && to && !wrap.contains(to)) close();
  });
}

/** Move a popup left as far as it needs to stay inside the page (it opens from a button on the right). */
export function fitInside(popup: HTMLElement): void {
  popup.style.left = '';
  const r = popup.getBoundingClientRect();
  const over = r.right - (document.documentElement.clientWidth - 4);
  if (over > 0) popup.style.left = `${Math.round(-Math.min(over, Math.max(0, r.left - 4)))}px`;
}

/** Same wording as the host's `formatBytes` (src/core/attachments.ts), which the webview may not import. */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return l10n.t('{0} KB', (n / 1024).toFixed(1));
  return l10n.t('{0} MB', (n / 1024 / 1024).toFixed(1));
}

/**
 * Calls `onScroll` at each scroll of `el`, saying whether the user made it: one that follows
 * their own input there (`intents`: a wheel, touch or key by default) within 750 ms, or comes
 * while a pointer pressed in it is down (a scrollbar drag, released anywhere). Any other scroll
 * (ours, the browser's scroll anchoring, content realised at its true size) is not theirs. The
 * browser sends one scroll event per frame, so a flag set around our own scrolls cannot tell.
 */
export function onScrollBy(el: HTMLElement, onScroll: (byUser: boolean) => void, intents: readonly string[] = ['wheel', 'touchmove', 'keydown']): void {
  let until = 0;
  let dragging = false;
  const intent = () => (until = performance.now() + 750);
  for (const ev of intents) el.addEventListener(ev, intent, { passive: true });
  const release = () => {
    if (!dragging) return;
    dragging = false;
    intent();
    window.removeEventListener('pointerup', release);
    window.removeEventListener('pointercancel', release);
  };
  el.addEventListener(
    'pointerdown',
    () => {
      dragging = true;
      intent();
      window.addEventListener('pointerup', release, { passive: true });
      window.addEventListener('pointercancel', release, { passive: true });
    },
    { passive: true },
  );
  el.addEventListener('lostpointercapture', release, { passive: true });
  el.addEventListener('scroll', () => onScroll(dragging || performance.now() < until), { passive: true });
}
