import { launch, launchBrowser, WorkbenchPage, sendChat, extensionHostLog } from './harness';
import { textReply } from '../fake-api/library';
(async () => {
  const wb = await launch();
  const browser = await launchBrowser();
  try {
    const p = await WorkbenchPage.open(browser, wb);
    const chat = await p.openChat();
    await p.openFile('src/app.ts');
    wb.fake.setScenario({ replies: [textReply('Use this:\n\n```ts\nexport const inserted = "from Gemini";\n```\n')] });
    await sendChat(chat, 'go');
    await p.page.waitForTimeout(2000);
    console.log(await chat.locator('.code-block').count(), await chat.evaluate(() => document.querySelector('.turn')?.innerHTML.slice(0, 1500)));
    await chat.locator('.code-block button[data-act="insert"]').first().click();
    await p.page.waitForTimeout(1500);
    await p.page.screenshot({ path: '/tmp/dbg1.png' });
    console.log(extensionHostLog(wb).split('\n').filter((l) => /error|Gemini/i.test(l)).slice(-20).join('\n'));
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
