/**
 * One toolbar for every code block (Copy, Insert at cursor, Save as new file): it joins the block
 * under the pointer or the one the keyboard focuses, so a long answer carries one set of buttons
 * instead of one per block. Tab from a focused block reaches its buttons; screen readers name them.
 */
import { codeActions } from '../markdown/code';
import { h } from '../dom';

export function shareCodeToolbar(log: HTMLElement): void {
  let bar: HTMLElement | undefined;
  const make = () => {
    const el = h('div', 'code-toolbar');
    el.setAttribute('role', 'toolbar');
    for (const [act, title, label, icon] of codeActions()) {
      const b = h('button', `icon-btn codicon codicon-${icon}`);
      b.type = 'button';
      b.dataset.act = act;
      b.title = title;
      b.setAttribute('aria-label', label);
      el.appendChild(b);
    }
    return el;
  };
  const join = (target: EventTarget | null) => {
    const block = (target as Element | null)?.closest?.('.code-block');
    if (!block || !log.contains(block)) return;
    bar ??= make();
    if (bar.parentElement !== block) block.appendChild(bar);
    bar.setAttribute('aria-label', block.getAttribute('aria-label') ?? '');
  };
  log.addEventListener('pointerover', (e) => join(e.target), { passive: true });
  log.addEventListener('focusin', (e) => join(e.target));
}
