/**
 * The user's side of a turn: what they typed, what went with it (mentions and files, folded), the
 * mode it was sent in, and which instruction files and skills it used.
 */
import type { TurnView } from '../../shared/protocol';
import { revealAnswerText } from '../../shared/hidden';
import { l10n } from '../../shared/l10n';
import { h, icon, str, type Post } from '../dom';
import { inputPreview } from './media';

export function renderUser(userEl: HTMLElement, view: TurnView, post: Post, edit: (() => void) | undefined): void {
  userEl.textContent = '';
  // The typed text; then what went with it (mentions, attached files) folded under its first line.
  const [typed, ...context] = view.input.filter((c) => c.type === 'text').map((c) => str(c.text));
  if (view.plan) userEl.appendChild(h('div', 'plan-badge', l10n.t('Plan first: read-only tools, a plan asked for')));
  if (view.research)
    userEl.appendChild(
      h(
        'div',
        'plan-badge research-badge',
        view.research === 'plan'
          ? l10n.t('Deep Research: a research plan asked for, to confirm or edit')
          : l10n.t('Deep Research: runs in the background on the server, also after the window was closed'),
      ),
    );
  else if (view.background)
    userEl.appendChild(h('div', 'plan-badge background-badge', l10n.t('In the background: it runs on the server and fills in here, also after the window was closed')));
  const body = h('div', 'user-text', typed ?? '');
  userEl.appendChild(body);
  for (const part of context) {
    const d = h('details', 'sent-context');
    const nl = part.indexOf('\n');
    d.append(h('summary', undefined, nl < 0 ? part : part.slice(0, nl)), h('pre', undefined, revealAnswerText(nl < 0 ? '' : part.slice(nl + 1))));
    userEl.appendChild(d);
  }
  const chips = view.input.filter((c) => c.type !== 'text');
  if (chips.length) {
    const list = h('div', 'chips');
    for (const c of chips) list.appendChild(inputPreview(c));
    userEl.appendChild(list);
  }
  if (view.instructions?.length) {
    const line = h('div', 'instructions-used');
    line.append(icon('book'), document.createTextNode(l10n.t(' Instructions used: ')));
    view.instructions.forEach((f, k) => {
      if (k) line.appendChild(document.createTextNode(' · '));
      const b = h('button', 'text-btn instruction-link', f);
      b.setAttribute('aria-label', l10n.t('Open the instruction file {0}', f));
      b.addEventListener('click', () => post({ type: 'openInstruction', turnId: view.id, file: f }));
      line.appendChild(b);
    });
    userEl.appendChild(line);
  }
  if (view.skills?.length) {
    const line = h('div', 'instructions-used skills-used');
    line.append(icon('mortar-board'), document.createTextNode(l10n.t(' Skills used: ')));
    view.skills.forEach((display, k) => {
      if (k) line.appendChild(document.createTextNode(' · '));
      // The skill's folder name is its name (the format requires it); the path is in the label.
      const name = display.split('/').slice(-2, -1)[0] || display;
      const b = h('button', 'text-btn instruction-link skill-link', name);
      b.title = display;
      b.setAttribute('aria-label', l10n.t('Open the skill {0} ({1})', name, display));
      b.addEventListener('click', () => post({ type: 'openSkill', turnId: view.id, skill: display }));
      line.appendChild(b);
    });
    userEl.appendChild(line);
  }
  if (edit) {
    const b = h('button', 'icon-btn edit-btn');
    b.title = l10n.t('Edit and resend');
    b.setAttribute('aria-label', l10n.t('Edit and resend the last message'));
    b.appendChild(icon('edit'));
    b.addEventListener('click', edit);
    userEl.appendChild(b);
  }
}
