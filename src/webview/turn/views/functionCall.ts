/** A function call: its arguments as they stream, why it runs, the approval, live output and the result. */
import type { ToolActivity, UiChange, WireStep } from '../../../shared/protocol';
import { revealAnswerText, revealHidden } from '../../../shared/hidden';
import { l10n } from '../../../shared/l10n';
import { h, icon, json, obj, onScrollBy, str } from '../../dom';
import type { CallView, StepContext } from '../context';
import { renderApproval } from './approval';

/**
 * Most characters and lines of a running command's output kept in the panel (the full capped
 * output is in the result and the terminal). Lines count as much as characters: following the
 * end measures the log, and a `pre` of 30,000 short lines (`yes`) takes a third of a second to
 * lay out, every frame.
 */
const OUTPUT_SHOWN = 64 * 1024;
const OUTPUT_LINES = 500;

/** The end of `text` within `chars` characters and `lines` lines. */
function tailOf(text: string, chars: number, lines: number): string {
  const start = Math.max(0, text.length - chars);
  let at = text.length;
  for (let n = 0; n < lines; n++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at < start) return text.slice(start);
  }
  return text.slice(at + 1);
}

function countLines(t: string): number {
  let n = 0;
  for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) n++;
  return n;
}

function statusText(status: string): string {
  const text: Record<string, string> = {
    waiting: l10n.t('Waiting for approval'),
    running: l10n.t('Running'),
    done: l10n.t('Done'),
    failed: l10n.t('Failed'),
    rejected: l10n.t('Rejected'),
  };
  return text[status] ?? status;
}

export class FunctionCallView implements CallView {
  el = h('div', 'step tool-call');
  private args = h('pre', 'tool-args');
  private status = h('span', 'tool-status');
  private reason = h('div', 'tool-reason');
  private approval = h('div', 'tool-approval');
  private output = h('pre', 'tool-output');
  private result = h('details', 'tool-result');
  private argsText = '';
  readonly callId: string;
  constructor(
    step: WireStep,
    private readonly turn: StepContext,
  ) {
    this.callId = str(step.id);
    const head = h('div', 'tool-head');
    head.append(icon('tools'), h('span', 'tool-name', str(step.name) || 'function'), this.status);
    this.el.append(head, this.args, this.reason, this.approval, this.output, this.result);
    this.reason.hidden = true;
    this.approval.hidden = true;
    this.output.hidden = true;
    this.result.hidden = true;
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', l10n.t('Tool call {0}', str(step.name)));
    if (step.arguments && Object.keys(obj(step.arguments)).length) this.args.textContent = revealHidden(json(step.arguments), { spaces: true });
    // The output box shows its newest lines, as a terminal does, unless the user scrolled it up.
    onScrollBy(this.output, (byUser) => {
      if (byUser) this.outputFollows = this.output.scrollHeight - this.output.scrollTop - this.output.clientHeight < 8;
    });
  }
  change(c: UiChange): void {
    if (c.k === 'args') {
      this.argsText += c.t;
      this.args.textContent = revealHidden(this.argsText, { spaces: true });
    } else if ((c.k === 'done' || c.k === 'update') && c.step) {
      this.args.textContent = revealHidden(json(c.step.arguments ?? {}), { spaces: true });
    }
  }
  setActivity(a: ToolActivity): void {
    this.status.textContent = statusText(a.status);
    this.status.className = `tool-status status-${a.status}`;
    if (a.durationMs !== undefined && (a.status === 'done' || a.status === 'failed')) this.status.textContent += ` · ${(a.durationMs / 1000).toFixed(1)} s`;
    this.reason.hidden = !a.reason;
    this.reason.textContent = a.reason ?? '';
    if (a.output !== undefined && a.output.length !== this.outputLength) {
      this.output.hidden = false;
      this.showOutput(a.output);
    }
    if (a.result !== undefined) this.setResult(a.result, a.status === 'failed' || a.status === 'rejected');
    this.renderApproval(a);
  }
  private outputFollows = true;
  private endQueued = false;
  /** Keep the output box at its end after a change (at the next frame, when layout is due anyway). */
  private followOutput(): void {
    if (!this.outputFollows || this.endQueued) return;
    this.endQueued = true;
    requestAnimationFrame(() => {
      this.endQueued = false;
      if (!this.outputFollows) return;
      this.output.scrollTop = this.output.scrollHeight;
    });
  }
  /** Characters of output received (the panel shows the last OUTPUT_SHOWN / OUTPUT_LINES of them: layout stays cheap while a command floods). */
  private outputLength = 0;
  private outputShown = 0;
  private outputShownLines = 0;
  appendOutput(t: string): void {
    this.output.hidden = false;
    this.outputLength += t.length;
    this.outputShown += t.length;
    this.outputShownLines += countLines(t);
    if (this.outputShown > OUTPUT_SHOWN || this.outputShownLines > OUTPUT_LINES) this.showOutput(this.output.textContent! + t, false);
    else this.output.append(revealAnswerText(t));
    this.followOutput();
  }
  private showOutput(all: string, whole = true): void {
    const over = all.length > OUTPUT_SHOWN || countLines(all) > OUTPUT_LINES;
    const keep = over ? l10n.t('… (earlier output not shown here)\n{0}', tailOf(all, Math.floor(OUTPUT_SHOWN * 0.75), Math.floor(OUTPUT_LINES * 0.75))) : all;
    this.output.textContent = revealAnswerText(keep);
    this.outputShown = keep.length;
    this.outputShownLines = countLines(keep);
    if (whole) this.outputLength = Math.max(this.outputLength, all.length);
    this.followOutput();
  }
  setResult(text: string, isError: boolean): void {
    this.result.hidden = false;
    this.result.textContent = '';
    const s = h('summary', undefined, isError ? l10n.t('Error result') : l10n.t('Result'));
    const pre = h('pre', isError ? 'tool-result-text error' : 'tool-result-text', revealAnswerText(text));
    this.result.append(s, pre);
  }
  private renderApproval(a: ToolActivity): void {
    renderApproval(this.approval, a, this.turn.post);
  }
  flush(): boolean {
    return false;
  }
}
