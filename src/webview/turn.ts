/**
 * One turn of the conversation in the DOM: the user's message, every step as it streams, tool
 * activity, notices, status, usage. Turns far from the viewport are not rendered until needed.
 */
import type { CitationView, ErrorView, ToolActivity, TurnView, UiChange, UsageView, WebviewMessage, WireContent, WireStep } from '../shared/protocol';
import { revealAnswerText, revealHidden } from '../shared/hidden';
import { commandView } from '../shared/commandView';
import { codeBlockElement, hostOf, makeHostLink, MarkdownStream } from './markdown';
import { searchWidgetFrame } from './widget';
import { l10n } from '../shared/l10n';

export type Post = (msg: WebviewMessage) => void;

/** An element with an optional class and text (text only, never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}
function icon(name: string): HTMLElement {
  const i = h('i', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function arr<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}
function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) {
    return result.map((c) => (obj(c).type === 'text' ? str(obj(c).text) : `[${str(obj(c).type) || 'item'}]`)).join('\n');
  }
  return json(result);
}
const IMAGE_MIME = /^image\/(png|jpeg|webp|gif|bmp)$/;
/** Audio and video the page plays (from bytes in the conversation, as blob: URLs; nothing remote). */
const AUDIO_MIME = /^audio\/(wav|x-wav|wave|mp3|mpeg|aac|ogg|flac|x-flac|mp4|m4a|x-m4a|webm|opus)$/;
const VIDEO_MIME = /^video\/(mp4|webm|ogg|quicktime|mov)$/;

/** An `<audio>` or `<video>` player for inline media bytes, or undefined when the page cannot play them. */
export function mediaPlayer(type: string, mime: string, data: string, label: string): HTMLMediaElement | undefined {
  const playable = type === 'audio' ? AUDIO_MIME.test(mime) : type === 'video' ? VIDEO_MIME.test(mime) : false;
  if (!playable || !data || !/^[A-Za-z0-9+/=\s]+$/.test(data.slice(0, 4096))) return undefined;
  const bytes = () => {
    const bin = atob(data.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };
  const el = document.createElement(type === 'audio' ? 'audio' : 'video');
  el.controls = true;
  el.preload = 'metadata';
  el.className = `media-player ${type}-player`;
  el.setAttribute('aria-label', label);
  try {
    el.src = blobUrl(data, () => new Blob([bytes().buffer as ArrayBuffer], { type: mime }));
  } catch {
    return undefined; // not base64 after all
  }
  return el;
}

/** blob: URLs of media bytes, reused when a turn renders again; the oldest are released past a few dozen. */
const blobUrls = new Map<string, string>();
function blobUrl(data: string, make: () => Blob): string {
  const known = blobUrls.get(data);
  if (known) return known;
  const url = URL.createObjectURL(make());
  blobUrls.set(data, url);
  if (blobUrls.size > 32) {
    const [oldest, old] = blobUrls.entries().next().value as [string, string];
    blobUrls.delete(oldest);
    URL.revokeObjectURL(old);
  }
  return url;
}

/** Renders one step; function results attach to their call. */
interface StepView {
  el: HTMLElement;
  change(c: UiChange, turn: TurnRenderer): void;
  /** Returns true when rendering work is left for the next frame. */
  flush(final: boolean): boolean;
}

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

class ModelOutputView implements StepView {
  el = h('div', 'step model-output');
  private streams = new Map<number, MarkdownStream>();
  private sources: HTMLElement | undefined;
  constructor(
    private readonly index: number,
    step: WireStep,
    private readonly turn: TurnRenderer,
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
        img.addEventListener('click', () => this.turn.post({ type: 'image', action: 'open', turnId: this.turn.view.id, step: this.index, content: k }));
        fig.appendChild(img);
      } else fig.appendChild(h('div', 'media-placeholder', c.uri ? l10n.t('Image at {0}', c.uri) : l10n.t('Image')));
      const bar = h('div', 'image-actions');
      const open = h('button', 'text-btn', l10n.t('Open'));
      open.addEventListener('click', () => this.turn.post({ type: 'image', action: 'open', turnId: this.turn.view.id, step: this.index, content: k }));
      const save = h('button', 'text-btn', l10n.t('Save to workspace'));
      save.addEventListener('click', () => this.turn.post({ type: 'image', action: 'save', turnId: this.turn.view.id, step: this.index, content: k }));
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
      a.title = c.url;
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

class ThoughtView implements StepView {
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

const STATUS_TEXT: Record<string, string> = {
  waiting: l10n.t('Waiting for approval'),
  running: l10n.t('Running'),
  done: l10n.t('Done'),
  failed: l10n.t('Failed'),
  rejected: l10n.t('Rejected'),
};

class FunctionCallView implements StepView {
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
    private readonly turn: TurnRenderer,
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
    this.status.textContent = STATUS_TEXT[a.status] ?? a.status;
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
  }
  private showOutput(all: string, whole = true): void {
    const over = all.length > OUTPUT_SHOWN || countLines(all) > OUTPUT_LINES;
    const keep = over ? l10n.t('… (earlier output not shown here)\n{0}', tailOf(all, Math.floor(OUTPUT_SHOWN * 0.75), Math.floor(OUTPUT_LINES * 0.75))) : all;
    this.output.textContent = revealAnswerText(keep);
    this.outputShown = keep.length;
    this.outputShownLines = countLines(keep);
    if (whole) this.outputLength = Math.max(this.outputLength, all.length);
  }
  setResult(text: string, isError: boolean): void {
    this.result.hidden = false;
    this.result.textContent = '';
    const s = h('summary', undefined, isError ? l10n.t('Error result') : l10n.t('Result'));
    const pre = h('pre', isError ? 'tool-result-text error' : 'tool-result-text', revealAnswerText(text));
    this.result.append(s, pre);
  }
  private renderApproval(a: ToolActivity): void {
    this.approval.textContent = '';
    const req = a.approval;
    if (!req || a.status !== 'waiting') {
      this.approval.hidden = true;
      return;
    }
    this.approval.hidden = false;
    this.approval.appendChild(h('div', 'approval-title', revealAnswerText(req.title)));
    if (req.kind === 'command') for (const line of sandboxLines(req)) this.approval.appendChild(line);
    if (req.sensitive) this.approval.appendChild(h('div', 'approval-sensitive', req.sensitive));
    // Shown exactly: every character, control, invisible and bidirectional ones as escapes; long runs counted; look-alike letters marked.
    if (req.kind === 'command' || req.kind === 'tool') this.approval.append(...commandBlock(req.detail, req.kind === 'command' ? req.commands : undefined));
    else this.approval.appendChild(h('div', 'approval-path', revealHidden(req.detail)));
    if (req.diff) {
      const pre = h('pre', 'diff');
      for (const line of req.diff.split('\n')) {
        const cls = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
        pre.appendChild(h('span', cls ? `diff-line diff-${cls}` : 'diff-line', revealAnswerText(line) || ' '));
      }
      this.approval.appendChild(pre);
    }
    const bar = h('div', 'approval-actions');
    const accept = h('button', 'primary-btn', req.kind === 'command' ? l10n.t('Run') : req.kind === 'tool' ? l10n.t('Allow') : l10n.t('Accept'));
    accept.setAttribute('aria-label', req.kind === 'command' ? l10n.t('Run command') : req.kind === 'tool' ? l10n.t('Allow this call') : l10n.t('Accept change'));
    accept.addEventListener('click', () => this.turn.post({ type: 'approval', requestId: req.requestId, decision: 'accept' }));
    const reject = h('button', 'secondary-btn', l10n.t('Reject'));
    reject.setAttribute('aria-label', l10n.t('Reject'));
    reject.addEventListener('click', () => this.turn.post({ type: 'approval', requestId: req.requestId, decision: 'reject' }));
    bar.append(accept, reject);
    if (req.allowAcceptAll) {
      const all = h('button', 'secondary-btn', req.kind === 'tool' ? l10n.t('Allow this tool for this turn') : l10n.t('Accept all for this turn'));
      all.addEventListener('click', () => this.turn.post({ type: 'approval', requestId: req.requestId, decision: 'acceptAll' }));
      bar.appendChild(all);
    }
    this.approval.appendChild(bar);
  }
  flush(): boolean {
    return false;
  }
}

class GenericView implements StepView {
  el = h('div', 'step generic');
  constructor(
    private step: WireStep,
    private readonly turn: TurnRenderer,
  ) {
    this.render();
  }
  private render(): void {
    const s = this.step;
    this.el.textContent = '';
    switch (s.type) {
      case 'google_search_call': {
        this.el.className = 'step search-call';
        const q = arr<string>(obj(s.arguments).queries).filter((x) => typeof x === 'string');
        this.el.append(icon('search'), h('span', undefined, q.length ? l10n.t(' Searched: {0}', q.join(' · ')) : l10n.t(' Searching the web…')));
        break;
      }
      case 'google_search_result': {
        this.el.className = 'step search-result';
        // Both shapes: `result: [{search_suggestions}]` and the SDK's `search_suggestions` on the step.
        const html = [...arr(s.result).map((r) => str(obj(r).search_suggestions)), str((s as { search_suggestions?: unknown }).search_suggestions)].filter(Boolean).join('\n');
        if (html) {
          // The suggestions widget is third-party HTML: only inside a sandboxed frame, never in our DOM.
          this.el.appendChild(searchWidgetFrame(html, (url) => this.turn.post({ type: 'openLink', url })));
        } else {
          const texts = arr<WireContent>(s.content)
            .map((c) => str(c.text))
            .filter(Boolean);
          this.el.append(icon('globe'), h('span', undefined, texts.length ? ` ${texts.join(' ')}` : l10n.t(' Search results received')));
        }
        if (s.is_error) this.el.classList.add('error');
        break;
      }
      case 'code_execution_call': {
        this.el.className = 'step code-exec';
        const a = obj(s.arguments);
        this.el.appendChild(h('div', 'step-title', l10n.t('Code execution')));
        this.el.appendChild(codeBlockElement(str(a.code), str(a.language) || 'python', 'now'));
        break;
      }
      case 'code_execution_result': {
        this.el.className = 'step code-exec-result' + (s.is_error ? ' error' : '');
        this.el.appendChild(h('div', 'step-title', s.is_error ? l10n.t('Execution error') : l10n.t('Output')));
        this.el.appendChild(h('pre', 'exec-output', revealAnswerText(resultText(s.result))));
        break;
      }
      case 'url_context_call': {
        this.el.className = 'step url-call';
        const urls = arr<string>(obj(s.arguments).urls);
        this.el.appendChild(h('div', 'step-title', l10n.t('Reading URLs')));
        const ul = h('ul');
        for (const u of urls) ul.appendChild(h('li', undefined, String(u)));
        this.el.appendChild(ul);
        break;
      }
      case 'url_context_result': {
        this.el.className = 'step url-result';
        this.el.appendChild(h('div', 'step-title', l10n.t('URL context')));
        const ul = h('ul');
        for (const r of arr(s.result)) {
          const li = h('li');
          const st = str(obj(r).status) || 'unknown';
          li.append(h('span', `badge badge-${st}`, st), document.createTextNode(' ' + str(obj(r).url)));
          ul.appendChild(li);
        }
        this.el.appendChild(ul);
        break;
      }
      case 'mcp_server_tool_call': {
        // A remote MCP server's tool, called by the Gemini API itself (not on this machine).
        this.el.className = 'step mcp-call';
        const title = h('div', 'step-title');
        title.append(
          icon('plug'),
          h('span', undefined, l10n.t(' {0} · {1}', str(s.server_name) || l10n.t('MCP server'), str(s.name) || l10n.t('tool'))),
          h('span', 'mcp-where', l10n.t(' (remote MCP server, called by the Gemini API)')),
        );
        this.el.appendChild(title);
        const args = obj(s.arguments);
        if (Object.keys(args).length) this.el.appendChild(h('pre', 'tool-args', revealHidden(json(args), { spaces: true })));
        break;
      }
      case 'mcp_server_tool_result': {
        this.el.className = 'step mcp-result' + (s.is_error ? ' error' : '');
        const d = h('details', 'tool-result');
        const who = [str(s.server_name), str(s.name)].filter(Boolean).join(' · ');
        d.append(h('summary', undefined, who ? l10n.t('Result from {0}', who) : l10n.t('Result')), h('pre', 'tool-result-text', revealAnswerText(resultText(s.result))));
        this.el.appendChild(d);
        break;
      }
      case 'tool_search_call': {
        // Tool Retrieval: the model loads tools whose definitions were deferred.
        this.el.className = 'step tool-search';
        const names = arr<string>(obj(s.arguments).function_names).map(String);
        const title = h('div', 'step-title');
        title.append(icon('search'), h('span', undefined, names.length ? l10n.t(' Looking for tools: {0}', names.join(', ')) : l10n.t(' Looking for tools')));
        this.el.appendChild(title);
        break;
      }
      case 'tool_search_result': {
        this.el.className = 'step tool-search-result';
        const found = arr(s.result).map(obj);
        const names = found.map((f) => str(f.name)).filter(Boolean);
        const d = h('details', 'tool-result');
        d.append(h('summary', undefined, names.length ? l10n.t('Tools loaded: {0}', names.join(', ')) : l10n.t('No tools loaded')));
        const ul = h('ul');
        for (const f of found) {
          const li = h('li');
          li.append(h('code', undefined, str(f.name) || '?'), document.createTextNode(` ${revealAnswerText(str(f.description) || str(f.short_description))}`));
          ul.appendChild(li);
        }
        d.appendChild(ul);
        this.el.appendChild(d);
        break;
      }
      case 'function_result': {
        this.el.className = 'step tool-call orphan-result';
        this.el.append(icon('output'), h('span', undefined, l10n.t(' Result of {0}', str(s.name) || str(s.call_id))));
        this.el.appendChild(h('pre', 'tool-result-text', revealAnswerText(resultText(s.result))));
        break;
      }
      default: {
        const known = [
          'google_maps_call',
          'google_maps_result',
          'file_search_call',
          'file_search_result',
          'retrieval_call',
          'retrieval_result',
          'processing_call',
          'processing_result',
        ];
        const isKnown = known.includes(s.type);
        this.el.className = isKnown ? 'step generic' : 'step unsupported';
        this.el.appendChild(h('div', 'step-title', isKnown ? s.type.replace(/_/g, ' ') : l10n.t('Unsupported step: {0}', s.type)));
        const d = h('details');
        d.append(h('summary', undefined, l10n.t('Details')), h('pre', undefined, revealAnswerText(json(s))));
        this.el.appendChild(d);
      }
    }
    void this.turn;
  }
  change(c: UiChange): void {
    if ((c.k === 'update' || c.k === 'done') && c.step) {
      this.step = c.step;
      this.render();
    }
  }
  flush(): boolean {
    return false;
  }
}

export class TurnRenderer {
  readonly el = h('section', 'turn');
  rendered = false;
  private stepViews: Array<StepView | undefined> = [];
  private callViews = new Map<string, FunctionCallView>();
  private stepsEl = h('div', 'steps');
  private noticesEl = h('div', 'notices');
  private footerEl = h('div', 'turn-footer');
  private userEl = h('div', 'user-msg');
  readonly citeNumbers = new Map<string, number>();
  private dirty = new Set<StepView>();
  private doneSteps = new Set<number>();

  constructor(
    public view: TurnView,
    readonly post: Post,
    private readonly hooks: {
      isLast(t: TurnRenderer): boolean;
      busy(): boolean;
      edit(t: TurnRenderer): void;
      /** Rendering work is left: flush this turn again in the next frame. */
      more(t: TurnRenderer): void;
    },
  ) {
    this.el.dataset.turn = view.id;
    // Named by what the user asked (a list of regions all called "Turn" says nothing).
    const asked = view.input
      .filter((c) => c.type === 'text')
      .map((c) => String(c.text ?? ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    const files = view.input.length - view.input.filter((c) => c.type === 'text').length;
    const name = asked
      ? asked.length > 80
        ? `${asked.slice(0, 80)}…`
        : asked
      : files
        ? files === 1
          ? l10n.t('1 attachment')
          : l10n.t('{0} attachments', files)
        : l10n.t('empty message');
    this.el.setAttribute('aria-label', l10n.t('You asked: {0}', name));
    for (const list of Object.values(view.cites ?? {})) for (const c of list) this.number(c.url);
    view.steps.forEach((_, k) => this.doneSteps.add(k));
  }

  private number(url: string): void {
    if (!this.citeNumbers.has(url)) this.citeNumbers.set(url, this.citeNumbers.size + 1);
  }

  citesFor(step: number, content: number): CitationView[] {
    return this.view.cites?.[`${step}:${content}`] ?? [];
  }

  /** A rough height for the placeholder of an unrendered turn. */
  estimateHeight(): number {
    let chars = 0;
    for (const s of this.view.steps) for (const c of arr<WireContent>(s.content)) chars += str(c.text).length;
    return 80 + Math.min(4000, chars / 2);
  }

  renderPlaceholder(): void {
    this.el.classList.add('placeholder');
    this.el.style.minHeight = `${this.estimateHeight()}px`;
  }

  render(): void {
    if (this.rendered) return;
    this.rendered = true;
    this.el.classList.remove('placeholder');
    this.el.style.minHeight = '';
    this.el.textContent = '';
    this.renderUser();
    this.el.append(this.userEl, this.stepsEl, this.noticesEl, this.footerEl);
    this.view.steps.forEach((s, k) => this.addStep(k, s));
    for (const a of this.view.tools ?? []) this.tool(a);
    for (const n of this.view.notices) this.noticesEl.appendChild(h('div', 'notice', n));
    this.flush(true);
    this.renderFooter();
  }

  private renderUser(): void {
    this.userEl.textContent = '';
    // The typed text; then what went with it (mentions, attached files) folded under its first line.
    const [typed, ...context] = this.view.input.filter((c) => c.type === 'text').map((c) => str(c.text));
    if (this.view.plan) this.userEl.appendChild(h('div', 'plan-badge', l10n.t('Plan first: read-only tools, a plan asked for')));
    if (this.view.research)
      this.userEl.appendChild(
        h(
          'div',
          'plan-badge research-badge',
          this.view.research === 'plan'
            ? l10n.t('Deep Research: a research plan asked for, to confirm or edit')
            : l10n.t('Deep Research: runs in the background on the server, also after the window was closed'),
        ),
      );
    else if (this.view.background)
      this.userEl.appendChild(h('div', 'plan-badge background-badge', l10n.t('In the background: it runs on the server and fills in here, also after the window was closed')));
    const body = h('div', 'user-text', typed ?? '');
    this.userEl.appendChild(body);
    for (const part of context) {
      const d = h('details', 'sent-context');
      const nl = part.indexOf('\n');
      d.append(h('summary', undefined, nl < 0 ? part : part.slice(0, nl)), h('pre', undefined, revealAnswerText(nl < 0 ? '' : part.slice(nl + 1))));
      this.userEl.appendChild(d);
    }
    const chips = this.view.input.filter((c) => c.type !== 'text');
    if (chips.length) {
      const list = h('div', 'chips');
      for (const c of chips) list.appendChild(inputPreview(c));
      this.userEl.appendChild(list);
    }
    if (this.view.instructions?.length) {
      const line = h('div', 'instructions-used');
      line.append(icon('book'), document.createTextNode(l10n.t(' Instructions used: ')));
      this.view.instructions.forEach((f, k) => {
        if (k) line.appendChild(document.createTextNode(' · '));
        const b = h('button', 'text-btn instruction-link', f);
        b.setAttribute('aria-label', l10n.t('Open the instruction file {0}', f));
        b.addEventListener('click', () => this.post({ type: 'openInstruction', turnId: this.view.id, file: f }));
        line.appendChild(b);
      });
      this.userEl.appendChild(line);
    }
    if (this.view.skills?.length) {
      const line = h('div', 'instructions-used skills-used');
      line.append(icon('mortar-board'), document.createTextNode(l10n.t(' Skills used: ')));
      this.view.skills.forEach((display, k) => {
        if (k) line.appendChild(document.createTextNode(' · '));
        // The skill's folder name is its name (the format requires it); the path is in the label.
        const name = display.split('/').slice(-2, -1)[0] || display;
        const b = h('button', 'text-btn instruction-link skill-link', name);
        b.title = display;
        b.setAttribute('aria-label', l10n.t('Open the skill {0} ({1})', name, display));
        b.addEventListener('click', () => this.post({ type: 'openSkill', turnId: this.view.id, skill: display }));
        line.appendChild(b);
      });
      this.userEl.appendChild(line);
    }
    if (this.hooks.isLast(this) && !this.hooks.busy()) {
      const edit = h('button', 'icon-btn edit-btn');
      edit.title = l10n.t('Edit and resend');
      edit.setAttribute('aria-label', l10n.t('Edit and resend the last message'));
      edit.appendChild(icon('edit'));
      edit.addEventListener('click', () => this.hooks.edit(this));
      this.userEl.appendChild(edit);
    }
  }

  refreshUser(): void {
    if (this.rendered) this.renderUser();
  }

  /** "Skills used: …" with a link to each SKILL.md (the host opens only skills the turn loaded). */
  setSkills(skills: string[]): void {
    this.view.skills = skills;
    if (this.rendered) this.renderUser();
  }

  /** "Instructions used: …" with a link to each file (the host opens only files the turn listed). */
  setInstructions(files: string[]): void {
    this.view.instructions = files;
    if (this.rendered) this.renderUser();
  }

  private addStep(k: number, step: WireStep): void {
    let view: StepView | undefined;
    switch (step.type) {
      case 'model_output':
        view = new ModelOutputView(k, step, this);
        break;
      case 'thought':
        view = new ThoughtView(step, this.doneSteps.has(k), this.view.research !== undefined);
        break;
      case 'function_call': {
        const fv = new FunctionCallView(step, this);
        this.callViews.set(fv.callId, fv);
        view = fv;
        break;
      }
      case 'user_input': {
        // The user's own message is the turn's input; a user_input among the steps is a steer.
        const text = arr<WireContent>(step.content)
          .map((c) => str(c.text))
          .join(' ')
          .trim();
        view = text ? new SteerView(text) : undefined;
        break;
      }
      case 'function_result': {
        const call = this.callViews.get(str(step.call_id));
        if (call) {
          call.setResult(resultText(step.result), step.is_error === true);
          view = undefined;
        } else view = new GenericView(step, this);
        break;
      }
      default:
        view = new GenericView(step, this);
    }
    this.stepViews[k] = view;
    if (view) {
      this.stepsEl.appendChild(view.el);
      this.dirty.add(view);
    }
  }

  /** Apply streamed changes to the model and, when rendered, to the DOM. */
  apply(changes: UiChange[]): void {
    for (const c of changes) {
      const steps = this.view.steps;
      switch (c.k) {
        case 'add':
          steps[c.s] = c.step;
          this.doneSteps.delete(c.s);
          if (this.rendered) this.addStep(c.s, c.step);
          continue;
        case 'restart':
          steps.length = c.from;
          if (this.rendered) {
            for (let k = c.from; k < this.stepViews.length; k++) this.stepViews[k]?.el.remove();
            this.stepViews.length = c.from;
          }
          continue;
        case 'text': {
          const step = steps[c.s];
          if (!step) continue;
          const content = ((step.content as WireContent[] | undefined) ??= []);
          const item = content[c.c];
          if (item) item.text = (item.text ?? '') + c.t;
          else content[c.c] = { type: 'text', text: c.t };
          break;
        }
        case 'content': {
          const step = steps[c.s];
          if (!step) continue;
          ((step.content as WireContent[] | undefined) ??= [])[c.c] = c.content;
          break;
        }
        case 'cite': {
          const key = `${c.s}:${c.c}`;
          const cites = (this.view.cites ??= {});
          cites[key] = [...(cites[key] ?? []), ...c.cites];
          for (const x of c.cites) this.number(x.url);
          break;
        }
        case 'thought': {
          const step = steps[c.s];
          if (!step) continue;
          const summary = ((step.summary as WireContent[] | undefined) ??= []);
          const last = summary[summary.length - 1];
          if (last && last.type === 'text') last.text = (last.text ?? '') + c.t;
          else summary.push({ type: 'text', text: c.t });
          break;
        }
        case 'args':
          break;
        case 'update':
          steps[c.s] = c.step;
          break;
        case 'done':
          if (c.step) steps[c.s] = c.step;
          this.doneSteps.add(c.s);
          if (this.rendered && steps[c.s]?.type === 'function_result' && !this.stepViews[c.s]) {
            const call = this.callViews.get(str(steps[c.s]!.call_id));
            call?.setResult(resultText(steps[c.s]!.result), steps[c.s]!.is_error === true);
          }
          break;
      }
      if (!this.rendered) continue;
      const view = this.stepViews[c.s];
      if (view) {
        view.change(c, this);
        this.dirty.add(view);
        if (c.k === 'done' && view.flush(true)) this.hooks.more(this);
      }
    }
  }

  /** Render pending markdown (called once per animation frame). Returns true if work is left. */
  flush(final = false): boolean {
    if (!this.rendered) return false;
    const views = [...this.dirty];
    this.dirty.clear();
    let more = false;
    for (const v of views) {
      if (v.flush(final)) {
        this.dirty.add(v);
        more = true;
      }
    }
    if (more) this.hooks.more(this);
    return more;
  }

  tool(a: ToolActivity): void {
    const list = (this.view.tools ??= []);
    const k = list.findIndex((x) => x.callId === a.callId);
    if (k >= 0) list[k] = { ...list[k], ...a };
    else list.push(a);
    if (!this.rendered) return;
    this.callViews.get(a.callId)?.setActivity(list[k >= 0 ? k : list.length - 1]!);
  }

  toolOutput(callId: string, text: string): void {
    const a = this.view.tools?.find((x) => x.callId === callId);
    if (a) a.output = (a.output ?? '') + text;
    if (this.rendered) this.callViews.get(callId)?.appendOutput(text);
  }

  notice(text: string): void {
    this.view.notices.push(text);
    if (this.rendered) this.noticesEl.appendChild(h('div', 'notice', text));
  }

  end(state: string, error: ErrorView | undefined, usage: UsageView | undefined, undo?: { available: boolean; files: number }): void {
    this.view.state = state;
    this.view.error = error;
    this.view.usage = usage;
    if (undo) this.view.undo = undo;
    this.flush(true);
    this.renderFooter();
    this.refreshUser();
  }

  /** The turn's state changed without ending (an interrupted answer streams again). */
  setState(state: string): void {
    this.view.state = state;
    this.view.error = undefined;
    this.renderFooter();
  }

  renderFooter(): void {
    if (!this.rendered) return;
    const f = this.footerEl;
    f.textContent = '';
    const v = this.view;
    // Screen readers hear the answer once it is complete, not every delta of the live log.
    if (v.state === 'streaming') this.el.setAttribute('aria-busy', 'true');
    else this.el.removeAttribute('aria-busy');
    if (v.state === 'streaming') {
      const s = h('div', 'status streaming');
      s.append(icon('loading'), h('span', undefined, l10n.t(' Generating…')));
      s.querySelector('.codicon')?.classList.add('codicon-modifier-spin');
      f.appendChild(s);
    } else if (v.error || ['error', 'failed', 'stopped', 'interrupted', 'cancelled', 'budget_exceeded', 'incomplete'].includes(v.state)) {
      const box = h('div', v.error ? 'status error' : 'status warn');
      box.setAttribute('role', v.error ? 'alert' : 'status');
      const label =
        v.state === 'stopped'
          ? l10n.t('Stopped.')
          : v.state === 'interrupted'
            ? l10n.t('This answer was interrupted.')
            : v.state === 'cancelled'
              ? l10n.t('Cancelled.')
              : v.state === 'budget_exceeded'
                ? l10n.t('The token budget was exhausted.')
                : v.state === 'incomplete'
                  ? l10n.t('The answer is incomplete (output limit reached).')
                  : '';
      box.appendChild(h('span', 'status-text', v.error ? v.error.message : label));
      if (v.error?.retryAfterMs) box.appendChild(h('span', 'retry-at', l10n.t(' (retry possible in {0} s)', Math.ceil(v.error.retryAfterMs / 1000))));
      if (v.error?.kind === 'auth') {
        const b = h('button', 'secondary-btn', l10n.t('Set API Key'));
        b.addEventListener('click', () => this.post({ type: 'setKey' }));
        box.appendChild(b);
      }
      if (this.hooks.isLast(this) && !this.hooks.busy()) {
        if (v.error?.code === 'PREVIOUS_GONE') {
          const c = h('button', 'secondary-btn resend-local-btn', l10n.t('Continue from the local history'));
          c.setAttribute('aria-label', l10n.t('Continue from the local copy of the conversation'));
          c.addEventListener('click', () => this.post({ type: 'resendLocal', turnId: v.id }));
          box.appendChild(c);
        }
        if (v.state === 'interrupted') {
          const r = h('button', 'secondary-btn', l10n.t('Resume'));
          r.addEventListener('click', () => this.post({ type: 'resume', turnId: v.id }));
          box.appendChild(r);
        }
        const retry = h('button', 'secondary-btn retry-btn', l10n.t('Retry'));
        retry.setAttribute('aria-label', l10n.t('Retry the last message'));
        retry.addEventListener('click', () => this.post({ type: 'retry', turnId: v.id }));
        box.appendChild(retry);
      }
      f.appendChild(box);
    }
    if (v.usage) {
      const u = v.usage;
      const parts = [l10n.t('in {0}', u.input ?? 0)];
      if (u.cached) parts.push(l10n.t('cached {0}', u.cached));
      if (u.thought) parts.push(l10n.t('thought {0}', u.thought));
      parts.push(l10n.t('out {0}', u.output ?? 0));
      f.appendChild(h('div', 'usage', l10n.t('Tokens: {0}', parts.join(' · '))));
    }
    // A finished plan: start it (the same conversation, every tool) or say what to change.
    if (v.plan && v.state === 'completed' && this.hooks.isLast(this) && !this.hooks.busy()) {
      const bar = h('div', 'plan-actions');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', l10n.t('The plan'));
      const start = h('button', 'primary-btn plan-start', l10n.t('Start'));
      start.title = l10n.t('Carry out the plan, with every tool (edits and commands still ask as usual)');
      start.addEventListener('click', () => this.post({ type: 'planAction', turnId: v.id, action: 'start' }));
      const revise = h('button', 'secondary-btn plan-revise', l10n.t('Revise'));
      revise.title = l10n.t('Say what to change in the plan (plan first stays on)');
      revise.addEventListener('click', () => {
        const box = document.getElementById('input') as HTMLTextAreaElement | null;
        box?.focus();
      });
      bar.append(start, revise);
      f.appendChild(bar);
    }
    // Deep Research: start the plan (or edit it by writing), and save the report once it is there.
    if (v.research === 'plan' && v.state === 'completed' && this.hooks.isLast(this) && !this.hooks.busy()) {
      const bar = h('div', 'plan-actions research-actions');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', l10n.t('The research plan'));
      const start = h('button', 'primary-btn research-start', l10n.t('Start research'));
      start.title = l10n.t('Confirm the plan: Deep Research carries it out in the background');
      start.addEventListener('click', () => this.post({ type: 'researchAction', turnId: v.id, action: 'start' }));
      const edit = h('button', 'secondary-btn research-edit', l10n.t('Edit the plan'));
      edit.title = l10n.t('Write what to change; Deep Research answers with a revised plan');
      edit.addEventListener('click', () => (document.getElementById('input') as HTMLTextAreaElement | null)?.focus());
      bar.append(start, edit);
      f.appendChild(bar);
    }
    if (v.research === 'run' && v.state === 'completed') {
      const save = h('button', 'secondary-btn research-save', l10n.t('Save report…'));
      save.title = l10n.t('Save the report as Markdown in the workspace, its sources as links');
      save.addEventListener('click', () => this.post({ type: 'researchAction', turnId: v.id, action: 'save' }));
      f.appendChild(save);
    }
    if (v.undo?.available && v.undo.files > 0) {
      const b = h(
        'button',
        'secondary-btn undo-btn',
        v.undo.files === 1 ? l10n.t('Undo changes of this turn (1 file)') : l10n.t('Undo changes of this turn ({0} files)', v.undo.files),
      );
      b.addEventListener('click', () => this.post({ type: 'undoTurn', turnId: v.id }));
      f.appendChild(b);
    }
  }
}

/**
 * What the user sent besides text, as it went: an image as a thumbnail, audio and video as a
 * player, a URL as the link it is, anything else as its type.
 */
function inputPreview(c: WireContent): HTMLElement {
  const type = str(c.type);
  const mime = str(c.mime_type);
  const data = str(c.data);
  if (type === 'image' && data && IMAGE_MIME.test(mime)) {
    const img = h('img', 'input-thumb');
    img.src = `data:${mime};base64,${data}`;
    img.alt = l10n.t('Attached image');
    return img;
  }
  if ((type === 'audio' || type === 'video') && data) {
    const player = mediaPlayer(type, mime, data, type === 'audio' ? l10n.t('Attached audio') : l10n.t('Attached video'));
    if (player) return player;
  }
  const chip = h('span', 'chip', `${type}${mime ? ` · ${mime}` : ''}`);
  if (c.uri) {
    chip.classList.add('chip-url');
    chip.appendChild(document.createTextNode(` · ${revealAnswerText(str(c.uri))}`));
  }
  return chip;
}

/** A message the user sent into the running turn (with function results). */
class SteerView implements StepView {
  readonly el = h('div', 'step steered');
  constructor(text: string) {
    this.el.append(icon('debug-step-over'), h('span', undefined, l10n.t(' You steered: {0}', text)));
  }
  change(): void {}
  flush(): boolean {
    return false;
  }
}

/** What the sandbox does for this command, in words: where it runs, the network, its writes. */
function sandboxLines(req: NonNullable<ToolActivity['approval']>): HTMLElement[] {
  if (!req.sandboxed) return [h('div', 'approval-sandbox off', l10n.t('Runs WITHOUT the OS sandbox: it can read and change anything your user can.'))];
  const lines = [
    h('div', 'approval-sandbox', l10n.t('Runs in the OS sandbox: a private home folder, secrets hidden, no privileges.')),
    h(
      'div',
      req.network ? 'approval-sandbox warn' : 'approval-sandbox',
      req.network ? l10n.t('With the network: the internet and services on this machine (local databases, dev servers) are reachable.') : l10n.t('No network.'),
    ),
    h(
      'div',
      req.transactional === false ? 'approval-sandbox warn' : 'approval-sandbox',
      req.transactional === false
        ? l10n.t('Its writes in the workspace land as they happen (they cannot be held for review here).')
        : l10n.t('Its writes in the workspace are held until it ends: ordinary files then land; files other programs run or load wait for you.'),
    ),
  ];
  return lines;
}

/** A command (or a tool's arguments) shown so that what is approved is what runs. */
function commandBlock(text: string, commands: string[] | undefined): HTMLElement[] {
  const v = commandView(text);
  const out: HTMLElement[] = [];
  const facts = [l10n.t('{0} line(s), {1} character(s)', v.lines, v.chars)];
  if (commands?.length) facts.push(l10n.t('runs: {0}', [...new Set(commands)].join(', ')));
  out.push(h('div', 'approval-facts', facts.join(' · ')));
  if (v.mixed.length) {
    const first = v.mixed.slice(0, 3).map((m) => l10n.t('“{0}” in “{1}” is a {2} letter ({3})', m.letter, m.word, m.script, m.code));
    out.push(h('div', 'approval-sensitive', l10n.t('Look-alike letters: {0}.', first.join('; '))));
  }
  if (v.hidden) out.push(h('div', 'approval-sensitive', l10n.t('It holds invisible or control characters, shown as ⟨U+…⟩.')));
  const pre = h('pre', 'approval-command');
  for (const s of v.segments) {
    if (s.kind === 'text') pre.appendChild(document.createTextNode(s.text));
    else if (s.kind === 'hidden') pre.appendChild(h('span', 'hidden-char', s.text));
    else if (s.kind === 'spaces') pre.appendChild(h('span', 'hidden-char', l10n.t('⟨{0} spaces⟩', s.count)));
    else if (s.kind === 'blank') pre.appendChild(h('span', 'hidden-char', l10n.t('⟨{0} blank lines⟩', s.count)));
    else {
      const mark = h('mark', 'mixed-script', s.text);
      mark.title = l10n.t('{0} letter {1}', s.script, s.code);
      mark.setAttribute('aria-label', l10n.t('{0} letter {1}', s.script, s.code));
      pre.appendChild(mark);
    }
  }
  out.push(pre);
  // More than fits: say so, with what is below.
  const more = h('div', 'approval-more');
  more.hidden = true;
  out.push(more);
  requestAnimationFrame(() => {
    if (!pre.isConnected || pre.scrollHeight <= pre.clientHeight + 2) return;
    const shownChars = Math.round((pre.textContent ?? '').length * (pre.clientHeight / pre.scrollHeight));
    more.hidden = false;
    more.textContent = l10n.t(
      'The command continues below (about {0} more characters): scroll to read all of it before you answer.',
      Math.max(1, (pre.textContent ?? '').length - shownChars),
    );
  });
  return out;
}
