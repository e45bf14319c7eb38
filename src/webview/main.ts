/**
 * The chat webview. Validates every message from the host, applies streamed changes once per
 * animation frame, renders only the turns near the viewport, and keeps the draft in webview
 * state and in the host (it survives reloads and errors).
 */
// First: the translated strings, before any module that keeps one in a constant.
import './l10nInit';
import {
  parseHostMessage,
  type QueueAction,
  type QueuedView,
  type AttachmentView,
  type ConversationView,
  type HostMessage,
  type PanelState,
  type TurnView,
  type WebviewMessage,
} from '../shared/protocol';
import { TurnRenderer, h } from './turn';
import { renderDocument, setHighlighter } from './markdown';
import { setupMentions } from './mentions';
import { AttachmentOptionsForm } from './attachmentOptions';
import { LinkNotice } from './linkNotice';
import { cleanGeneration, GENERATION_LIMITS, isOneOf, THINKING_LEVELS, TOGGLES, type GenerationChoices } from '../shared/vocab';
import { l10n } from '../shared/l10n';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (msg: WebviewMessage) => vscode.postMessage(msg);

function $(id: string): HTMLElement {
  return document.getElementById(id)!;
}

const log = $('log');
const keyScreen = $('key-screen');
const keyMessage = $('key-message');
const banner = $('banner');
const input = $('input') as HTMLTextAreaElement;
const sendBtn = $('send') as HTMLButtonElement;
const stopBtn = $('stop') as HTMLButtonElement;
const modelSel = $('model') as HTMLSelectElement;
const thinkingSel = $('thinking') as HTMLSelectElement;
const attachList = $('attachments');
const attachOptions = new AttachmentOptionsForm($('attach-options'), post);
const linkNotice = new LinkNotice($('link-notice'), (text) => {
  input.value = text;
  autosize();
  saveDraft();
  post({ type: 'draft', text });
  input.focus();
});
const editHint = $('edit-hint');
const toast = $('toast');
const empty = $('empty');

let state: PanelState | undefined;
let turns: TurnRenderer[] = [];
/** Set while a whole conversation is being loaded (see `hooks.isLast`). */
let loadingConversation = false;
const byId = new Map<string, TurnRenderer>();
let editing = false;
/** The turn being edited (another window may add turns meanwhile: the edit replaces this one). */
let editingTurn: string | undefined;
let attachments: AttachmentView[] = [];

// ------------------------------------------------------------------ draft

interface SavedState {
  draft: string;
  /** In a run tab: which run, so VS Code can restore the tab after a reload. */
  runId?: string;
}
let savedRunId: string | undefined;
function saveDraft(): void {
  vscode.setState({ draft: input.value, runId: savedRunId } satisfies SavedState);
}
let draftTimer: ReturnType<typeof setTimeout> | undefined;
input.addEventListener('input', () => {
  saveDraft();
  autosize();
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = setTimeout(() => post({ type: 'draft', text: input.value }), 250);
});
const saved = vscode.getState() as SavedState | undefined;
if (saved && typeof saved.draft === 'string') input.value = saved.draft;
const mentions = setupMentions(input, $('mention-menu'), $('mention-chips'), post, () => !document.body.classList.contains('run-mode'));
mentions.refresh();

function autosize(): void {
  input.style.height = 'auto';
  input.style.height = `${Math.min(240, input.scrollHeight + 2)}px`;
}

// ------------------------------------------------------------------ virtualization

/**
 * Turns far from the viewport are placeholders, rendered when their group comes within 1,500 px. At most
 * TURN_RENDER_MS of rendering per frame: the rest waits for the next frame (scrolling stays smooth).
 */
const TURN_RENDER_MS = 3;
/**
 * Turns sit in groups of this many, and the log's children are the groups: a turn that changes
 * size lays out its group and the log's few dozen groups, not a thousand siblings (that walk was
 * most of a late frame while scrolling a long conversation). The observers watch groups too.
 */
const TURNS_PER_GROUP = 16;
const toRender: TurnRenderer[] = [];
let renderScheduled = false;
function renderSomeTurns(): void {
  renderScheduled = false;
  const t0 = performance.now();
  while (toRender.length && performance.now() - t0 < TURN_RENDER_MS) {
    const t = toRender.shift()!;
    if (!t.rendered) t.render();
  }
  if (stick) scrollToBottom();
  if (toRender.length && !renderScheduled) {
    renderScheduled = true;
    requestAnimationFrame(renderSomeTurns);
  }
}
const observer = new IntersectionObserver(
  (entries) => {
    // Nearest to the viewport first: the groups being scrolled towards; in a group above the
    // viewport, its last turns first.
    const near = entries.filter((e) => e.isIntersecting).sort((a, b) => Math.abs(a.boundingClientRect.top) - Math.abs(b.boundingClientRect.top));
    for (const e of near) {
      const group = [...e.target.children].map((el) => byId.get((el as HTMLElement).dataset.turn ?? '')).filter((t) => t && !t.rendered) as TurnRenderer[];
      toRender.push(...(e.boundingClientRect.top < 0 ? group.reverse() : group));
      observer.unobserve(e.target);
    }
    if (toRender.length) renderSomeTurns();
  },
  { root: log, rootMargin: '1500px 0px' },
);

const hooks = {
  // While a conversation loads, each turn is the last one for a moment: none offers last-turn controls until all are there.
  isLast: (t: TurnRenderer) => !loadingConversation && turns[turns.length - 1] === t,
  busy: () => state?.busy === true,
  edit: (t: TurnRenderer) => startEdit(t),
  more: (t: TurnRenderer) => {
    pendingTurns.add(t);
    schedule();
  },
};

function addTurn(view: TurnView, render: boolean): TurnRenderer {
  const t = new TurnRenderer(view, post, hooks);
  turns.push(t);
  byId.set(view.id, t);
  let group = log.lastElementChild as HTMLElement | null;
  if (!group || group.childElementCount >= TURNS_PER_GROUP) {
    group = document.createElement('div');
    group.className = 'turn-group';
    log.appendChild(group);
  }
  group.appendChild(t.el);
  // Until a group is first seen, it counts as the sum of its turns' estimated heights.
  group.dataset.estimate = String(Number(group.dataset.estimate ?? 0) + t.estimateHeight());
  group.style.containIntrinsicSize = `auto ${group.dataset.estimate}px`;
  sizeObserver.observe(group);
  if (render) t.render();
  else {
    t.renderPlaceholder();
    observer.observe(group);
  }
  return t;
}

/** Load a whole conversation: only the last turns are rendered now, the rest when scrolled near. */
function loadConversation(c: ConversationView): void {
  observer.disconnect();
  sizeObserver.disconnect();
  sizeObserver.observe(log);
  toRender.length = 0;
  turns = [];
  byId.clear();
  log.textContent = '';
  const eager = 6;
  loadingConversation = true;
  try {
    c.turns.forEach((tv, k) => addTurn(tv, k >= c.turns.length - eager));
  } finally {
    loadingConversation = false;
  }
  empty.hidden = c.turns.length > 0;
  scrollToBottom();
  refreshLastTurnControls();
}

function refreshLastTurnControls(): void {
  const prev = turns[turns.length - 2];
  prev?.refreshUser();
  prev?.renderFooter();
  const last = turns[turns.length - 1];
  last?.refreshUser();
  last?.renderFooter();
}

function isAtBottom(): boolean {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
}
/** Whether the log follows new content: kept by scroll events (not measured every frame, which forces a layout). */
let stick = true;
/**
 * Our own last scroll has not had its scroll event yet: that event says nothing about the user. (A
 * flag rather than comparing positions: reading the position in the scroll event forced a layout
 * every frame while an answer streamed.)
 */
let ownScroll = false;
/**
 * Until when a scroll is the user's doing (a wheel, touch, key or scrollbar drag just happened in
 * the log). Any other scroll (the browser's scroll anchoring, content realised at its true size)
 * never stops the log from following the end.
 */
let userScrollUntil = 0;
let pointerDown = false;
const userIntent = () => (userScrollUntil = performance.now() + 750);
for (const ev of ['wheel', 'touchmove', 'keydown'] as const) log.addEventListener(ev, userIntent, { passive: true });
log.addEventListener('pointerdown', () => ((pointerDown = true), userIntent()), { passive: true });
window.addEventListener('pointerup', () => ((pointerDown = false), userIntent()), { passive: true });
log.addEventListener(
  'scroll',
  () => {
    const own = ownScroll;
    ownScroll = false;
    if (pointerDown || performance.now() < userScrollUntil) stick = isAtBottom();
    else if (stick && !own) scrollNow();
  },
  { passive: true },
);
/**
 * The log's box and every turn in it: when either changes size while following, the end stays in
 * view. This is where following happens as content grows: a ResizeObserver runs after layout, so
 * reading the scroll height costs nothing here (in a frame callback, right after the DOM changed,
 * it forced a second layout every frame: most of the main-thread time of a streamed answer).
 */
const sizeObserver = new ResizeObserver(() => {
  if (stick) scrollNow();
});
sizeObserver.observe(log);
let bottomQueued = false;
/**
 * Show the end of the log and follow new content from now on (a send, a new turn, a loaded
 * conversation). The scroll itself waits for the start of the next frame, when layout is clean.
 */
function scrollToBottom(): void {
  stick = true;
  if (bottomQueued) return;
  bottomQueued = true;
  requestAnimationFrame(() => {
    bottomQueued = false;
    if (stick) scrollNow();
  });
}
function scrollNow(): void {
  stick = true;
  const before = log.scrollTop;
  log.scrollTop = log.scrollHeight;
  // No scroll event comes when nothing moved.
  if (log.scrollTop !== before) ownScroll = true;
}

// ------------------------------------------------------------------ state

const runHeader = $('run-header');
function renderRun(s: PanelState): void {
  const isRun = s.kind === 'run';
  document.body.classList.toggle('run-mode', isRun);
  runHeader.hidden = !isRun || !s.run;
  if (!isRun || !s.run) return;
  const r = s.run;
  if (typeof r.id === 'string' && r.id !== savedRunId) {
    savedRunId = r.id;
    saveDraft();
  }
  runHeader.textContent = '';
  const line = h(
    'div',
    'run-line',
    [
      l10n.t('Agent {0}', r.agent),
      r.status.replace(/_/g, ' '),
      r.tokens ? l10n.t('{0} tokens', r.tokens.toLocaleString()) : '',
      r.environmentId ? l10n.t('environment {0}', r.environmentId) : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  runHeader.appendChild(line);
  if (r.error) {
    const e = h('div', 'run-error', r.error);
    e.setAttribute('role', 'alert');
    runHeader.appendChild(e);
  }
  const bar = h('div', 'run-actions');
  const action = (label: string, cls: string, which: 'cancel' | 'review') => {
    const b = h('button', cls, label);
    b.addEventListener('click', () => post({ type: 'runAction', action: which }));
    bar.appendChild(b);
  };
  if (r.canCancel) action(l10n.t('Cancel run'), 'secondary-btn', 'cancel');
  if (r.canReview) action(l10n.t('Review changes'), 'primary-btn', 'review');
  runHeader.appendChild(bar);
  input.placeholder = l10n.t('Send a follow-up to the agent (same run, same environment)…');
}

/** The queued messages last shown (re-rendered when busy changes: Send now). */
let queueItems: QueuedView[] = [];

function applyState(s: PanelState): void {
  const wasBusy = state?.busy;
  state = s;
  renderRun(s);
  keyScreen.hidden = s.hasKey;
  keyMessage.textContent = s.keyMessage ?? l10n.t('Add your Gemini API key to start chatting. It is stored in VS Code’s secret storage.');
  log.hidden = !s.hasKey;
  banner.hidden = s.toolsEnabled || !s.toolsDisabledReason;
  banner.textContent = s.toolsDisabledReason ?? '';
  sendBtn.hidden = s.busy;
  stopBtn.hidden = !s.busy;
  sendBtn.disabled = !s.hasKey;
  const models = s.settings.models.includes(s.settings.model) ? s.settings.models : [s.settings.model, ...s.settings.models];
  if (modelSel.options.length !== models.length || [...modelSel.options].some((o, k) => o.value !== models[k])) {
    modelSel.textContent = '';
    for (const m of models) modelSel.appendChild(new Option(m, m));
  }
  modelSel.value = s.settings.model;
  thinkingSel.value = s.settings.thinkingLevel;
  for (const name of TOGGLES) {
    const b = $(`toggle-${name}`);
    const on = s.settings[name];
    b.classList.toggle('on', on);
    b.setAttribute('aria-pressed', String(on));
  }
  if (genPop.hidden) showGeneration(s.settings.generation);
  const stateless = $('toggle-stateless') as HTMLButtonElement;
  const on = s.settings.mode === 'stateless';
  stateless.classList.toggle('on', on);
  stateless.setAttribute('aria-pressed', String(on));
  stateless.disabled = s.settings.modeLocked === true;
  stateless.title = s.settings.modeLocked
    ? on
      ? l10n.t('This conversation is stateless (nothing kept on the server); start a New Chat to change it')
      : l10n.t('This conversation is stateful (kept on the server); start a New Chat to change it')
    : l10n.t('Stateless: nothing is kept on the server (store: false); the conversation so far is sent with each message');
  const plan = $('toggle-plan');
  plan.classList.toggle('on', s.plan === true);
  plan.setAttribute('aria-pressed', String(s.plan === true));
  document.body.classList.toggle('plan-mode', s.plan === true);
  const research = $('toggle-research');
  research.classList.toggle('on', s.research === true);
  research.setAttribute('aria-pressed', String(s.research === true));
  document.body.classList.toggle('research-mode', s.research === true);
  // The server keeps a background turn only in a stored (stateful) conversation.
  const bg = $('send-background') as HTMLButtonElement;
  bg.disabled = s.settings.mode === 'stateless' || s.busy;
  const picked = s.externalTools ?? 0;
  const count = $('tools-count');
  count.hidden = picked === 0;
  count.textContent = String(picked);
  $('tools').setAttribute('aria-label', picked ? l10n.t('Choose tools ({0} picked)', picked) : l10n.t('Choose tools'));
  if (wasBusy !== s.busy) {
    refreshLastTurnControls();
    if (queueItems.length) renderQueue(queueItems);
  }
}

/** Messages waiting for the running answer to end: reorder, edit (back into the box), remove, send now. */
function renderQueue(items: QueuedView[]): void {
  queueItems = items;
  const list = $('queue');
  list.textContent = '';
  list.hidden = items.length === 0;
  if (!items.length) return;
  list.appendChild(h('div', 'queue-title', l10n.t('Queued ({0}): sent when the answer ends', items.length)));
  items.forEach((q, k) => {
    const row = h('div', 'queue-item');
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', l10n.t('Queued message {0}: {1}', k + 1, q.text.slice(0, 60)));
    row.appendChild(h('span', 'queue-text', q.text.length > 200 ? `${q.text.slice(0, 200)}…` : q.text));
    if (q.steer) {
      row.classList.add('steering');
      row.appendChild(h('span', 'queue-steer', l10n.t('steering: goes with the next tool results')));
    }
    const act = (name: QueueAction, glyph: string, label: string, disabled = false) => {
      const b = h('button', 'icon-btn');
      b.setAttribute('aria-label', label);
      b.title = label;
      b.disabled = disabled;
      const i = h('i', `codicon codicon-${glyph}`);
      i.setAttribute('aria-hidden', 'true');
      b.appendChild(i);
      b.addEventListener('click', () => post({ type: 'queueAction', id: q.id, action: name }));
      row.appendChild(b);
    };
    act('up', 'arrow-up', l10n.t('Move up'), k === 0);
    act('down', 'arrow-down', l10n.t('Move down'), k === items.length - 1);
    act('edit', 'edit', l10n.t('Edit (back into the message box)'));
    act('sendNow', 'send', l10n.t('Send now'), state?.busy === true);
    if (state?.busy && !q.steer) act('steer', 'debug-step-over', l10n.t('Steer now: send it with the next tool results'));
    act('remove', 'close', l10n.t('Remove from the queue'));
    list.appendChild(row);
  });
}

const ATTACHMENT_ICON: Record<AttachmentView['kind'], string> = {
  file: 'file',
  selection: 'selection',
  image: 'file-media',
  document: 'file-pdf',
  audio: 'unmute',
  video: 'device-camera-video',
  url: 'link',
};

/** How a screen reader names each kind of attachment. */
const ATTACHMENT_NAME: Record<AttachmentView['kind'], string> = {
  file: l10n.t('File attachment {0}'),
  selection: l10n.t('Selection attachment {0}'),
  image: l10n.t('Image attachment {0}'),
  document: l10n.t('Document attachment {0}'),
  audio: l10n.t('Audio attachment {0}'),
  video: l10n.t('Video attachment {0}'),
  url: l10n.t('Link attachment {0}'),
};

function renderAttachments(): void {
  attachList.textContent = '';
  attachList.hidden = attachments.length === 0;
  for (const a of attachments) {
    const chip = h('span', `chip chip-${a.kind}`);
    const i = h('i', `codicon codicon-${ATTACHMENT_ICON[a.kind] ?? 'file'}`);
    i.setAttribute('aria-hidden', 'true');
    chip.append(i, document.createTextNode(` ${a.name} (${a.kind === 'url' ? a.mimeType || l10n.t('by link') : formatSize(a.size)})`));
    if (a.optionsSummary) chip.append(h('span', 'chip-options', ` · ${a.optionsSummary}`));
    chip.setAttribute('aria-label', (ATTACHMENT_NAME[a.kind] ?? ATTACHMENT_NAME.file).replace('{0}', a.name) + (a.optionsSummary ? ` (${a.optionsSummary})` : ''));
    if (a.media) chip.appendChild(attachOptions.button(a));
    if (a.kind === 'image' || a.kind === 'audio' || a.kind === 'video' || a.kind === 'document') {
      const v = h('button', 'icon-btn preview-btn');
      v.setAttribute('aria-label', l10n.t('Preview {0}', a.name));
      v.title = l10n.t('Preview {0}', a.name);
      v.innerHTML = `<i class="codicon codicon-${a.kind === 'audio' || a.kind === 'video' ? 'play' : 'eye'}" aria-hidden="true"></i>`;
      v.addEventListener('click', () => post({ type: 'previewAttachment', id: a.id }));
      chip.appendChild(v);
    }
    const x = h('button', 'icon-btn');
    x.setAttribute('aria-label', l10n.t('Remove attachment {0}', a.name));
    x.innerHTML = '<i class="codicon codicon-close" aria-hidden="true"></i>';
    x.addEventListener('click', () => post({ type: 'removeAttachment', id: a.id }));
    chip.appendChild(x);
    attachList.appendChild(chip);
  }
}

/** Same wording as the host's `formatBytes` (src/core/attachments.ts), which the webview may not import. */
function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return l10n.t('{0} KB', (n / 1024).toFixed(1));
  return l10n.t('{0} MB', (n / 1024 / 1024).toFixed(1));
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function showToast(text: string, kind: 'info' | 'error'): void {
  toast.textContent = text;
  toast.className = `toast ${kind}`;
  toast.hidden = false;
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 6000);
}

// ------------------------------------------------------------------ messages (coalesced per frame)

const queue: HostMessage[] = [];
let scheduled = false;
window.addEventListener('message', (e: MessageEvent) => {
  const msg = parseHostMessage(e.data);
  if (!msg) {
    console.warn('[gemini] ignored an invalid message from the host');
    return;
  }
  queue.push(msg);
  schedule();
});

/** Turns with rendering work left over from a burst (rendered over the next frames). */
const pendingTurns = new Set<TurnRenderer>();

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(processQueue);
  }
}

function processQueue(): void {
  scheduled = false;
  const touched = new Set<TurnRenderer>(pendingTurns);
  pendingTurns.clear();
  const batch = queue.splice(0);
  for (const msg of batch) handle(msg, touched);
  for (const t of touched) t.flush();
  // Following the end (unless the user scrolled away) happens in the size observer, after this frame's layout.
  if (pendingTurns.size) schedule();
}

function handle(msg: HostMessage, touched: Set<TurnRenderer>): void {
  switch (msg.type) {
    case 'init':
      applyState(msg.state);
      loadConversation(msg.conversation);
      if (!input.value && msg.draft) input.value = msg.draft;
      autosize();
      attachments = msg.attachments;
      renderAttachments();
      document.body.dataset.ready = 'true';
      break;
    case 'state':
      applyState(msg.state);
      break;
    case 'conversation':
      loadConversation(msg.conversation);
      break;
    case 'turnStart': {
      empty.hidden = true;
      const t = addTurn(msg.turn, true);
      refreshLastTurnControls();
      touched.add(t);
      scrollToBottom();
      break;
    }
    case 'turnChanges': {
      const t = byId.get(msg.turnId);
      if (!t) break;
      t.apply(msg.changes);
      touched.add(t);
      break;
    }
    case 'turnEnd': {
      const t = byId.get(msg.turnId);
      t?.end(msg.state, msg.error, msg.usage, msg.undo);
      if (msg.error && t) document.body.dataset.lastError = msg.error.kind;
      break;
    }
    case 'notice':
      byId.get(msg.turnId)?.notice(msg.text);
      break;
    case 'turnState':
      byId.get(msg.turnId)?.setState(msg.state);
      break;
    case 'tool':
      byId.get(msg.turnId)?.tool(msg.activity);
      break;
    case 'toolOutput':
      byId.get(msg.turnId)?.toolOutput(msg.callId, msg.text);
      break;
    case 'instructions':
      byId.get(msg.turnId)?.setInstructions(msg.files);
      break;
    case 'skills':
      byId.get(msg.turnId)?.setSkills(msg.skills);
      break;
    case 'queue':
      renderQueue(msg.items);
      break;
    case 'mentionCandidates':
      mentions.candidates(msg.seq, msg.items);
      break;
    case 'draft':
      input.value = msg.append && input.value ? `${input.value}\n${msg.text}` : msg.text;
      autosize();
      saveDraft();
      mentions.refresh();
      input.focus();
      break;
    case 'attachments':
      attachments = msg.attachments;
      renderAttachments();
      attachOptions.update(attachments);
      break;
    case 'linkDraft':
      input.value = msg.text;
      autosize();
      saveDraft();
      mentions.refresh();
      post({ type: 'draft', text: msg.text });
      linkNotice.show(msg.notice, msg.previous);
      input.focus();
      break;
    case 'attachmentOptionsResult':
      attachOptions.result(msg.id, msg.error);
      break;
    case 'focus':
      input.focus();
      break;
    case 'toast':
      showToast(msg.text, msg.kind);
      break;
  }
}

// ------------------------------------------------------------------ composer

function send(background = false): void {
  const text = input.value;
  if (!text.trim() && attachments.length === 0) return;
  if (!state?.hasKey) return;
  if (state.busy) {
    // A run tab has no queue (its follow-ups steer the agent): the text stays in the box there.
    if (editing || !text.trim() || state.kind === 'run') {
      // The text stays in the box; say why nothing was sent instead of ignoring the key.
      showToast(l10n.t('Gemini is still answering. Wait for it to finish, or press Stop (Esc), then send.'), 'info');
      return;
    }
    // Queued: it is sent when this answer ends (visible above the box until then).
    post({ type: 'queue', text });
    input.value = '';
    saveDraft();
    autosize();
    mentions.refresh();
    post({ type: 'draft', text: '' });
    return;
  }
  if (editing) {
    post(editingTurn ? { type: 'editLast', text, turnId: editingTurn } : { type: 'editLast', text });
    stopEdit();
  } else post(background ? { type: 'send', text, background: true } : { type: 'send', text });
  linkNotice.hide();
  input.value = '';
  saveDraft();
  autosize();
  mentions.refresh();
  post({ type: 'draft', text: '' });
}

function startEdit(t: TurnRenderer): void {
  if (state?.busy) return;
  editing = true;
  editingTurn = t.view.id;
  editHint.hidden = false;
  // The typed text only: what went with it (attachments, mentions' context) goes again as it was.
  const first = t.view.input[0];
  input.value = first?.type === 'text' ? (first.text ?? '') : '';
  autosize();
  mentions.refresh();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}
function stopEdit(): void {
  editing = false;
  editHint.hidden = true;
}
$('cancel-edit').addEventListener('click', () => {
  stopEdit();
  input.value = '';
  saveDraft();
  mentions.refresh();
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send(e.altKey && state?.kind !== 'run' && state?.settings.mode !== 'stateless');
  } else if (e.key === 'Escape') {
    if (state?.busy) {
      e.preventDefault();
      post({ type: 'stop' });
    } else if (editing) {
      stopEdit();
    }
  } else if (e.key === 'ArrowUp' && input.value === '' && turns.length) {
    e.preventDefault();
    startEdit(turns[turns.length - 1]!);
  }
});
sendBtn.addEventListener('click', () => send());
$('send-background').addEventListener('click', () => send(true));
stopBtn.addEventListener('click', () => post({ type: 'stop' }));
$('set-key').addEventListener('click', () => post({ type: 'setKey' }));
$('new-chat').addEventListener('click', () => post({ type: 'newChat' }));
$('history').addEventListener('click', () => post({ type: 'showHistory' }));
$('tools').addEventListener('click', () => post({ type: 'chooseTools' }));

// Model settings popover (per conversation; empty fields are the API's defaults).
const genBtn = $('model-settings');
const genPop = $('gen-popover');
const genField = (id: string) => $(id) as HTMLInputElement;
function showGeneration(g: GenerationChoices | undefined): void {
  genField('gen-temperature').value = g?.temperature !== undefined ? String(g.temperature) : '';
  genField('gen-max').value = g?.maxOutputTokens !== undefined ? String(g.maxOutputTokens) : '';
  genField('gen-stop').value = (g?.stopSequences ?? []).join(', ');
  genField('gen-seed').value = g?.seed !== undefined ? String(g.seed) : '';
  ($('gen-tool-choice') as HTMLSelectElement).value = g?.toolChoice ?? 'default';
  const n = Object.keys(g ?? {}).length;
  genBtn.classList.toggle('on', n > 0);
  genBtn.setAttribute('aria-label', n ? l10n.t('Model settings ({0} set)', n) : l10n.t('Model settings'));
}
function closeGeneration(focusButton: boolean): void {
  genPop.hidden = true;
  genBtn.setAttribute('aria-expanded', 'false');
  if (focusButton) genBtn.focus();
}
genBtn.addEventListener('click', () => {
  if (!genPop.hidden) return closeGeneration(false);
  showGeneration(state?.settings.generation);
  $('gen-error').textContent = '';
  genPop.hidden = false;
  genBtn.setAttribute('aria-expanded', 'true');
  genField('gen-temperature').focus();
});
genPop.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.stopPropagation();
    closeGeneration(true);
  } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
    e.preventDefault();
    $('gen-apply').click();
  }
});
$('gen-apply').addEventListener('click', () => {
  const num = (id: string) => (genField(id).value.trim() === '' ? undefined : Number(genField(id).value));
  const raw: GenerationChoices = {
    temperature: num('gen-temperature'),
    maxOutputTokens: num('gen-max'),
    seed: num('gen-seed'),
    stopSequences: genField('gen-stop')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    toolChoice: ($('gen-tool-choice') as HTMLSelectElement).value as GenerationChoices['toolChoice'],
  };
  const clean = cleanGeneration(raw) ?? {};
  // Say which value is out of range instead of dropping it silently.
  const wrong = (['temperature', 'maxOutputTokens', 'seed'] as const).filter((k) => raw[k] !== undefined && clean[k] === undefined);
  if ((raw.stopSequences?.length ?? 0) > GENERATION_LIMITS.stopSequences) wrong.push('stopSequences' as never);
  if (wrong.length) {
    const names: Record<string, string> = {
      temperature: l10n.t('Temperature must be between 0 and 2'),
      maxOutputTokens: l10n.t('Max output tokens must be a whole number of at least 1'),
      seed: l10n.t('Seed must be a whole number'),
      stopSequences: l10n.t('At most {0} stop sequences', GENERATION_LIMITS.stopSequences),
    };
    $('gen-error').textContent = wrong.map((k) => names[k]).join('. ') + '.';
    return;
  }
  post({ type: 'setGeneration', generation: clean });
  closeGeneration(true);
});
$('gen-reset').addEventListener('click', () => {
  post({ type: 'setGeneration', generation: {} });
  showGeneration(undefined);
  closeGeneration(true);
});
$('toggle-plan').addEventListener('click', () => post({ type: 'setPlan', value: $('toggle-plan').getAttribute('aria-pressed') !== 'true' }));
$('toggle-research').addEventListener('click', () => post({ type: 'setResearch', value: $('toggle-research').getAttribute('aria-pressed') !== 'true' }));
$('toggle-stateless').addEventListener('click', () => {
  const b = $('toggle-stateless') as HTMLButtonElement;
  if (b.disabled) return;
  post({ type: 'setMode', mode: b.getAttribute('aria-pressed') === 'true' ? 'stateful' : 'stateless' });
});
$('run-remote').addEventListener('click', () => post({ type: 'runRemote', text: input.value }));
modelSel.addEventListener('change', () => post({ type: 'setModel', model: modelSel.value }));
thinkingSel.addEventListener('change', () => {
  if (isOneOf(THINKING_LEVELS, thinkingSel.value)) post({ type: 'setThinking', level: thinkingSel.value });
});
for (const name of TOGGLES) {
  const b = $(`toggle-${name}`);
  b.addEventListener('click', () => {
    // Flip at once from what the button shows, so quick clicks each count; the host's state follows.
    const value = b.getAttribute('aria-pressed') !== 'true';
    b.classList.toggle('on', value);
    b.setAttribute('aria-pressed', String(value));
    post({ type: 'setToggle', name, value });
  });
}

// Attach menu.
const attachMenu = $('attach-menu');
$('attach').addEventListener('click', () => {
  attachMenu.hidden = !attachMenu.hidden;
  if (!attachMenu.hidden) (attachMenu.querySelector('button') as HTMLButtonElement | null)?.focus();
});
attachMenu.addEventListener('click', (e) => {
  const kind = (e.target as HTMLElement).closest('button')?.dataset.kind;
  if (kind === 'activeFile' || kind === 'selection' || kind === 'workspaceFile' || kind === 'picker' || kind === 'url') post({ type: 'attach', kind });
  attachMenu.hidden = true;
});
attachMenu.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.stopPropagation();
    attachMenu.hidden = true;
    $('attach').focus();
    return;
  }
  // Arrow keys move between the items (menu semantics).
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const items = Array.from(attachMenu.querySelectorAll('button'));
    const k = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(k + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  }
});

// Drag-and-drop and paste of files.
function readFile(file: File): void {
  const reader = new FileReader();
  reader.onload = () => {
    const url = String(reader.result);
    const comma = url.indexOf(',');
    post({ type: 'attachData', name: file.name || 'pasted', mimeType: file.type || 'application/octet-stream', data: url.slice(comma + 1) });
  };
  reader.readAsDataURL(file);
}
const composer = $('composer');
composer.addEventListener('dragover', (e) => {
  e.preventDefault();
  composer.classList.add('drop');
});
composer.addEventListener('dragleave', () => composer.classList.remove('drop'));
composer.addEventListener('drop', (e) => {
  e.preventDefault();
  composer.classList.remove('drop');
  for (const f of Array.from(e.dataTransfer?.files ?? [])) readFile(f);
});
input.addEventListener('paste', (e) => {
  const files = Array.from(e.clipboardData?.files ?? []);
  if (files.length) {
    e.preventDefault();
    files.forEach(readFile);
  }
});

// Links and code actions (event delegation). Links have no href (see makeHostLink): only the
// host opens them, after the user confirms, once per click.
log.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const a = target.closest('a');
  if (a) {
    e.preventDefault();
    const url = a.getAttribute('data-href');
    if (url) post({ type: 'openLink', url });
    return;
  }
  const btn = target.closest('button[data-act]') as HTMLButtonElement | null;
  if (btn) {
    const block = btn.closest('.code-block') as HTMLElement | null;
    const code = block?.querySelector('code')?.textContent ?? '';
    const action = btn.dataset.act as 'copy' | 'insert' | 'newFile';
    post({ type: 'codeAction', action, code, language: block?.dataset.lang ?? '' });
  }
});

log.addEventListener('keydown', (e) => {
  const a = (e.target as HTMLElement).closest?.('a[data-href]');
  if (a && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    post({ type: 'openLink', url: a.getAttribute('data-href')! });
  }
});

/**
 * Syntax highlighting runs in a worker (off this thread). Its script is one of the extension's
 * own files: fetched, then started from a blob: URL (a worker must be same-origin).
 */
function startHighlighter(): void {
  const url = document.querySelector('meta[name="gemini-highlighter"]')?.getAttribute('content');
  if (!url) return;
  let worker: Worker | undefined;
  let next = 0;
  const waiting = new Map<number, (html: string | null) => void>();
  const giveUp = () => {
    for (const r of waiting.values()) r(null);
    waiting.clear();
  };
  const ready = fetch(url)
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((code) => {
      worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      worker.onmessage = (e: MessageEvent<{ id: number; html: unknown }>) => {
        waiting.get(e.data.id)?.(typeof e.data.html === 'string' ? e.data.html : null);
        waiting.delete(e.data.id);
      };
      worker.onerror = () => {
        console.warn('[gemini] the highlighter stopped; code shows without colours');
        worker = undefined;
        giveUp();
      };
    });
  ready.catch((e: unknown) => console.warn(`[gemini] highlighting unavailable: ${String(e)}`));
  setHighlighter((code, lang) =>
    ready.then(
      () =>
        new Promise<string | null>((resolve) => {
          if (!worker) return resolve(null);
          const id = ++next;
          waiting.set(id, resolve);
          worker.postMessage({ id, code, lang });
        }),
    ),
  );
}
startHighlighter();

// The first parse compiles the parser (and its link detector): done while idle, not in the first answer's frame.
requestIdleCallback(() => renderDocument(document.createElement('div'), WARM_UP), { timeout: 2000 });
const WARM_UP =
  '# a\n\nSome *text* with `code`, a [link](https://example.com) and www.example.com.\n\n- [ ] one\n- two\n\n1. x\n\n> q\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```ts\nx\n```\n\n[r]: https://example.com\n';

post({ type: 'ready' });
