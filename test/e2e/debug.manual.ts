import { launch, launchBrowser, WorkbenchPage, sendChat, lastAnswerText, sampleUntil, extensionHostLog } from './harness';
import { textReply } from '../fake-api/library';
(async () => {
  const wb = await launch();
  const browser = await launchBrowser();
  try {
    const p = await WorkbenchPage.open(browser, wb);
    let chat = await p.openChat();
    const LONG = Array.from({ length: 60 }, (_, k) => `Sentence ${k + 1}.`).join(' ');
    wb.fake.setScenario({ replies: [{ ...textReply(LONG), delayMs: 40, textChunk: 12 }] });
    await sendChat(chat, 'Tell me a long story');
    await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.length > 100);
    await p.reload();
    chat = await p.openChat();
    await p.page.waitForTimeout(4000);
    console.log('text', (await lastAnswerText(chat)).length, LONG.length, await chat.evaluate(() => document.querySelector('.turn-footer')?.textContent));
    console.log(wb.fake.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`));
    console.log(extensionHostLog(wb).split('\n').filter((l) => /started|gemini|Gemini|rror/.test(l)).join('\n'));
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
