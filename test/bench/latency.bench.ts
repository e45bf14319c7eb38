/**
 * Latency in the real workbench (numbers, not pass/fail), against the fake API timestamping what
 * it writes:
 *  1. a paced text delta: from the server writing it to the webview's DOM showing it (the chat
 *     renders in the animation frame after the message arrives, so this is when it is painted);
 *  2. Enter → the create request reaching the server, and Enter → the first token on screen.
 * Clocks: both sides read `performance.timeOrigin + performance.now()` (the same machine clock).
 */
import { extensionHostLog, launch, launchBrowser, sendChat, WorkbenchPage } from '../e2e/harness';
import { text } from '../fake-api/scenario';
import { markedText, markerWrites, markers, stats, watch } from './workbench-latency';

void (async () => {
  const wb = await launch();
  const browser = await launchBrowser();
  try {
    const p = await WorkbenchPage.open(browser, wb);
    const chat = await p.openChat();
    await watch(chat);
    const written = markerWrites(wb.fake);

    // 1. Paced deltas, 40 ms apart: each a 16-character piece starting with its marker (paragraphs and list items).
    const N = 150;
    wb.fake.setScenario({ replies: [{ steps: [text(markedText(N))], delayMs: 40, textChunk: 16 }] });
    await sendChat(chat, 'latency');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const n = await chat.evaluate(() => Object.keys((window as unknown as { __seen: Record<string, number> }).__seen).length);
      if (n >= N) break;
      await p.page.waitForTimeout(200);
    }
    const { seen, arrived } = await markers(chat);
    const marks = [...written].filter(([k]) => seen[k] !== undefined && arrived[k] !== undefined);
    console.log(`1. server write → on screen (the frame that shows it), paced deltas: ${stats(marks.map(([k, at]) => seen[k]! - at))}`);
    console.log(`   of which server write → the webview's message event (extension host + the workbench's transport): ${stats(marks.map(([k, at]) => arrived[k]! - at))}`);
    console.log(`   and the message event → the frame that shows it: ${stats(marks.map(([k]) => seen[k]! - arrived[k]!))}`);
    await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 20_000 });

    // 2. Enter → request, Enter → first token.
    const toRequest: number[] = [];
    const toToken: number[] = [];
    for (let k = 0; k < 15; k++) {
      const mark = `[#${String(9000 + k)}]`;
      wb.fake.setScenario({ replies: [{ steps: [text(`${mark} done`)] }] });
      const before = wb.fake.creates().length;
      // As a user writes: the message is typed, and Enter comes a moment after (the host prepares the turn's tools and instruction files meanwhile).
      await chat.waitForFunction(() => document.body.dataset.ready === 'true' && !(document.getElementById('send') as HTMLButtonElement).hidden, undefined, { timeout: 20_000 });
      await chat.locator('#input').pressSequentially(`question ${k}`);
      await p.page.waitForTimeout(300);
      await sendChat(chat, `question ${k}`);
      while (wb.fake.creates().length === before) await p.page.waitForTimeout(5);
      await chat.waitForFunction((m) => (window as unknown as { __seen: Record<string, number> }).__seen[m] !== undefined, mark.slice(2, 6), { timeout: 20_000 });
      const { enter, shown } = await chat.evaluate(
        (m) => {
          const w = window as unknown as { __seen: Record<string, number>; __enter: number[] };
          return { enter: w.__enter[w.__enter.length - 1]!, shown: w.__seen[m]! };
        },
        mark.slice(2, 6),
      );
      toRequest.push(wb.fake.creates()[before]!.arrivedAt - enter);
      if (process.env.LAT_DEBUG) console.log(`enter ${enter} arrived ${wb.fake.creates()[before]!.arrivedAt}`);
      toToken.push(shown - enter);
      await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 20_000 });
    }
    console.log(`2. Enter → create request at the server: ${stats(toRequest)}`);
    console.log(`   Enter → first token on screen: ${stats(toToken)}`);
    // The host's own part, as the extension logs it for each send.
    const hostMs: number[] = [];
    const prepMs: number[] = [];
    for (const m of extensionHostLog(wb).matchAll(/Send: the request left ([\d.]+) ms after .*?mentions ([\d.]+) ms; .*?request ([\d.]+) ms/g)) {
      hostMs.push(Number(m[1]));
      prepMs.push(Number(m[3]));
    }
    if (hostMs.length) {
      console.log(`   of which the extension host's own part (the message's arrival → the request leaving): ${stats(hostMs.slice(-toRequest.length))}`);
      console.log(`   and within it, the conversation, tools, instructions and the request: ${stats(prepMs.slice(-toRequest.length))}`);
    } else console.log('   (the host’s own part was not in the log)');
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
