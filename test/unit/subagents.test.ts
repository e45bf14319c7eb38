import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subagentTool, type SubagentHost } from '../../src/core/tools/subagents';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import type { TurnEngine, TurnOutcome } from '../../src/core/conversation/engine';
import { ToolError, type ToolContext, type ToolDefinition } from '../../src/core/tools/types';

const tool = (name: string, kind: 'read' | 'write' | 'command'): ToolDefinition<never> =>
  ({ name, kind, description: name, parameters: { type: 'object', properties: {} }, run: () => Promise.resolve({ text: '' }) }) as unknown as ToolDefinition<never>;
const PARENT = [tool('read_file', 'read'), tool('search_text', 'read'), tool('edit_file', 'write'), tool('run_command', 'command')];

function host(answer: (task: string, signal: AbortSignal) => Promise<string>, seen: { tools: string[][]; running: number; most: number }): SubagentHost {
  return {
    tools: () => PARENT,
    model: () => 'gemini-3.5-flash',
    runner: (subset) => ({ run: () => Promise.resolve([]), declarations: () => subset.map((t) => ({ type: 'function' as const, name: t.name })) }),
    engine: () =>
      ({
        runTurn: async (
          input: Array<{ text: string }>,
          settings: { tools?: Array<{ name: string }> },
          _ctx: unknown,
          _obs: unknown,
          signal: AbortSignal,
          acc: TurnAccumulator,
        ): Promise<TurnOutcome> => {
          seen.tools.push((settings.tools ?? []).map((t) => t.name));
          seen.running++;
          seen.most = Math.max(seen.most, seen.running);
          try {
            const text = await answer(input[0]!.text, signal);
            acc.apply({ event_type: 'interaction.completed', interaction: { id: `i${seen.tools.length}`, status: 'completed', usage: { total_tokens: 100 } } } as never);
            return {
              status: signal.aborted ? 'stopped' : 'completed',
              interactionId: 'i',
              chainFrom: 'i',
              steps: [{ type: 'model_output', content: [{ type: 'text', text }] }],
              accumulator: acc,
            };
          } finally {
            seen.running--;
          }
        },
      }) as unknown as TurnEngine,
  };
}

function ctx(signal = new AbortController().signal): ToolContext & { out: string[] } {
  const out: string[] = [];
  return { callId: 'fc', signal, output: (t: string) => out.push(t), note: () => undefined, out } as unknown as ToolContext & { out: string[] };
}

test('a child gets the parent’s read tools by default, the named subset when asked, and never a tool the parent lacks', async () => {
  const seen = { tools: [] as string[][], running: 0, most: 0 };
  const { tool: t } = subagentTool(host(async () => 'found it', seen));
  assert.equal((await t.run({ task: 'look' }, ctx())).text, 'found it');
  assert.deepEqual(seen.tools[0], ['read_file', 'search_text']);
  await t.run({ task: 'fix', tools: ['edit_file'] }, ctx());
  assert.deepEqual(seen.tools[1], ['edit_file']);
  await assert.rejects(t.run({ task: 'x', tools: ['delete_everything'] }, ctx()), (e: Error) => e instanceof ToolError && /only have tools you have/.test(e.message));
  await assert.rejects(t.run({ task: 'x', tools: ['delegate_task'] }, ctx()), ToolError, 'a child cannot delegate');
  await assert.rejects(t.run({ task: '   ' }, ctx()), ToolError);
});

test('children run in parallel up to the limit, their tokens are summed, and the parent’s stop stops them', async () => {
  const seen = { tools: [] as string[][], running: 0, most: 0 };
  const gates: Array<() => void> = [];
  const sub = subagentTool(
    host(
      (task, signal) =>
        new Promise((resolve) => {
          gates.push(() => resolve(`answer to ${task}`));
          signal.addEventListener('abort', () => resolve(''));
        }),
      seen,
    ),
    { maxSteps: 3, timeoutMs: 60_000, maxTokens: 1_000_000, parallel: 2 },
  );
  const runs = [1, 2, 3].map((k) => sub.tool.run({ task: `t${k}` }, ctx()));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen.running, 2, 'two at once, the third waits');
  while (gates.length) gates.shift()!();
  await new Promise((r) => setTimeout(r, 20));
  while (gates.length) gates.shift()!();
  const results = await Promise.all(runs);
  assert.deepEqual(
    results.map((r) => r.text),
    ['answer to t1', 'answer to t2', 'answer to t3'],
  );
  assert.equal(seen.most, 2);
  assert.equal(sub.usage()?.total_tokens, 300);
  const stop = new AbortController();
  const c = ctx(stop.signal);
  const stopped = sub.tool.run({ task: 'long' }, c);
  await new Promise((r) => setTimeout(r, 10));
  stop.abort();
  await assert.rejects(stopped, (e: Error) => e instanceof ToolError && /Stopped/.test(e.message));
  assert.match(c.out.join(''), /Subagent: long/);
});
