/** A thought: folded, its summary streaming in; in a Deep Research turn, its first line is the progress. */
import type { UiChange, WireContent, WireStep } from '../../../shared/protocol';
import { revealAnswerText } from '../../../shared/hidden';
import { l10n } from '../../../shared/l10n';
import { arr, h, icon, str } from '../../dom';
import type { StepView } from '../context';

export class ThoughtView implements StepView {
  el = h('details', 'step thought');
  private label = h('span', 'thought-label', l10n.t('Thinking…'));
  private body = h('div', 'thought-text');
  /** `progress`: a Deep Research turn, whose thought summaries are its progress: each shows its summary as its label. */
  constructor(
    step: WireStep,
    done: boolean,
    private readonly progress = false,
  ) {
    const summary = h('summary');
    summary.append(icon('lightbulb'), this.label);
    this.el.append(summary, this.body);
    for (const c of arr<WireContent>(step.summary)) if (c.type === 'text') this.body.append(revealAnswerText(str(c.text)));
    if (done) this.label.textContent = l10n.t('Thought');
    this.showProgress();
  }
  private showProgress(): void {
    if (!this.progress) return;
    const line = (this.body.textContent ?? '').trim().split('\n')[0]!;
    if (line) this.label.textContent = line.length > 160 ? `${line.slice(0, 159)}…` : line;
  }
  change(c: UiChange): void {
    if (c.k === 'thought') this.body.append(revealAnswerText(c.t));
    else if (c.k === 'done') this.label.textContent = l10n.t('Thought');
    else if (c.k === 'update' && c.step) {
      this.body.textContent = '';
      for (const x of arr<WireContent>(c.step.summary)) if (x.type === 'text') this.body.append(revealAnswerText(str(x.text)));
    }
    this.showProgress();
  }
  flush(): boolean {
    return false;
  }
}
