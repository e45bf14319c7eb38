/** The model's answer: markdown streamed into place, images, players, and the sources it cites. */
import type { CitationView, UiChange, WireContent, WireStep } from '../../../shared/protocol';
import { revealAnswerText } from '../../../shared/hidden';
import { l10n } from '../../../shared/l10n';
import { arr, h, icon, obj, str } from '../../dom';
import { hostOf, makeHostLink, MarkdownStream } from '../../markdown';
import type { StepContext, StepView } from '../context';
import { IMAGE_MIME, mediaPlayer } from '../media';

export class ModelOutputView implements StepView {
  el = h('div', 'step model-output');
  private streams = new Map<number, MarkdownStream>();
  private sources: HTMLElement | undefined;
  constructor(
    private readonly index: number,
    step: WireStep,
    private readonly turn: StepContext,
  ) {
    const content = arr<WireContent>(step.content);
    content.forEach((c, k) => this.addContent(k, c));
    // A turn restored from the journal has its citations already: list the sources too.
    this.renderSources();
    const err = obj(step.error);
    if (err.message) this.el.appendChild(h('div', 'step-error', l10n.t('Model error: {0}', revealAnswerText(str(err.message)))));
  }
  private addContent(k: number, c: WireContent): void {
    if (c.type === 'text') {
      const div = h('div', 'text-content');
      const md = new MarkdownStream(div);
      this.streams.set(k, md);
      this.el.appendChild(div);
      if (c.text) md.append(c.text);
      const cites = this.turn.citesFor(this.index, k);
      if (cites.length) md.setCitations(cites, this.turn.citeNumbers);
      return;
    }
    if (c.type === 'image') {
      const fig = h('figure', 'image-content');
      const mime = str(c.mime_type) || 'image/png';
      if (c.data && IMAGE_MIME.test(mime)) {
        const img = h('img');
        img.src = `data:${mime};base64,${c.data}`;
        img.alt = l10n.t('Generated image');
        img.tabIndex = 0;
        img.title = l10n.t('Click to open');
        img.addEventListener('click', () => this.turn.post({ type: 'image', action: 'open', turnId: this.turn.turnId, step: this.index, content: k }));
        fig.appendChild(img);
      } else fig.appendChild(h('div', 'media-placeholder', c.uri ? l10n.t('Image at {0}', c.uri) : l10n.t('Image')));
      const bar = h('div', 'image-actions');
      const open = h('button', 'text-btn', l10n.t('Open'));
      open.addEventListener('click', () => this.turn.post({ type: 'image', action: 'open', turnId: this.turn.turnId, step: this.index, content: k }));
      const save = h('button', 'text-btn', l10n.t('Save to workspace'));
      save.addEventListener('click', () => this.turn.post({ type: 'image', action: 'save', turnId: this.turn.turnId, step: this.index, content: k }));
      bar.append(open, save);
      fig.appendChild(bar);
      this.el.appendChild(fig);
      return;
    }
    const player =
      c.type === 'audio' || c.type === 'video'
        ? mediaPlayer(c.type, str(c.mime_type), str(c.data), c.type === 'audio' ? l10n.t('Audio from the model') : l10n.t('Video from the model'))
        : undefined;
    if (player) {
      this.el.appendChild(player);
      return;
    }
    const card = h('div', 'media-placeholder');
    card.append(icon('file-media'), document.createTextNode(` ${c.type}${c.mime_type ? ` (${str(c.mime_type)})` : ''}${c.uri ? `: ${str(c.uri)}` : ''}`));
    this.el.appendChild(card);
  }
  change(c: UiChange): void {
    if (c.k === 'text') {
      let md = this.streams.get(c.c);
      if (!md) {
        this.addContent(c.c, { type: 'text', text: '' });
        md = this.streams.get(c.c)!;
      }
      md.append(c.t);
    } else if (c.k === 'content') this.addContent(c.c, c.content);
    else if (c.k === 'cite') {
      const md = this.streams.get(c.c);
      md?.flush();
      md?.setCitations(this.turn.citesFor(this.index, c.c), this.turn.citeNumbers);
      this.renderSources();
    }
  }
  private renderSources(): void {
    const all: CitationView[] = [];
    for (const k of this.streams.keys()) all.push(...this.turn.citesFor(this.index, k));
    if (!all.length) return;
    this.sources?.remove();
    const box = h('div', 'sources');
    box.appendChild(h('div', 'sources-title', l10n.t('Sources')));
    const ol = h('ol');
    const seen = new Set<string>();
    for (const c of all) {
      if (seen.has(c.url)) continue;
      seen.add(c.url);
      const li = h('li');
      li.value = this.turn.citeNumbers.get(c.url) ?? 0;
      const a = h('a', undefined, c.title || c.url);
      makeHostLink(a, c.url);
      li.appendChild(a);
      // The real destination, whatever the title says.
      li.appendChild(h('span', 'source-host', ` — ${hostOf(c.url)}`));
      ol.appendChild(li);
    }
    box.appendChild(ol);
    this.sources = box;
    this.el.appendChild(box);
  }
  flush(final: boolean): boolean {
    let more = false;
    for (const md of this.streams.values()) more = md.flush(final) || more;
    return more;
  }
}
