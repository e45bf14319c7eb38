/**
 * Webview rendering benchmark in Chromium (numbers, not pass/fail):
 *  1. a 200,000-character markdown answer streamed as 10,000 deltas: total main-thread time
 *     (CDP TaskDuration) and the longest frame;
 *  2. a 1,000-turn conversation: time to open, and frame times while scrolling through it.
 * The real webview bundle runs in a page with a stub `acquireVsCodeApi`; host messages are
 * dispatched as `message` events exactly as VS Code delivers them.
 */
import { chromium } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';
import { PANEL_STATE as state, serveWebview } from '../e2e/webview-page';

function markdown(chars: number): string {
  const parts: string[] = [];
  let n = 0;
  let k = 0;
  while (n < chars) {
    let block: string;
    switch (k % 6) {
      case 0:
        block = `## Section ${k}\n\n`;
        break;
      case 1:
      case 2:
        block =
          `Paragraph ${k} explains **why** the renderer only re-parses the block being written, with \`inline code\`, *emphasis* and a [link](https://example.com/${k}). `.repeat(
            2,
          ) + '\n\n';
        break;
      case 3:
        block = `- item one of list ${k}\n- item two with \`code\`\n- item three\n\n`;
        break;
      case 4:
        block = '```ts\n' + `export function f${k}(x: number): number {\n  const y = x * ${k};\n  return y + 1;\n}\n` + '```\n\n';
        break;
      default:
        block = `> A quote in block ${k}, and a table:\n\n| a | b |\n|---|---|\n| ${k} | ${k * 2} |\n\n`;
    }
    parts.push(block);
    n += block.length;
    k++;
  }
  return parts.join('').slice(0, chars);
}

void (async () => {
  const { url, close } = await serveWebview();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    // ---------------------------------------------------------------- 1. streaming
    const text = markdown(200_000);
    const deltas: string[] = [];
    const per = Math.ceil(text.length / 10_000);
    for (let i = 0; i < text.length; i += per) deltas.push(text.slice(i, i + per));
    let task0 = 0;
    let task1 = 0;
    let cdp!: import('playwright-core').CDPSession;
    const profile = process.env.BENCH_PROFILE === '1';
    const trace = process.env.BENCH_TRACE === '1';
    /** Stream the deltas: `perMessage` deltas per posted message, `pauseMs` between messages (0 = as fast as the event loop allows). */
    const stream = async (label: string, perMessage: number, pauseMs: number) => {
      const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
      await page.goto(url);
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.evaluate(
        (s) => window.postMessage({ type: 'init', state: s, conversation: { id: 'c', title: 't', mode: 'stateful', turns: [] }, draft: '', attachments: [] }, '*'),
        state,
      );
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      const metric = async (name: string) => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      task0 = await metric('TaskDuration');
      if (profile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      if (trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      const result = await page.evaluate(
        async ({ ds, perMessage, pauseMs }) => {
          const frames: number[] = [];
          let last = performance.now();
          let running = true;
          const tick = (t: number) => {
            frames.push(t - last);
            last = t;
            if (running) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
          const post = (m: unknown) => window.postMessage(m, '*');
          post({ type: 'turnStart', turn: { id: 't1', input: [{ type: 'text', text: 'go' }], steps: [], state: 'streaming', notices: [], model: 'm' } });
          post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'add', s: 0, step: { type: 'model_output' } }] });
          const t0 = performance.now();
          const channel = new MessageChannel();
          const yieldNow = () =>
            new Promise<void>((r) => {
              channel.port1.onmessage = () => r();
              channel.port2.postMessage(0);
            });
          for (let i = 0; i < ds.length; i += perMessage) {
            const changes = ds.slice(i, i + perMessage).map((t) => ({ k: 'text', s: 0, c: 0, t }));
            if (i === 0) changes[0] = { k: 'content', s: 0, c: 0, content: { type: 'text', text: ds[0]! } } as never;
            post({ type: 'turnChanges', turnId: 't1', changes });
            if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
            else await yieldNow();
          }
          post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'done', s: 0 }] });
          // Until everything is rendered (no tail, all blocks frozen).
          for (let k = 0; k < 600; k++) {
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            if (!document.querySelector('.md-tail') && (document.querySelector('.model-output') as HTMLElement).querySelectorAll('.md-block').length > 0) {
              const text = Array.from(document.querySelectorAll('.md-block'))
                .map((b) => b.textContent)
                .join('');
              if (text.includes('Section')) break;
            }
          }
          running = false;
          return { wall: performance.now() - t0, frames, blocks: document.querySelectorAll('.md-block').length };
        },
        { ds: deltas, perMessage, pauseMs },
      );
      task1 = await metric('TaskDuration');
      if (trace) {
        const buf = await browser.stopTracing();
        const events = (JSON.parse(buf.toString()) as { traceEvents: Array<{ name: string; ph: string; dur?: number }> }).traceEvents;
        const by = new Map<string, number>();
        for (const e of events) if (e.ph === 'X' && e.dur) by.set(e.name, (by.get(e.name) ?? 0) + e.dur);
        for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`   ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
      }
      if (profile) {
        const { profile: prof } = await cdp.send('Profiler.stop');
        const byId = new Map(prof.nodes.map((n) => [n.id, n]));
        const parent = new Map<number, number>();
        for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
        const incl = new Map<string, number>();
        prof.samples!.forEach((id, i) => {
          const seen = new Set<string>();
          for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
            const name = byId.get(cur)!.callFrame.functionName;
            if (name && !seen.has(name)) {
              seen.add(name);
              incl.set(name, (incl.get(name) ?? 0) + (prof.timeDeltas![i] ?? 0));
            }
          }
        });
        for (const name of ['processQueue', 'flush', 'freeze', 'renderTail', 'renderMarkdownInto', 'highlight', 'isAtBottom'])
          console.log(`   inclusive ${name}: ${((incl.get(name) ?? 0) / 1000).toFixed(0)} ms`);
      }
      const frames = result.frames.slice(1);
      const sorted = [...frames].sort((a, b) => a - b);
      console.log(`1${label}. 200,000 characters as ${deltas.length} deltas, ${perMessage} per message, ${pauseMs ? `a message every ${pauseMs} ms` : 'messages back to back'}`);
      console.log(`   main-thread time (CDP TaskDuration): ${(task1 - task0).toFixed(0)} ms   wall: ${result.wall.toFixed(0)} ms   ${result.blocks} blocks`);
      console.log(
        `   frames: ${frames.length}, longest ${sorted[sorted.length - 1]!.toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]!.toFixed(1)} ms, over 50 ms: ${frames.filter((f) => f > 50).length}`,
      );
      await page.close();
    };
    await stream('a', 10, 0);
    await stream('b', 10, 2);

    // Baseline: the same synthetic host (1,000 posted messages) on a page without the webview.
    const base = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await base.goto(url + 'blank');
    const bcdp = await base.context().newCDPSession(base);
    await bcdp.send('Performance.enable');
    const bmetric = async () => ((await bcdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
    const b0 = await bmetric();
    await base.evaluate(async (ds) => {
      window.addEventListener('message', () => undefined);
      for (let i = 0; i < ds.length; i += 10) {
        window.postMessage({ type: 'turnChanges', turnId: 't1', changes: ds.slice(i, i + 10).map((t) => ({ k: 'text', s: 0, c: 0, t })) }, '*');
        await new Promise((r) => setTimeout(r, 2));
      }
    }, deltas);
    const baseline = (await bmetric()) - b0;
    console.log(`   of which the synthetic host posting the messages (same loop, empty page): ${baseline.toFixed(0)} ms → webview: ${(task1 - task0 - baseline).toFixed(0)} ms`);

    // ---------------------------------------------------------------- 2. 1,000 turns
    const page2 = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page2.goto(url);
    const turns = Array.from({ length: 1000 }, (_, k) => ({
      id: `t${k}`,
      input: [{ type: 'text', text: `Question ${k}: how does part ${k} work?` }],
      steps: [
        { type: 'thought', summary: [{ type: 'text', text: 'thinking…' }] },
        { type: 'model_output', content: [{ type: 'text', text: markdown(1200) }] },
      ],
      state: 'completed',
      notices: [],
      model: 'gemini-3.5-flash',
      usage: { input: 10, output: 300 },
    }));
    const open = await page2.evaluate(
      async ({ s, ts }) => {
        const t0 = performance.now();
        window.postMessage({ type: 'init', state: s, conversation: { id: 'c', title: 't', mode: 'stateful', turns: ts }, draft: '', attachments: [] }, '*');
        await new Promise<void>((r) => {
          const check = () => (document.body.dataset.ready === 'true' ? r() : requestAnimationFrame(check));
          check();
        });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const openMs = performance.now() - t0;
        const rendered = document.querySelectorAll('.turn:not(.placeholder)').length;
        // Scroll from the bottom to the top in steps, one per frame.
        const log = document.getElementById('log')!;
        const frames: number[] = [];
        let last = performance.now();
        for (let i = 0; i < 240; i++) {
          log.scrollTop = Math.max(0, log.scrollTop - 600);
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          frames.push(now - last);
          last = now;
        }
        return { openMs, rendered, frames, total: document.querySelectorAll('.turn').length, after: document.querySelectorAll('.turn:not(.placeholder)').length };
      },
      { s: state, ts: turns },
    );
    const f2 = [...open.frames].sort((a, b) => a - b);
    console.log(`2. 1,000-turn conversation: opened in ${open.openMs.toFixed(0)} ms (${open.rendered} of ${open.total} turns rendered at first)`);
    console.log(
      `   scrolling up 240 steps: median frame ${f2[Math.floor(f2.length / 2)]!.toFixed(1)} ms, p95 ${f2[Math.floor(f2.length * 0.95)]!.toFixed(1)} ms, longest ${f2[f2.length - 1]!.toFixed(1)} ms; ${open.after} turns rendered after scrolling`,
    );
  } finally {
    await browser.close();
    close();
  }
})();
