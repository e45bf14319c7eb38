// Manual debugging aid: node out/test/e2e/debug.manual.js — launches, screenshots, prints logs.
import { launch, launchBrowser, WorkbenchPage, extensionHostLog } from './harness';
(async () => {
  const wb = await launch();
  const browser = await launchBrowser();
  try {
    const p = await WorkbenchPage.open(browser, wb);
    await p.page.waitForTimeout(3000);
    await p.page.screenshot({ path: '/tmp/wb.png' });
    await p.page.keyboard.press('F1');
    await p.page.locator('.quick-input-widget input').fill('>Gemini: Focus Chat');
    await p.page.waitForTimeout(1500);
    await p.page.screenshot({ path: '/tmp/wb2.png' });
    console.log(await p.page.locator('.quick-input-list .monaco-list-row').allInnerTexts());
    console.log(await p.page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.textContent)));
    console.log(extensionHostLog(wb).slice(-6000));
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
