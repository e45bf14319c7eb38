/**
 * The processing options of a media attachment (§6.1), opened from its chip: pages and layers of a
 * document, sheet and cells of a spreadsheet, the span of a recording, the layers of a video, the
 * document's resolution. The host checks them (against the file's pages or sheets too); a refusal
 * shows here, and the form keeps what the user typed.
 */
import { MEDIA_RESOLUTIONS, PAGE_LAYERS, SHEET_LAYERS, VIDEO_LAYERS, type AttachmentView, type MediaOptions, type WebviewMessage } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { h } from '../dom';

function layerName(layer: string): string {
  const names: Record<string, string> = {
    page_image: l10n.t('Page images'),
    page_text: l10n.t('Page text'),
    visual: l10n.t('Visual'),
    data: l10n.t('Data'),
    formulas: l10n.t('Formulas'),
    frames: l10n.t('Frames'),
    audio: l10n.t('Audio'),
    transcript: l10n.t('Transcript'),
  };
  return names[layer] ?? layer;
}

export class AttachmentOptionsForm {
  private open: string | undefined;
  private error: HTMLElement | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly post: (m: WebviewMessage) => void,
  ) {
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
  }

  get openId(): string | undefined {
    return this.open;
  }

  /** The chip's options button. */
  button(a: AttachmentView): HTMLButtonElement {
    const b = h('button', 'icon-btn options-btn');
    b.type = 'button';
    const label = l10n.t('Options for {0}', a.name);
    b.setAttribute('aria-label', a.optionsSummary ? `${label}: ${a.optionsSummary}` : label);
    b.title = label;
    b.setAttribute('aria-expanded', String(this.open === a.id));
    b.setAttribute('aria-controls', this.el.id);
    b.dataset.optionsFor = a.id;
    b.innerHTML = '<i class="codicon codicon-settings" aria-hidden="true"></i>';
    b.addEventListener('click', () => (this.open === a.id ? this.close() : this.show(a)));
    return b;
  }

  /** The list changed: close the form if its attachment is gone. */
  update(list: AttachmentView[]): void {
    if (this.open && !list.some((a) => a.id === this.open)) this.close();
  }

  /** The host's verdict on Apply. */
  result(id: string, error: string | undefined): void {
    if (id !== this.open || !this.error) return;
    if (error) {
      this.error.textContent = error;
      this.error.hidden = false;
    } else this.close();
  }

  close(): void {
    const id = this.open;
    this.open = undefined;
    this.el.hidden = true;
    this.el.textContent = '';
    // Back to the chip's button (the chips are redrawn when the options change).
    if (id !== undefined) (document.querySelector(`[data-options-for="${CSS.escape(id)}"]`) as HTMLElement | null)?.focus();
    for (const b of document.querySelectorAll('[data-options-for]')) b.setAttribute('aria-expanded', 'false');
  }

  private show(a: AttachmentView): void {
    this.open = a.id;
    for (const b of document.querySelectorAll('[data-options-for]')) b.setAttribute('aria-expanded', String((b as HTMLElement).dataset.optionsFor === a.id));
    this.el.textContent = '';
    this.el.hidden = false;
    this.el.setAttribute('aria-label', l10n.t('Options for {0}', a.name));
    const o = a.options ?? {};
    const form = h('div', 'attach-options-form');
    const read: Array<(out: MediaOptions) => void> = [];
    const text = (label: string, key: 'pages' | 'cells' | 'start' | 'end', placeholder: string, hint?: string) => {
      const l = h('label');
      const i = h('input');
      i.type = 'text';
      i.value = o[key] ?? '';
      i.placeholder = placeholder;
      i.dataset.option = key;
      l.append(document.createTextNode(`${label} `), i);
      if (hint) l.append(h('span', 'hint', hint));
      form.appendChild(l);
      read.push((out) => {
        if (i.value.trim()) out[key] = i.value.trim();
      });
    };
    const num = (label: string, key: 'sheet' | 'fps', min: number, max?: number, hint?: string) => {
      const l = h('label');
      const i = h('input');
      i.type = 'number';
      i.min = String(min);
      if (max !== undefined) i.max = String(max);
      i.step = key === 'sheet' ? '1' : 'any';
      i.value = o[key] !== undefined ? String(o[key]) : '';
      i.dataset.option = key;
      l.append(document.createTextNode(`${label} `), i);
      if (hint) l.append(h('span', 'hint', hint));
      form.appendChild(l);
      read.push((out) => {
        if (i.value.trim()) out[key] = Number(i.value);
      });
    };
    const checks = (legend: string, key: 'pageLayers' | 'sheetLayers' | 'videoLayers', values: readonly string[]) => {
      const fs = h('fieldset');
      fs.appendChild(h('legend', undefined, legend));
      const boxes = values.map((v) => {
        const l = h('label', 'check');
        const c = h('input');
        c.type = 'checkbox';
        c.value = v;
        c.checked = (o[key] ?? []).includes(v);
        c.dataset.option = key;
        l.append(c, document.createTextNode(` ${layerName(v)}`));
        fs.appendChild(l);
        return c;
      });
      fs.appendChild(h('span', 'hint', l10n.t('None checked: the API’s default.')));
      form.appendChild(fs);
      read.push((out) => {
        const on = boxes.filter((b) => b.checked).map((b) => b.value);
        if (on.length) out[key] = on;
      });
    };
    const resolution = () => {
      const l = h('label');
      const s = h('select');
      s.dataset.option = 'resolution';
      for (const v of ['', ...MEDIA_RESOLUTIONS]) {
        const op = h('option', undefined, v ? v.replace('_', ' ') : l10n.t('Default'));
        op.value = v;
        s.appendChild(op);
      }
      s.value = o.resolution ?? '';
      l.append(document.createTextNode(`${l10n.t('Resolution')} `), s);
      form.appendChild(l);
      read.push((out) => {
        if (s.value) out.resolution = s.value;
      });
    };
    if (a.media === 'paginated') {
      text(l10n.t('Pages'), 'pages', l10n.t('e.g. 3-5'), a.pages !== undefined ? (a.pages === 1 ? l10n.t('of 1 page') : l10n.t('of {0} pages', a.pages)) : undefined);
      checks(l10n.t('Read the pages as'), 'pageLayers', PAGE_LAYERS);
      resolution();
    } else if (a.media === 'spreadsheet') {
      num(l10n.t('Sheet'), 'sheet', 1, a.sheets, a.sheets !== undefined ? (a.sheets === 1 ? l10n.t('of 1 sheet') : l10n.t('of {0} sheets', a.sheets)) : undefined);
      text(l10n.t('Cells'), 'cells', 'A1:D10');
      checks(l10n.t('Read the cells as'), 'sheetLayers', SHEET_LAYERS);
      resolution();
    } else {
      text(l10n.t('From'), 'start', l10n.t('e.g. 10.5s or 1:30'));
      text(l10n.t('To'), 'end', l10n.t('e.g. 30s or 2:00'));
      if (a.media === 'video') {
        num(l10n.t('Frames per second'), 'fps', 0.01, 60);
        checks(l10n.t('Read the video as'), 'videoLayers', VIDEO_LAYERS);
      }
    }
    const err = h('span', 'attach-options-error');
    err.setAttribute('role', 'alert');
    err.hidden = true;
    this.error = err;
    const apply = h('button', 'primary-btn', l10n.t('Apply'));
    apply.type = 'button';
    const clear = h('button', 'secondary-btn', l10n.t('Clear'));
    clear.type = 'button';
    const cancel = h('button', 'secondary-btn', l10n.t('Close'));
    cancel.type = 'button';
    const send = (options: MediaOptions) => {
      err.hidden = true;
      this.post({ type: 'attachmentOptions', id: a.id, options });
    };
    apply.addEventListener('click', () => {
      const out: MediaOptions = {};
      for (const r of read) r(out);
      send(out);
    });
    clear.addEventListener('click', () => send({}));
    cancel.addEventListener('click', () => this.close());
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'checkbox') {
        e.preventDefault();
        apply.click();
      }
    });
    const actions = h('span', 'gen-actions');
    actions.append(apply, clear, cancel);
    form.append(err, actions);
    this.el.appendChild(form);
    (form.querySelector('input, select') as HTMLElement | null)?.focus();
  }
}
