/**
 * The note above a draft that came from a chat link: where it came from, that nothing was sent,
 * what was taken out of it, and a way back to the draft it replaced.
 */
import { l10n } from '../../shared/l10n';
import { h } from '../dom';

export class LinkNotice {
  constructor(
    private readonly el: HTMLElement,
    /** Put text in the composer (and save it as the draft). */
    private readonly setDraft: (text: string) => void,
  ) {}

  show(notice: string, previous: string | undefined): void {
    this.el.textContent = '';
    this.el.hidden = false;
    const icon = h('i', 'codicon codicon-link-external');
    icon.setAttribute('aria-hidden', 'true');
    this.el.append(icon, h('span', 'link-notice-text', ` ${notice}`));
    const actions = h('span', 'link-notice-actions');
    if (previous !== undefined) {
      const restore = h('button', 'text-btn', l10n.t('Restore my previous draft'));
      restore.type = 'button';
      restore.addEventListener('click', () => {
        this.setDraft(previous);
        this.hide();
      });
      actions.appendChild(restore);
    }
    const dismiss = h('button', 'text-btn', l10n.t('Dismiss'));
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => this.hide());
    actions.appendChild(dismiss);
    this.el.appendChild(actions);
  }

  hide(): void {
    this.el.hidden = true;
    this.el.textContent = '';
  }
}
