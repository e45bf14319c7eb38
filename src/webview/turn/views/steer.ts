import { l10n } from '../../../shared/l10n';
import { h, icon } from '../../dom';
import type { StepView } from '../context';

/** A message the user sent into the running turn (with function results). */
export class SteerView implements StepView {
  readonly el = h('div', 'step steered');
  constructor(text: string) {
    this.el.append(icon('debug-step-over'), h('span', undefined, l10n.t(' You steered: {0}', text)));
  }
  change(): void {}
  flush(): boolean {
    return false;
  }
}
