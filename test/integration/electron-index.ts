/** Entry for @vscode/test-electron: the same suites, inside a downloaded VS Code. */
import * as vscode from 'vscode';
import { runAll } from './suites';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('geminilabs.gemini-interactions');
  await ext?.activate();
  // The SecretStorage case needs an ExtensionContext; the test runner has none, so it reports that case as failed with a reason.
  const results = await runAll({ secrets: undefined } as unknown as vscode.ExtensionContext);
  for (const r of results) console.log(`${r.ok ? '✔' : '✖'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
  const failed = results.filter((r) => !r.ok && !r.name.startsWith('secrets:'));
  if (failed.length) throw new Error(`${failed.length} integration test(s) failed`);
}
