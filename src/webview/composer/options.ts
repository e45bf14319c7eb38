/**
 * The Options panel: the server tools (Google Search, URL context, code execution), stateless
 * mode and the model settings, each a labelled toggle that shows whether it is on. The Options
 * button counts what is on.
 */
import type { PanelState } from '../../shared/protocol';
import { TOGGLES } from '../../shared/vocab';
import { l10n } from '../../shared/l10n';
import { dismissOutside, fitInside, type Post } from '../dom';
import { $ } from '../page';
import { GenerationPopover } from './generation';

export class OptionsPanel {
  private readonly button = $('options');
  private readonly panel = $('options-panel');
  readonly generation: GenerationPopover;

  constructor(
    post: Post,
    private readonly state: () => PanelState | undefined,
  ) {
    this.generation = new GenerationPopover(post, () => this.state()?.settings.generation);
    this.button.addEventListener('click', () => (this.panel.hidden ? this.openPanel() : this.close(false)));
    dismissOutside(
      $('options-wrap'),
      () => !this.panel.hidden,
      () => this.close(false),
    );
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.generation.open) {
        e.stopPropagation();
        this.close(true);
      }
    });
    for (const name of TOGGLES) {
      const b = $(`toggle-${name}`);
      b.addEventListener('click', () => {
        // Flip at once from what the button shows, so quick clicks each count; the host's state follows.
        const value = b.getAttribute('aria-pressed') !== 'true';
        this.show(b, value);
        post({ type: 'setToggle', name, value });
        this.count();
      });
    }
    $('toggle-stateless').addEventListener('click', () => {
      const b = $('toggle-stateless') as HTMLButtonElement;
      if (b.getAttribute('aria-disabled') === 'true') return;
      post({ type: 'setMode', mode: b.getAttribute('aria-pressed') === 'true' ? 'stateful' : 'stateless' });
    });
  }

  private openPanel(): void {
    this.panel.hidden = false;
    fitInside(this.panel);
    this.button.setAttribute('aria-expanded', 'true');
    (this.panel.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  close(focusButton: boolean): void {
    this.generation.close(false);
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  /** A toggle's look and state: pressed, with a check mark. */
  private show(b: HTMLElement, on: boolean): void {
    b.classList.toggle('on', on);
    b.setAttribute('aria-pressed', String(on));
    const mark = b.querySelector('.toggle-mark');
    if (mark) mark.className = `codicon toggle-mark codicon-${on ? 'pass-filled' : 'circle-large-outline'}`;
  }

  apply(s: PanelState): void {
    for (const name of TOGGLES) this.show($(`toggle-${name}`), s.settings[name]);
    if (!this.generation.open) this.generation.show(s.settings.generation);
    const stateless = $('toggle-stateless') as HTMLButtonElement;
    const on = s.settings.mode === 'stateless';
    this.show(stateless, on);
    // Fixed once the conversation has started: still focusable (its note says why), never changed.
    stateless.setAttribute('aria-disabled', String(s.settings.modeLocked === true));
    stateless.classList.toggle('locked', s.settings.modeLocked === true);
    $('stateless-note').textContent = s.settings.modeLocked
      ? on
        ? l10n.t('This conversation is stateless (nothing kept on the server); start a New Chat to change it.')
        : l10n.t('This conversation is stateful (kept on the server); start a New Chat to change it.')
      : l10n.t('Stateless: nothing is kept on the server (store: false); the conversation so far is sent with each message.');
    this.count();
  }

  /** The Options button says how many options are on. */
  private count(): void {
    const s = this.state();
    let n = TOGGLES.filter((name) => $(`toggle-${name}`).getAttribute('aria-pressed') === 'true').length;
    if (s?.settings.mode === 'stateless') n++;
    n += this.generation.count(s?.settings.generation);
    const badge = $('options-count');
    badge.hidden = n === 0;
    badge.textContent = String(n);
    this.button.setAttribute('aria-label', n ? l10n.t('Options ({0} on)', n) : l10n.t('Options'));
  }
}
