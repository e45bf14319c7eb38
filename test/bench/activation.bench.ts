/**
 * Activation and first paint in the real workbench (numbers, not pass/fail): the extension's own
 * activation time (from its log), and the time from "Gemini: Focus Chat" to the chat webview
 * reporting ready, over a few fresh windows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, launchBrowser, WorkbenchPage } from '../e2e/harness';

function activationTimes(userDataDir: string): number[] {
  const out: number[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (n.name === 'Gemini.log') for (const m of readFileSync(p, 'utf8').matchAll(/Activated in (\d+) ms/g)) out.push(Number(m[1]));
    }
  };
  walk(join(userDataDir, 'logs'));
  return out;
}

void (async () => {
  const wb = await launch();
  const browser = await launchBrowser();
  try {
    const firstPaint: number[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await WorkbenchPage.open(browser, wb);
      await p.page.waitForTimeout(1500); // let the window settle: measure the panel, not the workbench start
      const icon = p.page.locator('.activitybar [aria-label^="Gemini"]').first();
      await icon.waitFor();
      const t0 = Date.now();
      await icon.click();
      const frame = await p.findChatFrame(30_000);
      if (!frame) throw new Error('no chat view');
      firstPaint.push(Date.now() - t0);
      await p.context.close();
    }
    const acts = activationTimes(wb.userDataDir);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`activate() (extension's own log, ${acts.length} windows): median ${med(acts)} ms, all ${acts.join(', ')} ms`);
    console.log(
      `click on the Gemini activity-bar icon → chat webview painted and ready (activation, webview load, init handshake): median ${med(firstPaint)} ms, all ${firstPaint.join(', ')} ms`,
    );
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
