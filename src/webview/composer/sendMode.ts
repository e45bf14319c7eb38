/**
 * How the next message goes, one labelled choice: a chat message, plan first (read-only tools, a
 * plan asked for), Deep Research (the research agent, in the background), in the background
 * (the answer runs on the server), or on a remote agent. Plan first and Deep Research stay on
 * until changed (the host keeps them); the last two apply to one message.
 */
import type { PanelState } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import type { Post } from '../dom';
import { $ } from '../page';

export type SendModeName = 'chat' | 'plan' | 'research' | 'background' | 'remote';

export class SendMode {
  private readonly select = $('send-mode') as HTMLSelectElement;
  private readonly hint = $('send-mode-hint');
  /** A one-message mode picked here (the host does not keep it). */
  private once: 'background' | 'remote' | undefined;

  constructor(
    private readonly post: Post,
    private readonly state: () => PanelState | undefined,
  ) {
    this.select.addEventListener('change', () => this.pick(this.select.value as SendModeName));
  }

  get value(): SendModeName {
    return this.select.value as SendModeName;
  }

  private pick(mode: SendModeName): void {
    const s = this.state();
    this.once = mode === 'background' || mode === 'remote' ? mode : undefined;
    if (mode === 'plan' && !s?.plan) this.post({ type: 'setPlan', value: true });
    else if (mode === 'research' && !s?.research) this.post({ type: 'setResearch', value: true });
    if (mode !== 'plan' && s?.plan) this.post({ type: 'setPlan', value: false });
    if (mode !== 'research' && s?.research) this.post({ type: 'setResearch', value: false });
    this.showHint(mode);
  }

  /** The host's state: plan first and Deep Research are its to keep. */
  apply(s: PanelState): void {
    const mode: SendModeName = s.research ? 'research' : s.plan ? 'plan' : (this.once ?? 'chat');
    if (s.research || s.plan) this.once = undefined;
    this.select.value = mode;
    // The server keeps a background answer only in a stored (stateful) conversation.
    const bg = this.select.querySelector('option[value="background"]') as HTMLOptionElement;
    bg.disabled = s.settings.mode === 'stateless';
    if (bg.disabled && mode === 'background') {
      this.once = undefined;
      this.select.value = 'chat';
    }
    document.body.classList.toggle('plan-mode', s.plan === true);
    document.body.classList.toggle('research-mode', s.research === true);
    this.showHint(this.select.value as SendModeName);
  }

  /** A one-message mode goes back to chat once the message went. */
  sent(): void {
    if (!this.once) return;
    this.once = undefined;
    this.select.value = 'chat';
    this.showHint('chat');
  }

  private showHint(mode: SendModeName): void {
    const text: Record<SendModeName, string> = {
      chat: '',
      plan: l10n.t('Plan first: read-only tools, and a plan you start or revise.'),
      research: l10n.t('Deep Research: runs in the background and writes a cited report.'),
      background: l10n.t('In the background: the answer runs on the server, also after the window closes (this message only).'),
      remote: l10n.t('On a remote agent: the workspace goes to an agent’s cloud sandbox (this message only).'),
    };
    this.hint.textContent = text[mode];
    this.hint.hidden = !text[mode];
  }
}
