/**
 * Deep Research: the report's Markdown (citations as numbered links, sources listed), the file
 * name, the request settings, and the fake's deep-research agent (collaborative planning, a
 * plan chained to its run, progress while it runs, the request checks) with its saved agents.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeApi } from '../fake-api/server';
import { TurnEngine } from '../../src/core/conversation/engine';
import { reportFileName, researchReportMarkdown, researchTurnSettings, hasReport } from '../../src/core/research';
import type { Step } from '../../src/core/protocol/types';
import { clientFor, KEY, useFake } from './helpers';

/** Responses of the fake, read loosely (their shape is what the assertions check). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON
type J = any;

const utf8Len = (s: string) => Buffer.byteLength(s, 'utf8');

describe('the report', () => {
  test('each cited passage gets a numbered link after it (UTF-8 offsets), one source listed once', () => {
    const text = 'Zürich grew. Bern is calm. Basel too.';
    const a = utf8Len('Zürich grew.');
    const b = utf8Len('Zürich grew. Bern is calm.');
    const steps: Step[] = [
      { type: 'thought', summary: [{ type: 'text', text: 'Searching.' }] } as Step,
      {
        type: 'model_output',
        content: [
          {
            type: 'text',
            text,
            annotations: [
              { type: 'url_citation', url: 'https://a.example/z', title: 'Z [city] page', start_index: 0, end_index: a },
              { type: 'url_citation', url: 'https://b.example/(b)', title: 'B', start_index: a, end_index: b },
              { type: 'url_citation', url: 'https://a.example/z', title: 'Z again', start_index: b, end_index: utf8Len(text) },
              { type: 'url_citation', url: 'javascript:alert(1)', title: 'bad', start_index: 0, end_index: 3 },
            ],
          },
        ],
      } as Step,
    ];
    assert.equal(hasReport(steps), true);
    const md = researchReportMarkdown('What about   Swiss cities?', steps, new Date('2026-12-02T10:00:00Z'));
    assert.match(md, /> \*\*Question:\*\* What about Swiss cities\?/);
    assert.ok(md.includes('Zürich grew.[[1]](https://a.example/z) Bern is calm.[[2]](https://b.example/%28b%29) Basel too.[[1]](https://a.example/z)'), md);
    assert.ok(md.includes('## Sources\n\n1. [Z \\[city\\] page](https://a.example/z)\n2. [B](https://b.example/%28b%29)\n'), md);
    assert.ok(!md.includes('javascript:'), 'only http(s) sources become links');
  });

  test('no model text: nothing to save; the file name is dated and safe', () => {
    assert.equal(hasReport([{ type: 'thought', summary: [] } as unknown as Step]), false);
    assert.equal(reportFileName('Wie schnell ist WebAssembly? / Ünïcode & "quotes"', new Date('2026-12-02T23:59:00Z')), '2026-12-02-wie-schnell-ist-webassembly-unicode-quotes.md');
    assert.equal(reportFileName('  ???  ', new Date('2026-01-05T00:00:00Z')), '2026-01-05-research.md');
  });

  test('a research turn: the agent with collaborative planning for a plan, without it for the run; background; no generation config', () => {
    const plan = researchTurnSettings('plan', { agent: 'deep-research-preview-04-2026', visualization: 'off' });
    const req = new TurnEngine(undefined as never, undefined).buildRequest(plan, [{ type: 'text', text: 'q' }], {});
    assert.deepEqual(req, {
      agent: 'deep-research-preview-04-2026',
      agent_config: { type: 'deep-research', collaborative_planning: true, thinking_summaries: 'auto', visualization: 'off' },
      input: [{ type: 'text', text: 'q' }],
      background: true,
    });
    const run = researchTurnSettings('run', { agent: 'deep-research-max-preview-04-2026', visualization: 'auto' });
    assert.equal(run.agentConfig && 'collaborative_planning' in run.agentConfig && run.agentConfig.collaborative_planning, false);
  });
});

describe('the fake deep-research agent', () => {
  let fake!: FakeApi;
  useFake((f) => (fake = f));
  const post = async (path: string, body: unknown, method = 'POST') => {
    const r = await fetch(`${fake.url}/v1beta/${path}`, {
      method,
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, J> };
  };
  const waitDone = async (id: string) => {
    for (let k = 0; k < 200; k++) {
      const r = await fetch(`${fake.url}/v1beta/interactions/${id}`, { headers: { 'x-goog-api-key': KEY } });
      const j = (await r.json()) as Record<string, J>;
      if (j.status !== 'in_progress') return j;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('never finished');
  };
  const textOf = (i: Record<string, J>) =>
    (i.steps as J[])
      .filter((s) => s.type === 'model_output')
      .flatMap((s) => s.content)
      .map((c: J) => c.text)
      .join('');

  test('refuses what the agent refuses: foreground, stateless, generation_config, another agent_config, a bad flag', async () => {
    const base = { agent: 'deep-research-preview-04-2026', input: 'q', background: true };
    assert.match((await post('interactions', { ...base, background: false })).body.error.message, /background/);
    assert.match((await post('interactions', { ...base, store: false })).body.error.message, /store/);
    assert.match((await post('interactions', { ...base, generation_config: {} })).body.error.message, /generation_config/);
    assert.match((await post('interactions', { ...base, agent_config: { type: 'antigravity' } })).body.error.message, /deep-research/);
    assert.match((await post('interactions', { ...base, agent_config: { type: 'deep-research', visualization: 'yes' } })).body.error.message, /visualization/);
    assert.equal((await post('interactions', { ...base, agent: 'deep-research-nope' })).status, 400);
  });

  test('plan (collaborative_planning), an edit of it, then the run chained to it: progress, searches, a cited report', async () => {
    fake.researchDurationMs = 400;
    const cfg = (cp: boolean) => ({ type: 'deep-research' as const, collaborative_planning: cp, thinking_summaries: 'auto' as const });
    const p1 = await post('interactions', { agent: 'deep-research-preview-04-2026', input: [{ type: 'text', text: 'TPU history' }], background: true, agent_config: cfg(true) });
    assert.equal(p1.status, 200);
    assert.equal(p1.body.status, 'in_progress');
    const plan = await waitDone(p1.body.id);
    assert.equal(plan.status, 'completed');
    assert.match(textOf(plan), /^Research plan for “TPU history”:/);
    const p2 = await post('interactions', {
      agent: 'deep-research-preview-04-2026',
      input: 'also cover v5',
      background: true,
      agent_config: cfg(true),
      previous_interaction_id: plan.id,
    });
    const revised = await waitDone(p2.body.id);
    assert.match(textOf(revised), /Revised research plan for “TPU history”[\s\S]*also cover v5/);
    // The run, streamed: thought summaries arrive while it runs, the report at the end.
    const { client } = clientFor(fake);
    const t0 = Date.now();
    const events: Array<{ at: number; type: string; delta?: J }> = [];
    for await (const ev of client.stream({
      agent: 'deep-research-preview-04-2026',
      input: 'go ahead',
      background: true,
      agent_config: cfg(false),
      previous_interaction_id: revised.id,
    }))
      events.push({ at: Date.now() - t0, type: ev.event_type, delta: (ev as J).delta });
    const thoughts = events.filter((e) => e.delta?.type === 'thought_summary');
    assert.ok(thoughts.length >= 4, `progress summaries: ${thoughts.length}`);
    assert.ok(thoughts[0]!.at < events[events.length - 1]!.at - 150, 'progress arrives before the end');
    const runId = fake.creates().at(-1)!;
    assert.equal((runId.body as J).previous_interaction_id, revised.id);
    const done = [...fake.interactions.values()].at(-1)!;
    const final = await waitDone(done.id);
    const out = (final.steps as J[]).find((s) => s.type === 'model_output');
    assert.match(out.content[0].text, /^# Research report: TPU history[\s\S]*follows the confirmed plan/);
    assert.equal(out.content[0].annotations.length, 3);
    assert.ok((final.steps as J[]).some((s) => s.type === 'google_search_call'));
  });

  test('through the turn engine: a plan turn ends with the plan text in its steps, a run with the cited report', async () => {
    fake.researchDurationMs = 200;
    const { client } = clientFor(fake);
    const engine = new TurnEngine(client, undefined);
    const o = { agent: 'deep-research-preview-04-2026', visualization: 'auto' as const };
    const plan = await engine.runTurn([{ type: 'text', text: 'TPUs' }], researchTurnSettings('plan', o), {}, {}, new AbortController().signal);
    assert.equal(plan.status, 'completed');
    assert.match(JSON.stringify(plan.steps.filter((s) => s.type === 'model_output')), /Research plan for “TPUs”/);
    const run = await engine.runTurn(
      [{ type: 'text', text: 'go' }],
      researchTurnSettings('run', o),
      { previousInteractionId: plan.chainFrom ?? plan.interactionId },
      {},
      new AbortController().signal,
    );
    assert.equal(run.status, 'completed');
    const out = run.steps.find((s) => s.type === 'model_output') as { content: Array<{ text: string; annotations?: unknown[] }> } | undefined;
    assert.match(out?.content[0]?.text ?? '', /Research report: TPUs/);
    assert.equal(out?.content[0]?.annotations?.length, 3);
  });

  test('cancel stops a running research', async () => {
    fake.researchDurationMs = 5000;
    const r = await post('interactions', { agent: 'deep-research-max-preview-04-2026', input: 'slow', background: true });
    const c = await post(`interactions/${r.body.id}/cancel`, undefined);
    assert.equal(c.body.status, 'cancelled');
    assert.equal((await waitDone(r.body.id)).status, 'cancelled');
  });
});

describe('the fake saved agents (§11.1)', () => {
  let fake!: FakeApi;
  useFake((f) => (fake = f));
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${fake.url}/v1beta/${path}`, {
      method,
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, J> };
  };

  test('create validates each field (google.rpc.BadRequest field violations), refuses a duplicate, get and delete', async () => {
    const bad = await call('POST', 'agents', {
      id: 'Bad Id',
      base_agent: 'nope',
      tools: [{ type: 'google_search' }, { type: 'file_search' }, { type: 'mcp_server', url: 'http://x' }],
      base_environment: { type: 'remote', env: { '1X': 'a' }, network: { allowlist: [{ domain: 'not a domain' }] } },
      agent_config: { type: 'deep-research' },
    });
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details[0].fieldViolations.map((v: J) => v.field);
    assert.deepEqual(fields, ['id', 'base_agent', 'tools[1].type', 'tools[2].url', 'base_environment.env.1X', 'base_environment.network.allowlist[0].domain', 'agent_config.type']);
    const good = {
      id: 'doc-writer',
      base_agent: 'antigravity-preview-05-2026',
      description: 'Writes docs',
      system_instruction: 'Write clear docs.',
      tools: [{ type: 'code_execution' }, { type: 'url_context' }],
      base_environment: { type: 'remote', env: { MODE: 'docs', TOKEN: { credential: 'cred-1' } }, network: { allowlist: [{ domain: '*.example.com' }] } },
    };
    assert.deepEqual((await call('POST', 'agents', good)).body, good);
    assert.equal((await call('POST', 'agents', good)).status, 409);
    assert.deepEqual((await call('GET', 'agents/doc-writer')).body, good);
    assert.ok((await call('GET', 'agents')).body.agents.some((a: J) => a.id === 'doc-writer'));
    assert.equal((await call('DELETE', 'agents/doc-writer')).status, 200);
    assert.equal((await call('GET', 'agents/doc-writer')).status, 404);
    assert.equal((await call('DELETE', 'agents/antigravity-preview-05-2026')).status, 404, 'a built-in agent cannot be deleted');
  });
});
