import { launch, launchBrowser, WorkbenchPage, extensionHostLog } from './harness';
import { text } from '../fake-api/scenario';
void (async () => {
  const wb = await launch({ git: true, files: { 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' } });
  const browser = await launchBrowser();
  try {
    const p = await WorkbenchPage.open(browser, wb);
    await p.openFile('src/math.ts');
    wb.fake.setScenario({ replies: [{ steps: [text('{"findings": [{"file": "src/math.ts", "start_line": 6, "end_line": 6, "severity": "warn')] }] });
    await p.command('Gemini: Review Current File');
    await p.waitForNotification(/not valid JSON/);
    console.log('first ok', wb.fake.requests.length);
    wb.fake.setScenario({ replies: [{ steps: [text('{"findings": [{"file": "src/math.ts", "start_line": "six", "end_line": 6, "severity": "warning", "message": "x"}]}')] }] });
    await p.command('Gemini: Review Current File');
    for (let i = 0; i < 10; i++) {
      await p.page.waitForTimeout(500);
      console.log(i, wb.fake.requests.length, await p.notifications());
    }
    await p.snap('second');
    console.log(
      extensionHostLog(wb)
        .split('\n')
        .filter((l) => /Gemini\.log|eview|interactions/.test(l))
        .join('\n'),
    );
  } finally {
    await browser.close();
    await wb.stop();
  }
})();
