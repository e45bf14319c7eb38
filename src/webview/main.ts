/**
 * The chat webview's entry: the only module that does anything when loaded. It makes the page
 * state, the log, the composer and its parts, and the typed table that dispatches each host
 * message (validated, coalesced per animation frame) to them.
 */
import { initL10n } from './l10nInit';
import { l10n } from '../shared/l10n';
import type { PanelState } from '../shared/protocol';
import { isOneOf, THINKING_LEVELS } from '../shared/vocab';
import { AttachmentsView, wireAttachMenu, wireFileDrops } from './composer/attachments';
import { Composer } from './composer/composer';
import { LinkNotice } from './composer/linkNotice';
import { setupMentions, type Mentions } from './composer/mentions';
import { OptionsPanel } from './composer/options';
import { QueueView } from './composer/queue';
import { renderRun } from './composer/runHeader';
import { SendMode } from './composer/sendMode';
import { Toast } from './composer/toast';
import { FrameDispatcher, type HostHandlers } from './dispatch';
import { startHighlighter, warmUpWhenIdle } from './highlighter';
import { shareCodeToolbar } from './log/codeToolbar';
import { delegateLogClicks } from './log/delegation';
import { LogView } from './log/log';
import { $, createPage, type VsCodeApi } from './page';

declare function acquireVsCodeApi(): VsCodeApi;

initL10n();
const page = createPage(acquireVsCodeApi());
const { state, post } = page;

const input = $('input') as HTMLTextAreaElement;
const empty = $('empty');
const toast = new Toast($('toast'));
const attachments = new AttachmentsView($('attachments'), $('attach-options'), post);
const queue = new QueueView($('queue'), post);
const sendMode = new SendMode(post, () => state.panel);
const options = new OptionsPanel(post, () => state.panel);
const mentions: Mentions = setupMentions(input, $('mention-menu'), $('mention-chips'), post, () => !document.body.classList.contains('run-mode'));
const log = new LogView($('log'), post, {
  busy: () => state.panel?.busy === true,
  edit: (t) => composer.startEdit(t),
  more: (t) => dispatcher.more(t),
  focusInput: () => input.focus(),
});
const linkNotice = new LinkNotice($('link-notice'), (text) => composer.setDraft(text, { toHost: true }));
const composer: Composer = new Composer(page, input, $('edit-hint'), { log, toast, mentions: () => mentions, linkNotice, sendMode });
mentions.refresh();

/** The host's panel state into every part that shows some of it. */
function applyState(s: PanelState): void {
  const wasBusy = state.panel?.busy;
  state.panel = s;
  document.body.classList.toggle('run-mode', s.kind === 'run');
  renderRun($('run-header'), s, post, input, (runId) => {
    if (runId === state.runId) return;
    state.runId = runId;
    page.saveDraft(input.value);
  });
  $('key-screen').hidden = s.hasKey;
  $('key-message').textContent = s.keyMessage ?? l10n.t('Add your Gemini API key to start chatting. It is stored in VS Code’s secret storage.');
  log.el.hidden = !s.hasKey;
  const banner = $('banner');
  banner.hidden = s.toolsEnabled || !s.toolsDisabledReason;
  banner.textContent = s.toolsDisabledReason ?? '';
  const send = $('send') as HTMLButtonElement;
  send.hidden = s.busy;
  send.disabled = !s.hasKey;
  $('stop').hidden = !s.busy;
  const modelSel = $('model') as HTMLSelectElement;
  const models = s.settings.models.includes(s.settings.model) ? s.settings.models : [s.settings.model, ...s.settings.models];
  if (modelSel.options.length !== models.length || [...modelSel.options].some((o, k) => o.value !== models[k])) {
    modelSel.textContent = '';
    for (const m of models) modelSel.appendChild(new Option(m, m));
  }
  modelSel.value = s.settings.model;
  ($('thinking') as HTMLSelectElement).value = s.settings.thinkingLevel;
  options.apply(s);
  sendMode.apply(s);
  const picked = s.externalTools ?? 0;
  const count = $('tools-count');
  count.hidden = picked === 0;
  count.textContent = String(picked);
  $('tools').setAttribute('aria-label', picked ? l10n.t('Choose tools ({0} picked)', picked) : l10n.t('Choose tools'));
  if (wasBusy !== s.busy) {
    log.refreshLastTurnControls();
    if (state.queue.length) queue.render(state.queue, s.busy);
  }
}

const handlers: HostHandlers = {
  init: (m) => {
    applyState(m.state);
    log.load(m.conversation);
    empty.hidden = m.conversation.turns.length > 0;
    if (!input.value && m.draft) input.value = m.draft;
    composer.autosize();
    state.attachments = m.attachments;
    attachments.render(m.attachments);
    if (m.tab && m.tab !== state.tab) {
      state.tab = m.tab;
      document.body.dataset.tab = m.tab;
      page.saveDraft(input.value);
    }
    document.body.dataset.ready = 'true';
  },
  state: (m) => applyState(m.state),
  conversation: (m) => {
    log.load(m.conversation);
    empty.hidden = m.conversation.turns.length > 0;
  },
  turnStart: (m, touched) => {
    empty.hidden = true;
    const t = log.add(m.turn, true);
    log.refreshLastTurnControls();
    touched.add(t);
    log.follow.toBottom();
  },
  turnChanges: (m, touched) => {
    const t = log.byId.get(m.turnId);
    if (!t) return;
    t.apply(m.changes);
    touched.add(t);
  },
  turnEnd: (m) => {
    const t = log.byId.get(m.turnId);
    t?.end(m.state, m.error, m.usage, m.undo);
    if (m.error && t) document.body.dataset.lastError = m.error.kind;
  },
  notice: (m) => log.byId.get(m.turnId)?.notice(m.text),
  turnState: (m) => log.byId.get(m.turnId)?.setState(m.state),
  tool: (m) => log.byId.get(m.turnId)?.tool(m.activity),
  toolOutput: (m) => log.byId.get(m.turnId)?.toolOutput(m.callId, m.text),
  instructions: (m) => log.byId.get(m.turnId)?.setInstructions(m.files),
  skills: (m) => log.byId.get(m.turnId)?.setSkills(m.skills),
  queue: (m) => {
    state.queue = m.items;
    queue.render(m.items, state.panel?.busy === true);
  },
  mentionCandidates: (m) => mentions.candidates(m.seq, m.items),
  draft: (m) => composer.setDraft(m.text, { append: m.append }),
  attachments: (m) => {
    state.attachments = m.attachments;
    attachments.render(m.attachments);
  },
  linkDraft: (m) => {
    composer.setDraft(m.text, { toHost: true });
    linkNotice.show(m.notice, m.previous);
  },
  attachmentOptionsResult: (m) => attachments.options.result(m.id, m.error),
  focus: () => input.focus(),
  toast: (m) => toast.show(m.text, m.kind),
  announce: (m) => {
    // Emptied first, so the same words said twice are announced twice.
    const el = $('announce');
    el.textContent = '';
    requestAnimationFrame(() => (el.textContent = m.text));
  },
};
const dispatcher = new FrameDispatcher(handlers);
window.addEventListener('message', (e: MessageEvent) => dispatcher.receive(e.data));

$('send').addEventListener('click', () => composer.send());
$('stop').addEventListener('click', () => post({ type: 'stop' }));
$('cancel-edit').addEventListener('click', () => composer.cancelEdit());
$('set-key').addEventListener('click', () => post({ type: 'setKey' }));
$('new-chat').addEventListener('click', () => post({ type: 'newChat' }));
$('history').addEventListener('click', () => post({ type: 'showHistory' }));
$('tools').addEventListener('click', () => post({ type: 'chooseTools' }));
$('model').addEventListener('change', () => post({ type: 'setModel', model: ($('model') as HTMLSelectElement).value }));
$('thinking').addEventListener('change', () => {
  const level = ($('thinking') as HTMLSelectElement).value;
  if (isOneOf(THINKING_LEVELS, level)) post({ type: 'setThinking', level });
});
wireAttachMenu($('attach'), $('attach-menu'), post);
wireFileDrops($('composer'), input, post);
delegateLogClicks(log.el, post);
shareCodeToolbar(log.el);
startHighlighter();
warmUpWhenIdle();

post({ type: 'ready' });
