/**
 * The message box: the draft (kept in the webview state and in the host: it survives reloads and
 * errors), sending in the chosen way, queueing while an answer streams, editing the last message.
 */
import type { WebviewMessage } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import type { LogView } from '../log/log';
import type { Page } from '../page';
import type { TurnRenderer } from '../turn/renderer';
import type { LinkNotice } from './linkNotice';
import type { Mentions } from './mentions';
import type { SendMode } from './sendMode';
import type { Toast } from './toast';

export class Composer {
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly page: Page,
    readonly input: HTMLTextAreaElement,
    private readonly editHint: HTMLElement,
    private readonly deps: { log: LogView; toast: Toast; mentions: () => Mentions; linkNotice: LinkNotice; sendMode: SendMode },
  ) {
    input.addEventListener('input', () => {
      this.saveLocal();
      this.autosize();
      if (this.draftTimer) clearTimeout(this.draftTimer);
      // The first character of a message goes to the host at once: it prepares the turn's tools
      // and instruction files while the rest is written. Later keystrokes are saved in a batch.
      if (!this.posted.trim() && input.value.trim()) this.post({ type: 'draft', text: input.value });
      else this.draftTimer = setTimeout(() => this.post({ type: 'draft', text: input.value }), 250);
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    const saved = page.saved();
    if (saved) input.value = saved.draft;
  }

  /** The draft as last posted to the host. */
  private posted = '';

  private post(m: WebviewMessage): void {
    if (m.type === 'draft') this.posted = m.text;
    this.page.post(m);
  }

  private saveLocal(): void {
    this.page.saveDraft(this.input.value);
  }

  autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(240, this.input.scrollHeight + 2)}px`;
  }

  /** Text into the box from the host (a command, a restored draft): saved, its mentions shown. */
  setDraft(text: string, opts: { append?: boolean; toHost?: boolean } = {}): void {
    this.input.value = opts.append && this.input.value ? `${this.input.value}\n${text}` : text;
    this.autosize();
    this.saveLocal();
    this.deps.mentions().refresh();
    if (opts.toHost) this.post({ type: 'draft', text: this.input.value });
    this.input.focus();
  }

  /** The box is empty again after a send (locally and in the host). */
  private cleared(): void {
    this.input.value = '';
    this.saveLocal();
    this.autosize();
    this.deps.mentions().refresh();
    this.post({ type: 'draft', text: '' });
  }

  /** Send as the chosen way says (Enter, the Send button); `background` (Alt+Enter) for this message. */
  send(background = false): void {
    const s = this.page.state.panel;
    const text = this.input.value;
    const mode = this.deps.sendMode.value;
    if (mode === 'remote' && !s?.busy && s?.kind !== 'run') {
      // The host asks which agent and what goes with it; the text stays in the box until it started.
      this.post({ type: 'runRemote', text });
      this.deps.sendMode.sent();
      return;
    }
    if (!text.trim() && this.page.state.attachments.length === 0) return;
    if (!s?.hasKey) return;
    if (s.busy) {
      // A run tab has no queue (its follow-ups steer the agent): the text stays in the box there.
      if (this.page.state.editing || !text.trim() || s.kind === 'run') {
        // The text stays in the box; say why nothing was sent instead of ignoring the key.
        this.deps.toast.show(l10n.t('Gemini is still answering. Wait for it to finish, or press Stop (Esc), then send.'), 'info');
        return;
      }
      // Queued: it is sent when this answer ends (visible above the box until then).
      this.post({ type: 'queue', text });
      this.cleared();
      return;
    }
    const editing = this.page.state.editing;
    if (editing) {
      this.post(editing.turnId ? { type: 'editLast', text, turnId: editing.turnId } : { type: 'editLast', text });
      this.stopEdit();
    } else {
      const bg = (background || mode === 'background') && s.kind !== 'run' && s.settings.mode !== 'stateless';
      this.post(bg ? { type: 'send', text, background: true } : { type: 'send', text });
      this.deps.sendMode.sent();
    }
    this.deps.linkNotice.hide();
    this.cleared();
  }

  startEdit(t: TurnRenderer): void {
    if (this.page.state.panel?.busy) return;
    this.page.state.editing = { turnId: t.view.id };
    this.editHint.hidden = false;
    // The typed text only: what went with it (attachments, mentions' context) goes again as it was.
    const first = t.view.input[0];
    this.input.value = first?.type === 'text' ? (first.text ?? '') : '';
    this.autosize();
    this.deps.mentions().refresh();
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }

  stopEdit(): void {
    this.page.state.editing = undefined;
    this.editHint.hidden = true;
  }

  cancelEdit(): void {
    this.stopEdit();
    this.input.value = '';
    this.saveLocal();
    this.deps.mentions().refresh();
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.page.state.panel;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send(e.altKey);
    } else if (e.key === 'Escape') {
      if (s?.busy) {
        e.preventDefault();
        this.post({ type: 'stop' });
      } else if (this.page.state.editing) {
        this.stopEdit();
      }
    } else if (e.key === 'ArrowUp' && this.input.value === '' && this.deps.log.last) {
      e.preventDefault();
      this.startEdit(this.deps.log.last);
    }
  }
}
