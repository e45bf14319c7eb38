/**
 * The integration suites, run inside the real extension host of the workbench by a small
 * test-runner extension installed beside ours; results come back through a file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, launchBrowser, WorkbenchPage, type Workbench } from './harness';
import { INTEGRATION_FILES } from '../integration/workspace';
import type { Result } from '../integration/suites';

let wb: Workbench;
let browser: Browser;
const results = join(mkdtempSync(join(tmpdir(), 'gemini-it-results-')), 'results.json');

before(async () => {
  const runner = mkdtempSync(join(tmpdir(), 'gemini-it-ext-'));
  mkdirSync(runner, { recursive: true });
  writeFileSync(
    join(runner, 'package.json'),
    JSON.stringify({
      name: 'gemini-it-runner',
      publisher: 'geminilabs',
      version: '0.0.1',
      engines: { vscode: '^1.138.0' },
      activationEvents: ['onStartupFinished'],
      main: './runner.js',
    }),
  );
  cpSync('out/test/integration/runner-extension.js', join(runner, 'runner.js'));
  wb = await launch({ files: INTEGRATION_FILES, git: true, envKey: false, extraExtensions: [runner], env: { GEMINI_IT_RESULTS: results } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await wb?.stop();
});

test('integration suites pass inside the real extension host', async () => {
  const p = await WorkbenchPage.open(browser, wb); // the extension host starts with the window
  const deadline = Date.now() + 240_000;
  while (!existsSync(results) && Date.now() < deadline) await p.page.waitForTimeout(500);
  assert.ok(existsSync(results), 'the runner extension reported back');
  const rs = JSON.parse(readFileSync(results, 'utf8')) as Result[];
  for (const r of rs) console.log(`  ${r.ok ? '✔' : '✖'} ${r.name} (${r.ms} ms)`);
  assert.ok(rs.length >= 9);
  const failed = rs.filter((r) => !r.ok);
  assert.deepEqual(
    failed.map((f) => `${f.name}: ${f.error}`),
    [],
  );
});
