/**
 * Steps the API runs itself (Google Search, code execution, URL context, remote MCP servers, tool
 * search, …), and anything else that renders whole from its step: each kind is a function that
 * draws the step, run again when the step changes.
 */
import type { UiChange, WireContent, WireStep } from '../../../shared/protocol';
import { revealAnswerText, revealHidden } from '../../../shared/hidden';
import { l10n } from '../../../shared/l10n';
import { arr, h, icon, json, obj, resultText, str } from '../../dom';
import { codeBlockElement } from '../../markdown';
import { searchWidgetFrame } from '../../widget';
import type { StepContext, StepView } from '../context';

/** Draws a step into its element (which it may give a class). */
export type StepDrawer = (el: HTMLElement, s: WireStep, ctx: StepContext) => void;

export class DrawnStepView implements StepView {
  readonly el = h('div', 'step generic');
  constructor(
    private step: WireStep,
    private readonly draw: StepDrawer,
    private readonly ctx: StepContext,
  ) {
    this.render();
  }
  private render(): void {
    this.el.textContent = '';
    this.el.className = 'step generic';
    this.draw(this.el, this.step, this.ctx);
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

export const drawSearchCall: StepDrawer = (el, s) => {
  el.className = 'step search-call';
  const q = arr<string>(obj(s.arguments).queries).filter((x) => typeof x === 'string');
  el.append(icon('search'), h('span', undefined, q.length ? l10n.t(' Searched: {0}', q.join(' · ')) : l10n.t(' Searching the web…')));
};

export const drawSearchResult: StepDrawer = (el, s, ctx) => {
  el.className = 'step search-result';
  // Both shapes: `result: [{search_suggestions}]` and the SDK's `search_suggestions` on the step.
  const html = [...arr(s.result).map((r) => str(obj(r).search_suggestions)), str((s as { search_suggestions?: unknown }).search_suggestions)].filter(Boolean).join('\n');
  if (html) {
    // The suggestions widget is third-party HTML: only inside a sandboxed frame, never in our DOM.
    el.appendChild(searchWidgetFrame(html, (url) => ctx.post({ type: 'openLink', url })));
  } else {
    const texts = arr<WireContent>(s.content)
      .map((c) => str(c.text))
      .filter(Boolean);
    el.append(icon('globe'), h('span', undefined, texts.length ? ` ${texts.join(' ')}` : l10n.t(' Search results received')));
  }
  if (s.is_error) el.classList.add('error');
};

export const drawCodeCall: StepDrawer = (el, s) => {
  el.className = 'step code-exec';
  const a = obj(s.arguments);
  el.appendChild(h('div', 'step-title', l10n.t('Code execution')));
  el.appendChild(codeBlockElement(str(a.code), str(a.language) || 'python', 'now'));
};

export const drawCodeResult: StepDrawer = (el, s) => {
  el.className = 'step code-exec-result' + (s.is_error ? ' error' : '');
  el.appendChild(h('div', 'step-title', s.is_error ? l10n.t('Execution error') : l10n.t('Output')));
  el.appendChild(h('pre', 'exec-output', revealAnswerText(resultText(s.result))));
};

export const drawUrlCall: StepDrawer = (el, s) => {
  el.className = 'step url-call';
  const urls = arr<string>(obj(s.arguments).urls);
  el.appendChild(h('div', 'step-title', l10n.t('Reading URLs')));
  const ul = h('ul');
  for (const u of urls) ul.appendChild(h('li', undefined, String(u)));
  el.appendChild(ul);
};

export const drawUrlResult: StepDrawer = (el, s) => {
  el.className = 'step url-result';
  el.appendChild(h('div', 'step-title', l10n.t('URL context')));
  const ul = h('ul');
  for (const r of arr(s.result)) {
    const li = h('li');
    const st = str(obj(r).status) || 'unknown';
    li.append(h('span', `badge badge-${st}`, st), document.createTextNode(' ' + str(obj(r).url)));
    ul.appendChild(li);
  }
  el.appendChild(ul);
};

/** A remote MCP server's tool, called by the Gemini API itself (not on this machine). */
export const drawMcpCall: StepDrawer = (el, s) => {
  el.className = 'step mcp-call';
  const title = h('div', 'step-title');
  title.append(
    icon('plug'),
    h('span', undefined, l10n.t(' {0} · {1}', str(s.server_name) || l10n.t('MCP server'), str(s.name) || l10n.t('tool'))),
    h('span', 'mcp-where', l10n.t(' (remote MCP server, called by the Gemini API)')),
  );
  el.appendChild(title);
  const args = obj(s.arguments);
  if (Object.keys(args).length) el.appendChild(h('pre', 'tool-args', revealHidden(json(args), { spaces: true })));
};

export const drawMcpResult: StepDrawer = (el, s) => {
  el.className = 'step mcp-result' + (s.is_error ? ' error' : '');
  const d = h('details', 'tool-result');
  const who = [str(s.server_name), str(s.name)].filter(Boolean).join(' · ');
  d.append(h('summary', undefined, who ? l10n.t('Result from {0}', who) : l10n.t('Result')), h('pre', 'tool-result-text', revealAnswerText(resultText(s.result))));
  el.appendChild(d);
};

/** Tool Retrieval: the model loads tools whose definitions were deferred. */
export const drawToolSearchCall: StepDrawer = (el, s) => {
  el.className = 'step tool-search';
  const names = arr<string>(obj(s.arguments).function_names).map(String);
  const title = h('div', 'step-title');
  title.append(icon('search'), h('span', undefined, names.length ? l10n.t(' Looking for tools: {0}', names.join(', ')) : l10n.t(' Looking for tools')));
  el.appendChild(title);
};

export const drawToolSearchResult: StepDrawer = (el, s) => {
  el.className = 'step tool-search-result';
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
  el.appendChild(d);
};

/** A function result whose call is not in this turn (a resumed or echoed one). */
export const drawOrphanResult: StepDrawer = (el, s) => {
  el.className = 'step tool-call orphan-result';
  el.append(icon('output'), h('span', undefined, l10n.t(' Result of {0}', str(s.name) || str(s.call_id))));
  el.appendChild(h('pre', 'tool-result-text', revealAnswerText(resultText(s.result))));
};

/** A kind we know but show plainly (its name and its fields). */
export const drawPlain: StepDrawer = (el, s) => {
  el.className = 'step generic';
  el.appendChild(h('div', 'step-title', s.type.replace(/_/g, ' ')));
  const d = h('details');
  d.append(h('summary', undefined, l10n.t('Details')), h('pre', undefined, revealAnswerText(json(s))));
  el.appendChild(d);
};

/** A kind the registry does not know: a card that says so, with everything it carried. */
export const drawUnsupported: StepDrawer = (el, s) => {
  el.className = 'step unsupported';
  el.appendChild(h('div', 'step-title', l10n.t('Unsupported step: {0}', s.type)));
  const d = h('details');
  d.append(h('summary', undefined, l10n.t('Details')), h('pre', undefined, revealAnswerText(json(s))));
  el.appendChild(d);
};
