/**
 * Tool Retrieval (§3.4.2): which tools are deferred, the search of client execution in both
 * readings, the fake's server-side search, and a search result naming a tool we never offered.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnEngine, type TurnSettings } from '../../src/core/conversation/engine';
import type { FunctionTool, Step } from '../../src/core/protocol/types';
import { CLIENT_SEARCH_NAME, planToolRetrieval, searchDeferred, shortDescription } from '../../src/core/tools/toolRetrieval';
import { clientToolSearch, toolDeclarations } from '../../src/core/tools/registry';
import type { ToolDefinition } from '../../src/core/tools/types';
import { WorkspaceToolRunner } from '../../src/core/tools/registry';
import type { FakeApi } from '../fake-api/server';
import { functionCallReply, textReply } from '../fake-api/library';
import { clientFor, useFake } from './helpers';
import { sandbox } from './tool-fakes';

let fake: FakeApi;
useFake((f) => (fake = f), { estimateUsage: true });

const VERBS = ['list', 'create', 'delete', 'update', 'search'];
const NOUNS = ['issues', 'pull_requests', 'branches', 'releases', 'labels', 'milestones', 'comments', 'reviews', 'workflows'];

/** `n` tools of another provider (an MCP server, say), each with a long schema like real ones. */
function externalTools(n: number, ran: string[] = []): Array<ToolDefinition<never>> {
  const out: Array<ToolDefinition<never>> = [];
  for (let k = 0; out.length < n; k++) {
    const name = `gh_${VERBS[k % VERBS.length]}_${NOUNS[Math.floor(k / VERBS.length) % NOUNS.length]}${k >= 45 ? `_${k}` : ''}`;
    out.push({
      name,
      kind: 'external',
      openArguments: true,
      description: `${VERBS[k % VERBS.length]} ${NOUNS[Math.floor(k / VERBS.length) % NOUNS.length]!.replace('_', ' ')} of a GitHub repository. Use it when the user asks about the repository's ${NOUNS[Math.floor(k / VERBS.length) % NOUNS.length]}; it returns JSON.`,
      parameters: {
        type: 'object',
        properties: {
          owner: { type: 'string', description: 'Repository owner (user or organization).' },
          repo: { type: 'string', description: 'Repository name.' },
          page: { type: 'integer', description: 'Page number, from 1.' },
          per_page: { type: 'integer', description: 'Results per page, at most 100.' },
        },
      },
      run: async (args: never) => {
        ran.push(name);
        return { text: `${name} ran with ${JSON.stringify(args)}` };
      },
    });
  }
  return out;
}

const ours: FunctionTool[] = [{ type: 'function', name: 'read_file', description: 'Read a file.', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];

describe('which tools are deferred', () => {
  test('at or under the threshold nothing is deferred; over it, the others are, with a short description, and tool_search is added', () => {
    const others = toolDeclarations(externalTools(20));
    const under = planToolRetrieval(ours, others, [], { mode: 'server', threshold: 21 });
    assert.equal(under.active, false);
    assert.ok(under.declarations.every((d) => d.defer_loading === undefined));
    assert.deepEqual(under.serverTools, []);
    const over = planToolRetrieval(ours, others, [], { mode: 'server', threshold: 20 });
    assert.equal(over.active, true);
    assert.equal(over.declarations[0]!.defer_loading, undefined, 'our own tools stay loaded');
    for (const d of over.declarations.slice(1)) {
      assert.equal(d.defer_loading, true);
      assert.ok(d.short_description && d.short_description.length <= 120 && d.description, 'deferred tools keep their full declaration and a short one');
    }
    assert.deepEqual(over.serverTools, [{ type: 'tool_search', execution: 'server' }]);
    assert.equal(over.deferred.length, 20);
  });

  test('off never defers; our own tools alone are never deferred', () => {
    const others = toolDeclarations(externalTools(50));
    assert.equal(planToolRetrieval(ours, others, [], { mode: 'off', threshold: 0 }).active, false);
    const many = Array.from({ length: 60 }, (_, k): FunctionTool => ({ type: 'function', name: `t${k}`, description: 'x', parameters: { type: 'object' } }));
    assert.equal(planToolRetrieval(many, [], [], { mode: 'server', threshold: 10 }).active, false);
  });

  test('remote MCP servers count toward the threshold and are deferred too', () => {
    const remote = [{ type: 'mcp_server' as const, name: 'docs', url: 'https://mcp.example/docs' }];
    const plan = planToolRetrieval(ours, toolDeclarations(externalTools(5)), remote, { mode: 'server', threshold: 5 });
    assert.equal(plan.active, true);
    assert.deepEqual(plan.serverTools[1], { type: 'mcp_server', name: 'docs', url: 'https://mcp.example/docs', defer_loading: true });
  });

  test('client execution declares a named search function with parameters', () => {
    const plan = planToolRetrieval(ours, toolDeclarations(externalTools(30)), [], { mode: 'client', threshold: 10 });
    const search = plan.serverTools[0] as { type: string; execution: string; name: string; parameters: unknown };
    assert.equal(search.type, 'tool_search');
    assert.equal(search.execution, 'client');
    assert.equal(search.name, CLIENT_SEARCH_NAME);
    assert.ok(search.parameters);
  });

  test('short descriptions: the first sentence, at most 120 characters', () => {
    assert.equal(shortDescription('Lists issues. Pages with page.'), 'Lists issues.');
    assert.equal(shortDescription('x'.repeat(300))!.length, 118);
    assert.equal(shortDescription(undefined), undefined);
  });

  test('a search finds by exact names or by keywords, and returns full definitions without deferral fields', () => {
    const deferred = planToolRetrieval(ours, toolDeclarations(externalTools(45)), [], { mode: 'server', threshold: 1 }).deferred;
    assert.deepEqual(
      searchDeferred(deferred, { names: ['gh_delete_labels', 'nope'] }).map((t) => t.name),
      ['gh_delete_labels'],
    );
    const byWords = searchDeferred(deferred, { query: 'create a release' });
    assert.equal(byWords[0]!.name, 'gh_create_releases');
    assert.equal(byWords[0]!.defer_loading, undefined);
    assert.ok(byWords[0]!.parameters);
    assert.deepEqual(searchDeferred(deferred, { query: '' }), []);
    assert.deepEqual(searchDeferred(deferred, { query: 'zzz qqq' }), []);
  });
});

const settings = (tools: TurnSettings['tools']): TurnSettings => ({ model: 'gemini-3.5-flash', mode: 'stateful', maxSteps: 10, tools });

function turnTools(mode: 'server' | 'client', n = 45) {
  const ran: string[] = [];
  const s = sandbox({}, { os: false });
  const runner = new WorkspaceToolRunner(s.env, externalTools(n, ran));
  const plan = planToolRetrieval([], runner.declarations(), [], { mode, threshold: 40 });
  runner.deferred = plan.deferred;
  if (mode === 'client') runner.addTool(clientToolSearch(plan.deferred));
  return { runner, ran, tools: [...plan.declarations, ...plan.serverTools] };
}

const bodies = () => fake.creates().map((r) => r.body as Record<string, unknown>);
const types = (steps: Step[]) => steps.map((s) => s.type);

describe('a turn with deferred tools against the fake', () => {
  test('server execution: the search steps arrive in the stream, the loaded tool runs, the fake accepts the request', async () => {
    fake.setScenario({ replies: [functionCallReply('gh_list_releases', { owner: 'a', repo: 'b' }), textReply('Two releases.')] });
    const { runner, ran, tools } = turnTools('server');
    const out = await new TurnEngine(clientFor(fake).client, runner).runTurn([{ type: 'text', text: 'Releases?' }], settings(tools), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'completed', out.error?.message);
    assert.deepEqual(types(out.steps), ['thought', 'tool_search_call', 'tool_search_result', 'function_call', 'function_result', 'model_output']);
    const call = out.steps[1] as { arguments: { function_names: string[] } };
    assert.deepEqual(call.arguments.function_names, ['gh_list_releases']);
    const result = out.steps[2] as { result: Array<{ name: string; parameters: unknown; defer_loading?: boolean }> };
    assert.equal(result.result[0]!.name, 'gh_list_releases');
    assert.ok(result.result[0]!.parameters);
    assert.equal(result.result[0]!.defer_loading, undefined);
    assert.deepEqual(ran, ['gh_list_releases']);
    const first = bodies()[0]!;
    const sent = first.tools as Array<Record<string, unknown>>;
    assert.equal(sent.filter((t) => t.defer_loading === true).length, 45);
    assert.deepEqual(sent.at(-1), { type: 'tool_search', execution: 'server' });
  });

  test('deferral costs fewer input tokens than sending every schema (the fake counts them)', async () => {
    const usage: number[] = [];
    for (const threshold of [1000, 40]) {
      fake.reset();
      fake.setScenario({ replies: [textReply('ok')] });
      const s = sandbox({}, { os: false });
      const runner = new WorkspaceToolRunner(s.env, externalTools(100));
      const plan = planToolRetrieval([], runner.declarations(), [], { mode: 'server', threshold });
      const out = await new TurnEngine(clientFor(fake).client, runner).runTurn(
        [{ type: 'text', text: 'hi' }],
        settings([...plan.declarations, ...plan.serverTools]),
        {},
        {},
        new AbortController().signal,
      );
      usage.push(out.accumulator.usage?.total_input_tokens ?? NaN);
    }
    assert.ok(usage[1]! < usage[0]! / 2, `deferred ${usage[1]} vs loaded ${usage[0]}`);
  });

  test('client execution, reading (a): the model calls the search function, the definitions go back as function items', async () => {
    fake.setScenario({ replies: [functionCallReply('gh_update_labels', { owner: 'a', repo: 'b' }), textReply('Done.')] });
    const { runner, ran, tools } = turnTools('client');
    const out = await new TurnEngine(clientFor(fake).client, runner).runTurn([{ type: 'text', text: 'Rename a label' }], settings(tools), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'completed', out.error?.message);
    assert.deepEqual(ran, ['gh_update_labels']);
    const second = bodies()[1]!;
    const input = second.input as Array<{ type: string; name?: string; result?: Array<{ type: string; name?: string }> }>;
    assert.equal(input[0]!.type, 'function_result');
    assert.equal(input[0]!.name, CLIENT_SEARCH_NAME);
    assert.ok(input[0]!.result!.some((r) => r.type === 'function' && r.name === 'gh_update_labels'));
  });

  test('client execution, reading (b): a tool_search_call ending at requires_action gets a tool_search_result step', async () => {
    fake.setScenario({ replies: [{ ...functionCallReply('gh_delete_branches', { owner: 'a', repo: 'b' }), toolSearch: 'b' }, textReply('Deleted.')] });
    const { runner, ran, tools } = turnTools('client');
    const local: Step[] = [];
    const out = await new TurnEngine(clientFor(fake).client, runner).runTurn(
      [{ type: 'text', text: 'Delete the branch' }],
      settings(tools),
      {},
      { local: (s) => local.push(s) },
      new AbortController().signal,
    );
    assert.equal(out.status, 'completed', out.error?.message);
    assert.deepEqual(ran, ['gh_delete_branches']);
    const sent = bodies()[1]!.input as Array<{ type: string; call_id?: string; result?: Array<{ name: string }> }>;
    assert.equal(sent[0]!.type, 'tool_search_result');
    assert.deepEqual(
      sent[0]!.result!.map((r) => r.name),
      ['gh_delete_branches'],
    );
    assert.equal(local[0]!.type, 'tool_search_result');
    assert.ok(types(out.steps).includes('tool_search_call'));
  });

  test('a tool_search_result naming a tool we never offered: the user is told, a call to it is refused, the answer goes on', async () => {
    fake.setScenario({
      replies: [
        {
          steps: [
            { type: 'tool_search_call', id: 'ts_x', arguments: { function_names: ['drop_database'] } },
            { type: 'tool_search_result', call_id: 'ts_x', result: [{ type: 'function', name: 'drop_database', description: 'Drops it.' }] },
            { type: 'function_call', id: 'fc_9', name: 'drop_database', arguments: {} },
          ],
        },
        textReply('I could not use that tool.'),
      ],
    });
    const { runner, ran, tools } = turnTools('server');
    const notes: string[] = [];
    const out = await new TurnEngine(clientFor(fake).client, runner).runTurn(
      [{ type: 'text', text: 'Clean up' }],
      settings(tools),
      {},
      { note: (t) => notes.push(t) },
      new AbortController().signal,
    );
    assert.equal(out.status, 'completed', out.error?.message);
    assert.deepEqual(ran, []);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /drop_database.*never offered/);
    const result = out.steps.find((s) => s.type === 'function_result') as { is_error?: boolean; result: unknown };
    assert.equal(result.is_error, true);
    assert.match(JSON.stringify(result.result), /no tool named \\"drop_database\\"/);
    assert.equal((out.steps.at(-1) as { type: string }).type, 'model_output');
  });

  test('the fake refuses deferred tools without tool_search, and a bad execution', async () => {
    for (const tools of [
      [{ type: 'function', name: 'x', description: 'x', parameters: { type: 'object' }, defer_loading: true }],
      [{ type: 'tool_search', execution: 'sideways' }],
      [{ type: 'tool_search', execution: 'client' }],
    ]) {
      fake.reset();
      fake.setScenario({ replies: [textReply('no')] });
      const out = await new TurnEngine(clientFor(fake).client, undefined).runTurn(
        [{ type: 'text', text: 'hi' }],
        settings(tools as TurnSettings['tools']),
        {},
        {},
        new AbortController().signal,
      );
      assert.equal(out.status, 'error');
      assert.equal(out.error?.kind, 'bad_request', JSON.stringify(tools));
    }
  });
});
