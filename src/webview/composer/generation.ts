/** Model settings for the conversation (empty fields are the API's defaults); a bad value is named, not dropped. */
import { cleanGeneration, GENERATION_LIMITS, type GenerationChoices } from '../../shared/vocab';
import { l10n } from '../../shared/l10n';
import { fitInside, type Post } from '../dom';
import { $ } from '../page';

export class GenerationPopover {
  private readonly button = $('model-settings');
  private readonly pop = $('gen-popover');
  private readonly error = $('gen-error');

  constructor(
    private readonly post: Post,
    /** The conversation's current choices (from the host's state). */
    private readonly current: () => GenerationChoices | undefined,
  ) {
    this.button.addEventListener('click', () => {
      if (!this.pop.hidden) return this.close(false);
      this.show(this.current());
      this.error.textContent = '';
      this.pop.hidden = false;
      fitInside(this.pop);
      this.button.setAttribute('aria-expanded', 'true');
      this.field('gen-temperature').focus();
    });
    this.pop.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.close(true);
      } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
        e.preventDefault();
        this.apply();
      }
    });
    $('gen-apply').addEventListener('click', () => this.apply());
    $('gen-reset').addEventListener('click', () => {
      this.post({ type: 'setGeneration', generation: {} });
      this.show(undefined);
      this.close(true);
    });
  }

  get open(): boolean {
    return !this.pop.hidden;
  }

  private field(id: string): HTMLInputElement {
    return $(id) as HTMLInputElement;
  }

  /** Show the choices in the fields, and how many are set on the button. */
  show(g: GenerationChoices | undefined): void {
    this.field('gen-temperature').value = g?.temperature !== undefined ? String(g.temperature) : '';
    this.field('gen-max').value = g?.maxOutputTokens !== undefined ? String(g.maxOutputTokens) : '';
    this.field('gen-stop').value = (g?.stopSequences ?? []).join(', ');
    this.field('gen-seed').value = g?.seed !== undefined ? String(g.seed) : '';
    ($('gen-tool-choice') as HTMLSelectElement).value = g?.toolChoice ?? 'default';
    const n = Object.keys(g ?? {}).length;
    this.button.classList.toggle('on', n > 0);
    this.button.textContent = n ? l10n.t('Model settings ({0} set)…', n) : l10n.t('Model settings…');
    this.button.setAttribute('aria-label', n ? l10n.t('Model settings ({0} set)', n) : l10n.t('Model settings'));
  }

  /** How many choices are set (the Options button counts them). */
  count(g: GenerationChoices | undefined): number {
    return Object.keys(g ?? {}).length;
  }

  close(focusButton: boolean): void {
    this.pop.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  private apply(): void {
    const num = (id: string) => (this.field(id).value.trim() === '' ? undefined : Number(this.field(id).value));
    const raw: GenerationChoices = {
      temperature: num('gen-temperature'),
      maxOutputTokens: num('gen-max'),
      seed: num('gen-seed'),
      stopSequences: this.field('gen-stop')
        .value.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      toolChoice: ($('gen-tool-choice') as HTMLSelectElement).value as GenerationChoices['toolChoice'],
    };
    const clean = cleanGeneration(raw) ?? {};
    // Say which value is out of range instead of dropping it silently.
    const wrong = (['temperature', 'maxOutputTokens', 'seed'] as const).filter((k) => raw[k] !== undefined && clean[k] === undefined) as string[];
    if ((raw.stopSequences?.length ?? 0) > GENERATION_LIMITS.stopSequences) wrong.push('stopSequences');
    if (wrong.length) {
      const names: Record<string, string> = {
        temperature: l10n.t('Temperature must be between 0 and 2'),
        maxOutputTokens: l10n.t('Max output tokens must be a whole number of at least 1'),
        seed: l10n.t('Seed must be a whole number'),
        stopSequences: l10n.t('At most {0} stop sequences', GENERATION_LIMITS.stopSequences),
      };
      this.error.textContent = wrong.map((k) => names[k]).join('. ') + '.';
      return;
    }
    this.post({ type: 'setGeneration', generation: clean });
    this.close(true);
  }
}
