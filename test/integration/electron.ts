/**
 * `npm run test:electron`: the integration suites in a VS Code downloaded by @vscode/test-electron
 * (for machines that can reach update.code.visualstudio.com; these CI machines cannot, which is
 * why `npm test` runs the same suites inside code-server instead).
 */
import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INTEGRATION_FILES } from './workspace';

void (async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gemini-it-'));
  for (const [rel, content] of Object.entries(INTEGRATION_FILES)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), content);
  }
  execFileSync('sh', ['-c', 'git init -q -b main && git add -A && git -c user.name=t -c user.email=t@e commit -q -m init'], { cwd: ws });
  try {
    await runTests({
      extensionDevelopmentPath: resolve('.'),
      extensionTestsPath: resolve('out/test/integration/electron-index.js'),
      launchArgs: [ws, '--disable-workspace-trust'],
    });
  } catch (err) {
    console.error(`test-electron failed: ${(err as Error).message}`);
    process.exit(1);
  }
})();
