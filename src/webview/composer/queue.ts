/** Messages waiting for the running answer to end: reorder, edit (back into the box), remove, send now, steer now. */
import type { QueueAction, QueuedView } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { h, icon, type Post } from '../dom';

export class QueueView {
  constructor(
    private readonly el: HTMLElement,
    private readonly post: Post,
  ) {}

  render(items: QueuedView[], busy: boolean): void {
    const list = this.el;
    list.textContent = '';
    list.hidden = items.length === 0;
    if (!items.length) return;
    list.appendChild(h('div', 'queue-title', l10n.t('Queued ({0}): sent when the answer ends', items.length)));
    items.forEach((q, k) => {
      const row = h('div', 'queue-item');
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', l10n.t('Queued message {0}: {1}', k + 1, q.text.slice(0, 60)));
      // The text on a line of its own (up to three lines, then cut): readable at any width.
      const text = h('div', 'queue-text', q.text.length > 400 ? `${q.text.slice(0, 400)}…` : q.text);
      text.title = q.text.slice(0, 2000);
      row.appendChild(text);
      if (q.steer) {
        row.classList.add('steering');
        row.appendChild(h('div', 'queue-steer', l10n.t('steering: goes with the next tool results')));
      }
      const actions = h('div', 'queue-actions');
      const act = (name: QueueAction, glyph: string, label: string, disabled = false) => {
        const b = h('button', 'icon-btn');
        b.type = 'button';
        b.setAttribute('aria-label', label);
        b.title = label;
        b.disabled = disabled;
        b.appendChild(icon(glyph));
        b.addEventListener('click', () => this.post({ type: 'queueAction', id: q.id, action: name }));
        actions.appendChild(b);
      };
      act('up', 'arrow-up', l10n.t('Move up'), k === 0);
      act('down', 'arrow-down', l10n.t('Move down'), k === items.length - 1);
      act('edit', 'edit', l10n.t('Edit (back into the message box)'));
      act('sendNow', 'send', l10n.t('Send now'), busy);
      if (busy && !q.steer) act('steer', 'debug-step-over', l10n.t('Steer now: send it with the next tool results'));
      act('remove', 'close', l10n.t('Remove from the queue'));
      row.appendChild(actions);
      list.appendChild(row);
    });
  }
}
