/**
 * ChatSession through its dependencies seam, against the fake API: two sessions on one store with
 * their own leases stand for two windows on one conversation; a store whose folder cannot be
 * written stands for a full disk.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TurnEngine } from '../../src/core/conversation/engine';
import { ConversationStore, type TurnRecord } from '../../src/core/conversation/journal';
import { ChatSession, type ChatSettings, type SessionView } from '../../src/core/conversation/session';
import { Leases } from '../../src/core/lease';
import { WARM_TURNS } from '../../src/core/conversation/paging';
import { exportMarkdown } from '../../src/core/conversation/export';
import type { FakeApi } from '../fake-api/server';
import { text } from '../fake-api/scenario';
import { clientFor, useFake } from './helpers';

let fake: FakeApi;
useFake((f) => (fake = f));

const SETTINGS: ChatSettings = { model: 'gemini-3.5-flash', thinkingLevel: 'default', googleSearch: false, urlContext: false, codeExecution: false, mode: 'stateful', maxSteps: 5 };

class View implements SessionView {
  turns: string[] = [];
  ended: TurnRecord[] = [];
  notices: string[] = [];
  other: Array<string | undefined> = [];
  problems: Array<string | undefined> = [];
  loads = 0;
  conversationLoaded(): void {
    this.loads++;
  }
  turnStarted(t: TurnRecord): void {
    this.turns.push(t.id);
  }
  turnChanges(): void {}
  turnEnded(t: TurnRecord): void {
    this.ended.push(t);
  }
  notice(_t: string, text: string): void {
    this.notices.push(text);
  }
  busy(): void {}
  authRequired(): void {}
  otherWindow(s: 'sending' | 'took-over' | undefined): void {
    this.other.push(s);
  }
  storage(p: string | undefined): void {
    this.problems.push(p);
  }
}

let ids = 0;
function window(store: ConversationStore, leaseDir: string, owner: string, opts: { confirmUnsaved?: (why: string) => Promise<boolean> } = {}) {
  const view = new View();
  const session = new ChatSession({
    engine: (tools) => new TurnEngine(clientFor(fake).client, tools),
    store,
    view,
    settings: () => SETTINGS,
    tools: () => ({ declarations: [], runner: undefined }),
    newId: () => `id${++ids}${owner}`,
    lease: new Leases(leaseDir, owner, 15_000),
    confirmUnsaved: opts.confirmUnsaved,
  });
  return { session, view };
}

describe('two windows on one conversation', () => {
  test('only one sends at a time; a retry waits, then replaces only its turn, after the other window’s turn and chained from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-'));
    const store = new ConversationStore(join(dir, 'conversations'));
    const leases = join(dir, 'leases');
    const a = window(store, leases, 'A');
    const b = window(store, leases, 'B');
    fake.setScenario({ replies: [{ http: { status: 400, body: { error: { code: 400, message: 'refused for the test' } } } }] });
    const first = await a.session.send([{ type: 'text', text: 'first' }]);
    assert.equal(first?.state, 'error');
    assert.ok(b.session.open(a.session.conversationId!));
    // Window A answers slowly; window B tries to retry the failed turn meanwhile.
    fake.setScenario({ replies: [{ steps: [text('answer to second')], delayMs: 60 }, { steps: [text('answer to first')] }] });
    const running = a.session.send([{ type: 'text', text: 'second' }]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.session.otherSender(), 'A', 'B sees that A sends');
    assert.equal(await b.session.retry(first!.id), undefined, 'refused while A sends');
    assert.deepEqual(b.view.other, ['sending']);
    assert.equal(store.load(a.session.conversationId!)!.turns.length, 2, 'nothing was removed');
    const second = await running;
    assert.equal(second?.state, 'completed');
    assert.equal(b.session.otherSender(), undefined);
    const retried = await b.session.retry(first!.id);
    assert.equal(retried?.state, 'completed');
    const creates = fake.requests.filter((r) => r.method === 'POST');
    assert.equal((creates.at(-1)!.body as { previous_interaction_id?: string }).previous_interaction_id, second!.chainFrom, 'chained from A’s answer: no fork');
    assert.match(b.view.notices.join(' '), /Another window added 1 turn/);
    const onDisk = store.load(a.session.conversationId!)!;
    assert.deepEqual(
      onDisk.turns.map((t) => (t.input[0] as { text: string }).text),
      ['second', 'first'],
    );
    // Window A follows: it reads what B wrote.
    assert.equal(a.session.sync(), true);
    assert.equal(a.session.data!.turns.length, 2);
  });

  test('taking over: the window that sent lets its answer go, and the other resumes it from the last event (no second create)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'takeover-'));
    const store = new ConversationStore(join(dir, 'conversations'));
    const leases = join(dir, 'leases');
    const a = window(store, leases, 'A');
    const b = window(store, leases, 'B');
    fake.setScenario({ replies: [{ steps: [text('hello')] }] });
    await a.session.send([{ type: 'text', text: 'hi' }]);
    b.session.open(a.session.conversationId!);
    fake.setScenario({ replies: [{ steps: [text(Array.from({ length: 60 }, (_, k) => `word${k}`).join(' '))], delayMs: 80 }] });
    const running = a.session.send([{ type: 'text', text: 'long' }]);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(b.session.takeOver(), true);
    const yielded = await running;
    assert.equal(yielded?.state, 'interrupted', 'A left its answer resumable');
    assert.deepEqual(a.view.other.at(-1), 'took-over');
    const creates = fake.requests.filter((r) => r.method === 'POST').length;
    b.session.sync();
    const last = b.session.data!.turns.at(-1)!;
    assert.equal(last.state, 'interrupted');
    await b.session.resume(last.id);
    assert.equal(b.session.data!.turns.at(-1)!.state, 'completed');
    // The whole answer, in order: what A journaled before it let go, then the rest from the server.
    const shown = (b.session.data!.turns.at(-1)!.steps.find((st) => st.type === 'model_output') as { content: Array<{ text: string }> }).content[0]!.text;
    assert.equal(shown, Array.from({ length: 60 }, (_, k) => `word${k}`).join(' '));
    assert.equal(fake.requests.filter((r) => r.method === 'POST').length, creates, 'resumed, not created again');
  });
});

describe('a disk that cannot be written', () => {
  test('sending says so and lets the user choose; declined, nothing is sent and no turn is made; accepted, the answer comes and is held in memory', async () => {
    // A folder that cannot be made, whoever runs the test (root too): its parent is a file.
    const dir = mkdtempSync(join(tmpdir(), 'readonly-'));
    writeFileSync(join(dir, 'blocked'), '');
    const store = new ConversationStore(join(dir, 'blocked', 'conversations'));
    const asked: string[] = [];
    const w = window(store, join(tmpdir(), `l-${Date.now()}`), 'A', { confirmUnsaved: async (why) => (asked.push(why), false) });
    const r = await w.session.send([{ type: 'text', text: 'hello' }]);
    assert.equal(r, undefined);
    assert.equal(asked.length, 1);
    assert.equal(w.session.data, undefined, 'no invisible turn');
    assert.equal(fake.requests.length, 0);
    const yes = window(store, join(tmpdir(), `l-${Date.now()}-2`), 'B', { confirmUnsaved: async () => true });
    fake.setScenario({ replies: [{ steps: [text('kept in memory')] }] });
    const sent = await yes.session.send([{ type: 'text', text: 'hello' }]);
    assert.equal(sent?.state, 'completed');
    assert.match(JSON.stringify(sent?.steps), /kept in memory/);
    assert.equal(typeof yes.view.problems[0], 'string', 'told what is not saved');
  });
});

describe('a long conversation', () => {
  test('older finished turns live on disk only; what is asked of them is what was answered, in the page, the export and the chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paged-'));
    const store = new ConversationStore(join(dir, 'conversations'));
    const w = window(store, join(dir, 'leases'), 'P');
    const N = WARM_TURNS + 4;
    fake.setScenario({ replies: Array.from({ length: N }, (_, k) => ({ steps: [text(`answer ${k}`)] })) });
    for (let k = 0; k < N; k++) assert.equal((await w.session.send([{ type: 'text', text: `question ${k}` }]))?.state, 'completed');
    const data = w.session.data!;
    const whole = store.load(data.meta.id)!;
    const paged = (t: TurnRecord) => typeof Object.getOwnPropertyDescriptor(t, 'steps')?.get === 'function';
    assert.deepEqual(
      data.turns.map(paged),
      data.turns.map((_, k) => k < N - WARM_TURNS),
      'the newest turns stay in memory, the older ones are paged',
    );
    // Read back, each is what the journal holds and what was answered.
    assert.deepEqual(JSON.parse(JSON.stringify(data.turns)), JSON.parse(JSON.stringify(whole.turns)));
    assert.match(JSON.stringify(data.turns[0]!.steps), /answer 0/);
    assert.deepEqual(data.turns[1]!.input, [{ type: 'text', text: 'question 1' }]);
    assert.equal(exportMarkdown(data), exportMarkdown(whole));
    // The next message still chains from the newest turn.
    fake.setScenario({ replies: [{ steps: [text('one more')] }] });
    await w.session.send([{ type: 'text', text: 'again' }]);
    const body = fake.creates().at(-1)!.body as { previous_interaction_id?: string };
    assert.equal(body.previous_interaction_id, whole.turns.at(-1)!.chainFrom);
    // Reopened, the same: paged after loading.
    const r = window(store, join(dir, 'leases2'), 'R');
    assert.ok(r.session.open(data.meta.id));
    assert.equal(r.session.data!.turns.filter(paged).length, N + 1 - WARM_TURNS);
    assert.match(JSON.stringify(r.session.data!.turns[2]!.steps), /answer 2/);
  });

  test('a stateless conversation keeps every turn in memory (its history goes with each message)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unpaged-'));
    const store = new ConversationStore(join(dir, 'conversations'));
    const view = new View();
    const session = new ChatSession({
      engine: (tools) => new TurnEngine(clientFor(fake).client, tools),
      store,
      view,
      settings: () => ({ ...SETTINGS, mode: 'stateless' }),
      tools: () => ({ declarations: [], runner: undefined }),
      newId: () => `id${++ids}S`,
    });
    const N = WARM_TURNS + 2;
    fake.setScenario({ replies: Array.from({ length: N }, (_, k) => ({ steps: [text(`answer ${k}`)] })) });
    for (let k = 0; k < N; k++) await session.send([{ type: 'text', text: `question ${k}` }]);
    assert.ok(session.data!.turns.every((t) => Object.getOwnPropertyDescriptor(t, 'steps')?.get === undefined));
  });
});
