/**
 * Clicks in the log, delegated: links have no href (see makeHostLink): only the host opens them,
 * after the user confirms, once per click; code-block actions name what they act on.
 */
import type { Post } from '../dom';

export function delegateLogClicks(log: HTMLElement, post: Post): void {
  log.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const a = target.closest('a');
    if (a) {
      e.preventDefault();
      const url = a.getAttribute('data-href');
      if (url) post({ type: 'openLink', url });
      return;
    }
    const btn = target.closest('button[data-act]') as HTMLButtonElement | null;
    if (btn) {
      const block = btn.closest('.code-block') as HTMLElement | null;
      const code = block?.querySelector('code')?.textContent ?? '';
      const action = btn.dataset.act as 'copy' | 'insert' | 'newFile';
      post({ type: 'codeAction', action, code, language: block?.dataset.lang ?? '' });
    }
  });
  log.addEventListener('keydown', (e) => {
    const a = (e.target as HTMLElement).closest?.('a[data-href]');
    if (a && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      post({ type: 'openLink', url: a.getAttribute('data-href')! });
    }
  });
}
