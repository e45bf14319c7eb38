/**
 * Tool Retrieval in the real workbench (numbers, not pass/fail): for 0, 20, 100 and 300 tools
 * picked from real MCP servers (plus our own workspace tools), with deferral off and on, the size
 * of the create request (bytes), the input tokens the fake API reports for it (about four
 * characters a token; a deferred tool costs its name and short description), and the time from
 * Enter to the request reaching the server. The crossover tells where `gemini.tools.toolSearchThreshold`
 * should sit.
 */
import { join } from 'node:path';
import { launch, launchBrowser, sendChat, WorkbenchPage } from '../e2e/harness';
import { text } from '../fake-api/scenario';
import { estimatedInputTokens } from '../fake-api/toolSearch';

const SERVER = join(process.cwd(), 'out/test/mcp-server/notes-server.js');
const SIZES = [0, 20, 100, 300];
const RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(mode: 'off' | 'server'): Promise<string[]> {
  const servers = Object.fromEntries(
    SIZES.filter((n) => n > 0).map((n) => [`c${n}`, { type: 'stdio', command: process.execPath, args: [SERVER], env: { NOTES_CATALOG: String(n), NOTES_NAME: `c${n}` } }]),
  );
  // Deferral on: a threshold of 0 defers every MCP tool, so each size shows its deferred cost.
  const wb = await launch({
    files: { 'README.md': '# bench\n', '.vscode/mcp.json': JSON.stringify({ servers }) },
    settings: { 'gemini.tools.toolSearch': mode, 'gemini.tools.toolSearchThreshold': 0 },
  });
  const browser = await launchBrowser();
  const rows: string[] = [];
  try {
    const p = await WorkbenchPage.open(browser, wb);
    const chat = await p.openChat();
    await chat.evaluate(() => {
      const w = window as unknown as { __enter: number[] };
      w.__enter = [];
      document
        .getElementById('input')!
        .addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && w.__enter.push(performance.timeOrigin + performance.now()), true);
    });
    let prev = 0;
    for (const n of SIZES) {
      // Pick exactly the n tools of server c<n> (the filter narrows "toggle all" to them).
      await p.command('Gemini: Choose Tools…');
      const header = p.page.locator('.quick-input-header .monaco-checkbox[aria-label="Toggle all checkboxes"]');
      await p.page.locator('.quick-input-list .monaco-list-row', { hasText: 'mcp_c' }).first().waitFor({ timeout: 60_000 });
      // Toggling all with a filter toggles the shown rows: unpick the previous server's, pick this one's.
      const filter = p.page.locator('.quick-input-widget input').first();
      for (const m of [prev, n].filter((x) => x > 0)) {
        await filter.fill(`mcp_c${m}_`);
        await p.page.waitForTimeout(300);
        await header.click();
      }
      prev = n;
      await p.page.locator('.quick-input-widget input').first().press('Enter');
      await p.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
      await chat
        .waitForFunction((want) => Number(document.getElementById('tools-count')?.textContent || '0') === want, n, { timeout: 10_000 })
        .catch(async () => {
          throw new Error(`picked ${await chat.locator('#tools-count').textContent()} tools, not ${n}`);
        });
      {
        const bytes: number[] = [];
        const tokens: number[] = [];
        const toRequest: number[] = [];
        let deferred = 0;
        for (let k = 0; k < RUNS; k++) {
          await chat.locator('#new-chat').click();
          wb.fake.reset();
          wb.fake.setScenario({ replies: [{ steps: [text('ok')] }] });
          await sendChat(chat, `question ${k}`);
          while (!wb.fake.creates().length) await p.page.waitForTimeout(2);
          const req = wb.fake.creates()[0]!;
          const enter = await chat.evaluate(() => (window as unknown as { __enter: number[] }).__enter.at(-1)!);
          toRequest.push(req.arrivedAt - enter);
          bytes.push(req.bodyBytes);
          deferred = ((req.body as { tools?: Array<{ defer_loading?: boolean }> }).tools ?? []).filter((t) => t.defer_loading).length;
          await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]') && !(document.getElementById('send') as HTMLButtonElement).hidden, undefined, {
            timeout: 20_000,
          });
          tokens.push(estimatedInputTokens(req.body as Record<string, unknown>));
        }
        rows.push(
          `| ${String(n).padStart(3)} | ${mode === 'off' ? 'all loaded' : 'deferred  '} | ${String(deferred).padStart(3)} | ${String(median(bytes)).padStart(7)} | ${String(median(tokens)).padStart(6)} | ${median(toRequest).toFixed(1).padStart(6)} ms |`,
        );
        console.log(rows.at(-1));
      }
    }
  } finally {
    await browser.close();
    await wb.stop();
  }
  return rows;
}

void (async () => {
  const rows = [...(await measure('off')), ...(await measure('server'))];
  console.log('\n| MCP tools picked | declarations | deferred | request bytes | input tokens (fake) | Enter → request (median of 7) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows.sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)))) console.log(r);
})();
