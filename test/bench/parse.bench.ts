/**
 * Parser benchmark (numbers, not pass/fail). The same recorded SSE byte stream (≥10 MB of
 * realistic deltas, delivered in 16 KB network chunks) through:
 *   (a) our SseEventDecoder + TurnAccumulator (full step reconstruction),
 *   (b) the @google/genai SDK's own stream parsing (interactions.create({stream:true}) over a
 *       fetch that serves the same bytes from memory),
 *   (c) bare eventsource-parser + JSON.parse (no accumulation at all),
 * and prints MB/s and the ratios.
 */
import { createParser } from 'eventsource-parser';
import { SseEventDecoder } from '../../src/core/client/sse';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { frameData, generateEvents, sseBytes } from '../fake-api/events';
import type { Json } from '../fake-api/scenario';

function recordedStream(targetBytes: number): Buffer {
  const words = ['the', 'stream', 'carries', 'deltas', 'of', 'text,', 'código', 'naïve', 'résumé', '—', 'ünïcödé', 'tokens', '🙂', 'async', 'await', 'function', 'const', 'return'];
  const steps: Json[] = [];
  let size = 0;
  let k = 0;
  while (size < targetBytes) {
    let text = '';
    for (let i = 0; i < 2000; i++) text += words[(i * 7 + k) % words.length] + (i % 13 === 0 ? '\n\n' : ' ');
    steps.push({ type: 'thought', signature: `sig-${k}`, summary: [{ type: 'text', text: text.slice(0, 400) }] });
    steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
    if (k % 5 === 0) steps.push({ type: 'function_call', id: `fc_${k}`, name: 'search_text', arguments: { query: text.slice(0, 300), max: 50 } });
    size += text.length * 6.6; // each character travels in a delta envelope of ~6x its size
    k++;
  }
  const events = generateEvents({ steps, textChunk: 24, argsChunk: 16, status: 'completed' }, { id: 'v1_bench', model: 'gemini-3.5-flash' }, [], {});
  const parts: string[] = [];
  events.forEach((ev, i) => parts.push(sseBytes(ev.name, JSON.stringify(frameData(ev, `evt_${i}`, {})), {})));
  return Buffer.from(parts.join(''), 'utf8');
}

function chunks(buf: Buffer, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function ours(cs: Uint8Array[]): number {
  const dec = new SseEventDecoder();
  const acc = new TurnAccumulator();
  let n = 0;
  for (const c of cs)
    for (const ev of dec.push(c)) {
      acc.apply(ev);
      n++;
    }
  for (const ev of dec.end()) acc.apply(ev);
  if (dec.failure || acc.status !== 'completed') throw new Error('decode failed');
  return n;
}

/** The decoder alone (framing, JSON, tolerant decoding), to split the cost of (a). */
function decoderOnly(cs: Uint8Array[]): number {
  const dec = new SseEventDecoder();
  let n = 0;
  for (const c of cs) n += dec.push(c).length;
  n += dec.end().length;
  if (dec.failure) throw new Error('decode failed');
  return n;
}

function bare(cs: Uint8Array[]): number {
  let n = 0;
  const td = new TextDecoder();
  const p = createParser({
    onEvent: (m) => {
      JSON.parse(m.data);
      n++;
    },
  });
  for (const c of cs) p.feed(td.decode(c, { stream: true }));
  return n;
}

async function sdk(cs: Uint8Array[]): Promise<number> {
  const { GoogleGenAI } = await import('@google/genai');
  const fetchImpl = async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(ctrl) {
          for (const c of cs) ctrl.enqueue(c);
          ctrl.close();
        },
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );
  const ai = new GoogleGenAI({ apiKey: 'bench-key', httpOptions: { fetch: fetchImpl as unknown as typeof fetch, baseUrl: 'http://bench.invalid' } });
  const stream = await ai.interactions.create({ model: 'gemini-3.5-flash', input: 'bench', stream: true });
  let n = 0;
  for await (const _ev of stream as AsyncIterable<unknown>) n++;
  return n;
}

type Runner = { name: string; fn: () => number | Promise<number> };
type Result = { name: string; mbps: number; ms: number; events: number };

/** Interleave the runners (a, b, c, a, b, c, …) so that machine noise hits all alike; GC before each run. */
async function measure(runners: Runner[], mb: number, rounds = 15): Promise<Result[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const times = runners.map(() => [] as number[]);
  const events = runners.map(() => 0);
  for (const r of runners) await r.fn(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < runners.length; k++) {
      gc?.();
      const t0 = performance.now();
      events[k] = await runners[k]!.fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return runners.map((r, k) => {
    const sorted = [...times[k]!].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return { name: r.name, mbps: mb / (median / 1000), ms: median, events: events[k]! };
  });
}

void (async () => {
  const buf = recordedStream(10.5 * 1024 * 1024);
  const mb = buf.length / 1024 / 1024;
  const cs = chunks(buf, 16 * 1024);
  console.log(`recorded stream: ${mb.toFixed(2)} MB, ${cs.length} chunks of 16 KB, node ${process.version}`);
  const runners: Runner[] = [{ name: '(a) ours: SseEventDecoder + TurnAccumulator', fn: () => ours(cs) }];
  try {
    await sdk(cs);
    runners.push({ name: '(b) @google/genai SDK stream parsing', fn: () => sdk(cs) });
  } catch (err) {
    console.log(`(b) SDK run failed: ${(err as Error).message}`);
  }
  runners.push({ name: '(d) our decoder alone (no accumulator)', fn: () => decoderOnly(cs) });
  runners.push({ name: '(c) bare eventsource-parser + JSON.parse', fn: () => bare(cs) });
  const results = await measure(runners, mb);
  const a = results[0]!;
  const c = results[results.length - 1]!;
  const b = results.find((r) => r.name.startsWith('(b)'));
  const d = results.find((r) => r.name.startsWith('(d)'))!;
  for (const r of results) console.log(`${r.name.padEnd(48)} ${r.mbps.toFixed(1).padStart(7)} MB/s  median ${r.ms.toFixed(0)} ms  ${r.events} events`);
  console.log(`ours / bare time ratio: ${(a.ms / c.ms).toFixed(2)}x (goal ≤ 1.25x)`);
  console.log(`decoder alone / bare:   ${(d.ms / c.ms).toFixed(2)}x`);
  if (b) console.log(`SDK / ours time ratio:  ${(b.ms / a.ms).toFixed(2)}x (goal > 1: ours ahead)`);
})();
