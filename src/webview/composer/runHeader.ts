import type { PanelState } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { h, type Post } from '../dom';

/** A remote agent run in an editor tab: its agent, state, tokens, error, and Cancel / Review. */
export function renderRun(runHeader: HTMLElement, s: PanelState, post: Post, input: HTMLTextAreaElement, remember: (runId: string) => void): void {
  const isRun = s.kind === 'run';
  document.body.classList.toggle('run-mode', isRun);
  runHeader.hidden = !isRun || !s.run;
  if (!isRun || !s.run) return;
  const r = s.run;
  if (typeof r.id === 'string') remember(r.id);
  runHeader.textContent = '';
  const line = h(
    'div',
    'run-line',
    [
      l10n.t('Agent {0}', r.agent),
      r.status.replace(/_/g, ' '),
      r.tokens ? l10n.t('{0} tokens', r.tokens.toLocaleString()) : '',
      r.environmentId ? l10n.t('environment {0}', r.environmentId) : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  runHeader.appendChild(line);
  if (r.error) {
    const e = h('div', 'run-error', r.error);
    e.setAttribute('role', 'alert');
    runHeader.appendChild(e);
  }
  const bar = h('div', 'run-actions');
  const action = (label: string, cls: string, which: 'cancel' | 'review') => {
    const b = h('button', cls, label);
    b.addEventListener('click', () => post({ type: 'runAction', action: which }));
    bar.appendChild(b);
  };
  if (r.canCancel) action(l10n.t('Cancel run'), 'secondary-btn', 'cancel');
  if (r.canReview) action(l10n.t('Review changes'), 'primary-btn', 'review');
  runHeader.appendChild(bar);
  input.placeholder = l10n.t('Send a follow-up to the agent (same run, same environment)…');
}
