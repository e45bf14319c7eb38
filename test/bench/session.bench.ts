/**
 * A long agent session (numbers, not pass/fail): one conversation of 200 turns against the fake
 * API (in its own process), then one turn of 500 tool steps (reads, searches and commands with
 * output, in turn), through `ChatSession` with its journal on disk, as the extension host runs it.
 * The tool runner returns outputs of realistic sizes (an 8 KB file, 50 search matches, 4 KB of a
 * command's output): the tools' own cost is measured by the sandbox and monorepo benchmarks; this
 * one measures what the conversation machinery adds per turn and per step.
 *
 * Printed: per turn and per step, the wall time (which includes the fake API's own work, in its
 * process), the extension host's own CPU time, and the heap after a full GC, each as a fitted slope
 * (least squares) next to its first-tenth mean; the journal's append cost over a file from empty
 * to 100,000 records; reopening the conversation (loading the journal) after it all; the longest
 * event-loop stall.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InteractionsClient } from '../../src/core/client/client';
import { TurnEngine, type ToolCall, type ToolOutcome, type ToolRunner } from '../../src/core/conversation/engine';
import { ConversationStore, Journal } from '../../src/core/conversation/journal';
import { ChatSession, type ChatSettings, type SessionView } from '../../src/core/conversation/session';
import { Leases } from '../../src/core/lease';
import type { FunctionTool } from '../../src/core/protocol/types';

const TURNS = 200;
const STEPS = 500;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startFake(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(__dirname, '../fake-api/cli.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => proc.stdout!.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, proc };
}

async function push(url: string, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${url}/__fake/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

const answer = (k: number) => `Turn ${k}: ` + 'The change touches the parser and its tests; here is why, step by step. '.repeat(25);
const TOOLS = ['read_file', 'search_text', 'run_command'] as const;
const declarations: FunctionTool[] = TOOLS.map((name) => ({
  type: 'function',
  name,
  description: `${name} (bench)`,
  parameters: { type: 'object', properties: { q: { type: 'string' } } },
}));
const outputs: Record<string, string> = {
  read_file: 'export function parse(input: string): Node {\n  // …\n}\n'.repeat(160).slice(0, 8192),
  search_text: Array.from({ length: 50 }, (_, i) => `packages/core/src/file${i}.ts:${i * 7 + 1}: const value = parse(input);`).join('\n'),
  run_command: 'PASS test/parser.test.ts (1.2 s)\n  ✓ parses a nested expression (3 ms)\n'.repeat(60).slice(0, 4096),
};

class View implements SessionView {
  conversationLoaded(): void {}
  turnStarted(): void {}
  turnChanges(): void {}
  turnEnded(): void {}
  notice(): void {}
  busy(): void {}
  authRequired(): void {}
  otherWindow(): void {}
  storage(): void {}
}

/** Least-squares slope of y over x. */
function slope(ys: number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}
const mean = (ys: number[]) => ys.reduce((a, b) => a + b, 0) / ys.length;
const loop = monitorEventLoopDelay({ resolution: 5 });
/** The longest stall of the event loop, not counting the benchmark's own forced collections. */
let worstStall = 0;
const heapMb = () => {
  if (loop.count) worstStall = Math.max(worstStall, loop.max / 1e6);
  gc();
  const mb = process.memoryUsage().heapUsed / 1024 / 1024;
  loop.reset();
  return mb;
};

/** `heaps` sampled every `every` units. */
function report(name: string, unit: string, times: number[], heaps: number[], every = 1): void {
  const tenth = Math.max(1, Math.floor(times.length / 10));
  const t0 = mean(times.slice(0, tenth));
  const t1 = mean(times.slice(-tenth));
  console.log(
    `${name}: time per ${unit} first tenth ${t0.toFixed(2)} ms, last tenth ${t1.toFixed(2)} ms, slope ${(slope(times) * 100).toFixed(3)} ms per 100 ${unit}s; ` +
      `heap ${heaps[0]!.toFixed(1)} → ${heaps[heaps.length - 1]!.toFixed(1)} MB, slope ${((slope(heaps) * 1024) / every).toFixed(2)} KB per ${unit}`,
  );
}

void (async () => {
  const fake = await startFake();
  const dir = mkdtempSync(join(tmpdir(), 'session-bench-'));
  try {
    const client = new InteractionsClient({ baseUrl: fake.url, apiVersion: 'v1beta', getApiKey: () => 'test-bench', retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    const settings: ChatSettings = {
      model: 'gemini-3.5-flash',
      thinkingLevel: 'default',
      googleSearch: false,
      urlContext: false,
      codeExecution: false,
      mode: 'stateful',
      maxSteps: STEPS + 10,
    };
    const stepTimes: number[] = [];
    const stepCpu: number[] = [];
    const stepHeaps: number[] = [];
    let lastStep = 0;
    let lastCpu = process.cpuUsage();
    const runner: ToolRunner = {
      run: async (calls: ToolCall[]): Promise<ToolOutcome[]> => {
        const now = performance.now();
        const cpu = process.cpuUsage(lastCpu);
        if (lastStep) {
          stepTimes.push(now - lastStep);
          stepCpu.push((cpu.user + cpu.system) / 1000);
        }
        if (stepTimes.length % 25 === 0) stepHeaps.push(heapMb());
        lastStep = performance.now();
        lastCpu = process.cpuUsage();
        return calls.map((c) => ({ result: outputs[c.name] ?? '', isError: false }));
      },
    };
    let ids = 0;
    const store = new ConversationStore(join(dir, 'conversations'));
    const session = new ChatSession({
      engine: (tools) => new TurnEngine(client, tools),
      store,
      view: new View(),
      settings: () => settings,
      tools: () => ({ declarations, runner }),
      newId: () => `id${++ids}`,
      lease: new Leases(join(dir, 'leases'), 'bench', 15_000),
    });
    loop.enable();
    const turnTimes: number[] = [];
    const turnCpu: number[] = [];
    const turnHeaps: number[] = [];
    for (let k = 0; k < TURNS; k++) {
      await push(fake.url, 'push', [{ steps: [{ type: 'model_output', content: [{ type: 'text', text: answer(k) }] }] }]);
      const t = performance.now();
      const c = process.cpuUsage();
      const rec = await session.send([{ type: 'text', text: `question ${k}` }]);
      turnTimes.push(performance.now() - t);
      const cpu = process.cpuUsage(c);
      turnCpu.push((cpu.user + cpu.system) / 1000);
      if (rec?.state !== 'completed') throw new Error(`turn ${k}: ${rec?.state} ${rec?.error?.message ?? ''}`);
      turnHeaps.push(heapMb());
    }
    report(`${TURNS} turns`, 'turn', turnTimes, turnHeaps);
    report(`${TURNS} turns, the host's own CPU`, 'turn', turnCpu, turnHeaps);
    const replies = [];
    for (let k = 0; k < STEPS; k++) replies.push({ steps: [{ type: 'function_call', id: `fc_${k}`, name: TOOLS[k % 3], arguments: { q: `query ${k}` } }] });
    replies.push({ steps: [{ type: 'model_output', content: [{ type: 'text', text: 'All 500 steps done.' }] }] });
    await push(fake.url, 'push', replies);
    const t = performance.now();
    const rec = await session.send([{ type: 'text', text: 'the long task' }]);
    const longMs = performance.now() - t;
    if (rec?.state !== 'completed') throw new Error(`long turn: ${rec?.state} ${rec?.error?.message ?? ''}`);
    report(`one turn of ${STEPS} tool steps (${(longMs / 1000).toFixed(1)} s)`, 'step', stepTimes, stepHeaps, 25);
    report(`the same steps, the host's own CPU`, 'step', stepCpu, stepHeaps, 25);
    heapMb();
    console.log(`longest event-loop stall during the session (not counting the benchmark's forced collections): ${worstStall.toFixed(1)} ms`);
    loop.disable();
    const id = session.conversationId!;
    const file = join(dir, 'conversations', `${id}.jsonl`);
    const size = (() => {
      try {
        return statSync(file).size;
      } catch {
        return NaN;
      }
    })();
    // Reopening after a reload: a fresh store reads and replays the journal.
    const opens: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const data = new ConversationStore(join(dir, 'conversations')).load(id);
      opens.push(performance.now() - t0);
      if (data?.turns.length !== TURNS + 1) throw new Error(`reopened ${data?.turns.length} turns`);
    }
    opens.sort((a, b) => a - b);
    console.log(`reopen (load and replay the journal${Number.isNaN(size) ? '' : `, ${(size / 1e6).toFixed(1)} MB`}): median ${opens[2]!.toFixed(0)} ms (goal < 1000 ms)`);

    // The journal's append cost from an empty file to 100,000 records, per 10,000.
    const j = new Journal(join(dir, 'append.jsonl'));
    const per: number[] = [];
    const ev = { r: 'ev', t: 't1', e: [{ event_type: 'step.delta', index: 3, delta: { type: 'text', text: 'a delta of about forty characters here.' } }] };
    for (let block = 0; block < 10; block++) {
      const t0 = performance.now();
      for (let k = 0; k < 10_000; k++) j.append(ev as never);
      per.push((performance.now() - t0) / 10_000);
    }
    console.log(
      `journal append: ${(per[0]! * 1000).toFixed(1)} µs per record in the first 10,000, ${(per[9]! * 1000).toFixed(1)} µs in the last (file ${(statSync(join(dir, 'append.jsonl')).size / 1e6).toFixed(1)} MB), slope ${(slope(per) * 1000).toFixed(2)} µs per 10,000 records`,
    );
  } finally {
    fake.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
