/**
 * The router's guarantee reaches the validators: every kind of message, in both directions, has
 * a sample here (a mapped type: a kind without one fails the typecheck) that its validator
 * accepts unchanged, and a damaged copy it refuses. The step registry has a view, an export, a
 * participant line and a fake stream for each kind (tables the compiler checks; see
 * test/types/traps.ts for the traps themselves).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_VALIDATORS, WEBVIEW_VALIDATORS, parseHostMessage, parseWebviewMessage, type HostMessage, type PanelState, type WebviewMessage } from '../../src/shared/protocol';
import { STEP_KINDS, STEP_KIND_NAMES, deltaApplies, isStepKind } from '../../src/shared/stepKinds';
import { KNOWN_STEP_TYPES } from '../../src/core/protocol/types';

type OfW<K extends WebviewMessage['type']> = Extract<WebviewMessage, { type: K }>;
type OfH<K extends HostMessage['type']> = Extract<HostMessage, { type: K }>;

const WEBVIEW_SAMPLES: { [K in WebviewMessage['type']]: OfW<K>[] } = {
  ready: [{ type: 'ready' }],
  send: [
    { type: 'send', text: 'hi' },
    { type: 'send', text: 'later', background: true },
  ],
  stop: [{ type: 'stop' }],
  retry: [{ type: 'retry' }, { type: 'retry', turnId: 't1' }],
  editLast: [
    { type: 'editLast', text: 'x' },
    { type: 'editLast', text: 'x', turnId: 't1' },
  ],
  newChat: [{ type: 'newChat' }],
  setModel: [{ type: 'setModel', model: 'gemini-4-neon' }],
  setThinking: [{ type: 'setThinking', level: 'xhigh' }],
  setToggle: [{ type: 'setToggle', name: 'googleSearch', value: true }],
  setMode: [{ type: 'setMode', mode: 'stateless' }],
  setPlan: [{ type: 'setPlan', value: false }],
  planAction: [{ type: 'planAction', turnId: 't1', action: 'start' }],
  setResearch: [{ type: 'setResearch', value: true }],
  researchAction: [{ type: 'researchAction', turnId: 't1', action: 'save' }],
  setGeneration: [{ type: 'setGeneration', generation: { temperature: 0.3, seed: 7 } }],
  draft: [{ type: 'draft', text: 'half a thought' }],
  attach: [{ type: 'attach', kind: 'url' }],
  attachData: [{ type: 'attachData', name: 'a.png', mimeType: 'image/png', data: 'iVBORw0KGgo=' }],
  removeAttachment: [{ type: 'removeAttachment', id: 'a1' }],
  previewAttachment: [{ type: 'previewAttachment', id: 'a1' }],
  attachmentOptions: [{ type: 'attachmentOptions', id: 'a1', options: { pages: '2-3', pageLayers: ['page_text'] } }],
  setKey: [{ type: 'setKey' }],
  codeAction: [{ type: 'codeAction', action: 'copy', code: 'x', language: 'ts' }],
  openLink: [{ type: 'openLink', url: 'https://example.com' }],
  image: [{ type: 'image', action: 'save', turnId: 't1', step: 2, content: 0 }],
  approval: [{ type: 'approval', requestId: 'r1', decision: 'acceptAll' }],
  undoTurn: [{ type: 'undoTurn', turnId: 't1' }],
  runRemote: [{ type: 'runRemote', text: 'fix it' }],
  showHistory: [{ type: 'showHistory' }],
  chooseTools: [{ type: 'chooseTools' }],
  openInstruction: [{ type: 'openInstruction', turnId: 't1', file: 'AGENTS.md' }],
  openSkill: [{ type: 'openSkill', turnId: 't1', skill: '.github/skills/x/SKILL.md' }],
  queue: [{ type: 'queue', text: 'next' }],
  mentionQuery: [{ type: 'mentionQuery', kind: 'file', query: 'src', seq: 3 }],
  queueAction: [{ type: 'queueAction', id: 'q1', action: 'steer' }],
  resume: [{ type: 'resume', turnId: 't1' }],
  resendLocal: [{ type: 'resendLocal', turnId: 't1' }],
  runAction: [{ type: 'runAction', action: 'review' }],
};

const PANEL: PanelState = {
  hasKey: true,
  toolsEnabled: true,
  busy: false,
  settings: { models: ['gemini-4-neon'], model: 'gemini-4-neon', thinkingLevel: 'default', googleSearch: false, urlContext: false, codeExecution: false, mode: 'stateful' },
};
const TURN = { id: 't1', input: [{ type: 'text', text: 'hi' }], steps: [], state: 'completed', notices: [], model: 'gemini-4-neon' };

const HOST_SAMPLES: { [K in HostMessage['type']]: OfH<K>[] } = {
  init: [{ type: 'init', state: PANEL, conversation: { id: 'c0', title: 'New chat', mode: 'stateful', turns: [TURN] }, draft: '', attachments: [] }],
  state: [{ type: 'state', state: PANEL }],
  conversation: [{ type: 'conversation', conversation: { id: 'c1', title: 'x', mode: 'stateless', turns: [] } }],
  turnStart: [{ type: 'turnStart', turn: TURN }],
  turnChanges: [
    {
      type: 'turnChanges',
      turnId: 't1',
      changes: [
        { k: 'add', s: 0, step: { type: 'model_output' } },
        { k: 'text', s: 0, c: 0, t: 'Hi' },
      ],
    },
  ],
  turnEnd: [{ type: 'turnEnd', turnId: 't1', state: 'completed', usage: { input: 3, output: 4 } }],
  notice: [{ type: 'notice', turnId: 't1', text: 'Retrying', kind: 'retry' }],
  turnState: [{ type: 'turnState', turnId: 't1', state: 'streaming' }],
  tool: [{ type: 'tool', turnId: 't1', activity: { callId: 'c1', name: 'read_file', status: 'done' } }],
  toolOutput: [{ type: 'toolOutput', turnId: 't1', callId: 'c1', text: 'ok\n' }],
  instructions: [{ type: 'instructions', turnId: 't1', files: ['AGENTS.md'] }],
  skills: [{ type: 'skills', turnId: 't1', skills: ['.github/skills/x/SKILL.md'] }],
  linkDraft: [{ type: 'linkDraft', text: 'Explain', notice: 'From a link', previous: 'mine' }],
  queue: [{ type: 'queue', items: [{ id: 'q1', text: 'next', steer: true }] }],
  mentionCandidates: [{ type: 'mentionCandidates', seq: 1, items: [{ kind: 'file', value: 'src/a.ts', label: 'a.ts', detail: 'src' }] }],
  draft: [{ type: 'draft', text: 'x', append: true }],
  attachments: [{ type: 'attachments', attachments: [{ id: 'a1', name: 'r.pdf', mimeType: 'application/pdf', size: 10, kind: 'document', media: 'paginated', pages: 3 }] }],
  attachmentOptionsResult: [
    { type: 'attachmentOptionsResult', id: 'a1', error: 'too far' },
    { type: 'attachmentOptionsResult', id: 'a1' },
  ],
  focus: [{ type: 'focus' }],
  toast: [{ type: 'toast', text: 'Saved', kind: 'info' }],
  announce: [{ type: 'announce', text: 'Gemini: “Fix the build” waits for your approval.' }],
};

/** A copy with one field made wrong: the first non-type field turned into an object the validators never take. */
function damaged(m: Record<string, unknown>): Record<string, unknown> | undefined {
  const key = Object.keys(m).find((k) => k !== 'type');
  return key ? { ...m, [key]: Symbol.for('not json') } : undefined;
}

test('every webview → host kind has a validator that accepts its sample unchanged and refuses a damaged copy', () => {
  assert.deepEqual(Object.keys(WEBVIEW_SAMPLES).sort(), Object.keys(WEBVIEW_VALIDATORS).sort());
  for (const [kind, samples] of Object.entries(WEBVIEW_SAMPLES)) {
    for (const m of samples) {
      assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), m, kind);
      const bad = damaged(m as Record<string, unknown>);
      if (bad) assert.equal(parseWebviewMessage(bad), undefined, `${kind} with a damaged field`);
    }
  }
  assert.equal(parseWebviewMessage({ type: 'toString' }), undefined, 'no kind from the prototype');
  assert.equal(parseWebviewMessage({ type: 'nope' }), undefined);
});

test('every host → webview kind has a validator that accepts its sample and refuses a damaged copy', () => {
  assert.deepEqual(Object.keys(HOST_SAMPLES).sort(), Object.keys(HOST_VALIDATORS).sort());
  for (const [kind, samples] of Object.entries(HOST_SAMPLES)) {
    for (const m of samples) {
      assert.deepEqual(parseHostMessage(JSON.parse(JSON.stringify(m))), m, kind);
      const bad = damaged(m as Record<string, unknown>);
      if (bad && kind !== 'linkDraft' && kind !== 'attachmentOptionsResult') assert.equal(parseHostMessage(bad), undefined, `${kind} with a damaged field`);
    }
  }
  assert.equal(parseHostMessage({ type: '__proto__' }), undefined);
});

test('one registry of step kinds: the same kinds as the wire types, each with its deltas', () => {
  assert.deepEqual([...KNOWN_STEP_TYPES].sort(), [...STEP_KIND_NAMES].sort());
  for (const k of STEP_KIND_NAMES) {
    const info = STEP_KINDS[k];
    if ('pair' in info) assert.ok(isStepKind(info.pair), `${k} pairs with a known kind`);
  }
  assert.ok(deltaApplies('model_output', 'text'));
  assert.ok(deltaApplies('tool_search_result', 'tool_search_result'));
  assert.equal(deltaApplies('thought', 'text'), false);
  assert.equal(deltaApplies('no_such_kind', 'text'), false);
  assert.equal(isStepKind('hasOwnProperty'), false);
});
