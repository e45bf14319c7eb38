/**
 * The end of a turn: its state (streaming, stopped, an error with what to do), usage, and the
 * actions that belong to the last turn (Retry, Resume, a plan's Start, a report's Save, Undo).
 */
import type { TurnView } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { h, icon, type Post } from '../dom';

export function renderFooter(f: HTMLElement, turnEl: HTMLElement, v: TurnView, post: Post, hooks: { isLastIdle: boolean; focusInput(): void }): void {
  f.textContent = '';
  // Screen readers hear the answer once it is complete, not every delta of the live log.
  if (v.state === 'streaming') turnEl.setAttribute('aria-busy', 'true');
  else turnEl.removeAttribute('aria-busy');
  if (v.state === 'streaming') {
    const s = h('div', 'status streaming');
    s.append(icon('loading'), h('span', undefined, l10n.t(' Generating…')));
    s.querySelector('.codicon')?.classList.add('codicon-modifier-spin');
    f.appendChild(s);
  } else if (v.error || ['error', 'failed', 'stopped', 'interrupted', 'cancelled', 'budget_exceeded', 'incomplete'].includes(v.state)) {
    const box = h('div', v.error ? 'status error' : 'status warn');
    box.setAttribute('role', v.error ? 'alert' : 'status');
    const label =
      v.state === 'stopped'
        ? l10n.t('Stopped.')
        : v.state === 'interrupted'
          ? l10n.t('This answer was interrupted.')
          : v.state === 'cancelled'
            ? l10n.t('Cancelled.')
            : v.state === 'budget_exceeded'
              ? l10n.t('The token budget was exhausted.')
              : v.state === 'incomplete'
                ? l10n.t('The answer is incomplete (output limit reached).')
                : '';
    box.appendChild(h('span', 'status-text', v.error ? v.error.message : label));
    if (v.error?.retryAfterMs) box.appendChild(h('span', 'retry-at', l10n.t(' (retry possible in {0} s)', Math.ceil(v.error.retryAfterMs / 1000))));
    if (v.error?.kind === 'auth') {
      const b = h('button', 'secondary-btn', l10n.t('Set API Key'));
      b.addEventListener('click', () => post({ type: 'setKey' }));
      box.appendChild(b);
    }
    if (hooks.isLastIdle) {
      if (v.error?.code === 'PREVIOUS_GONE') {
        const c = h('button', 'secondary-btn resend-local-btn', l10n.t('Continue from the local history'));
        c.setAttribute('aria-label', l10n.t('Continue from the local copy of the conversation'));
        c.addEventListener('click', () => post({ type: 'resendLocal', turnId: v.id }));
        box.appendChild(c);
      }
      if (v.state === 'interrupted') {
        const r = h('button', 'secondary-btn', l10n.t('Resume'));
        r.addEventListener('click', () => post({ type: 'resume', turnId: v.id }));
        box.appendChild(r);
      }
      const retry = h('button', 'secondary-btn retry-btn', l10n.t('Retry'));
      retry.setAttribute('aria-label', l10n.t('Retry the last message'));
      retry.addEventListener('click', () => post({ type: 'retry', turnId: v.id }));
      box.appendChild(retry);
    }
    f.appendChild(box);
  }
  if (v.usage) {
    const u = v.usage;
    const parts = [l10n.t('in {0}', u.input ?? 0)];
    if (u.cached) parts.push(l10n.t('cached {0}', u.cached));
    if (u.thought) parts.push(l10n.t('thought {0}', u.thought));
    parts.push(l10n.t('out {0}', u.output ?? 0));
    f.appendChild(h('div', 'usage', l10n.t('Tokens: {0}', parts.join(' · '))));
  }
  // A finished plan: start it (the same conversation, every tool) or say what to change.
  if (v.plan && v.state === 'completed' && hooks.isLastIdle)
    f.appendChild(
      actionBar('plan-actions', l10n.t('The plan'), [
        {
          cls: 'primary-btn plan-start',
          text: l10n.t('Start'),
          title: l10n.t('Carry out the plan, with every tool (edits and commands still ask as usual)'),
          click: () => post({ type: 'planAction', turnId: v.id, action: 'start' }),
        },
        { cls: 'secondary-btn plan-revise', text: l10n.t('Revise'), title: l10n.t('Say what to change in the plan (plan first stays on)'), click: () => hooks.focusInput() },
      ]),
    );
  // Deep Research: start the plan (or edit it by writing), and save the report once it is there.
  if (v.research === 'plan' && v.state === 'completed' && hooks.isLastIdle)
    f.appendChild(
      actionBar('plan-actions research-actions', l10n.t('The research plan'), [
        {
          cls: 'primary-btn research-start',
          text: l10n.t('Start research'),
          title: l10n.t('Confirm the plan: Deep Research carries it out in the background'),
          click: () => post({ type: 'researchAction', turnId: v.id, action: 'start' }),
        },
        {
          cls: 'secondary-btn research-edit',
          text: l10n.t('Edit the plan'),
          title: l10n.t('Write what to change; Deep Research answers with a revised plan'),
          click: () => hooks.focusInput(),
        },
      ]),
    );
  if (v.research === 'run' && v.state === 'completed') {
    const save = h('button', 'secondary-btn research-save', l10n.t('Save report…'));
    save.title = l10n.t('Save the report as Markdown in the workspace, its sources as links');
    save.addEventListener('click', () => post({ type: 'researchAction', turnId: v.id, action: 'save' }));
    f.appendChild(save);
  }
  if (v.undo?.available && v.undo.files > 0) {
    const b = h(
      'button',
      'secondary-btn undo-btn',
      v.undo.files === 1 ? l10n.t('Undo changes of this turn (1 file)') : l10n.t('Undo changes of this turn ({0} files)', v.undo.files),
    );
    b.addEventListener('click', () => post({ type: 'undoTurn', turnId: v.id }));
    f.appendChild(b);
  }
}

/** A labelled group of buttons under a turn (a plan's Start and Revise, a research plan's). */
function actionBar(cls: string, label: string, buttons: Array<{ cls: string; text: string; title: string; click: () => void }>): HTMLElement {
  const bar = h('div', cls);
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', label);
  for (const b of buttons) {
    const btn = h('button', b.cls, b.text);
    btn.title = b.title;
    btn.addEventListener('click', b.click);
    bar.appendChild(btn);
  }
  return bar;
}
