/**
 * A tiny test-runner extension: installed beside ours in code-server's extensions folder, it runs
 * the integration suites inside the real extension host when the window starts, and writes the
 * results to the file named by GEMINI_IT_RESULTS (which the e2e harness waits for).
 */
import type * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { runAll } from './suites';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const out = process.env.GEMINI_IT_RESULTS;
  if (!out) return;
  const results = await runAll(context);
  writeFileSync(out, JSON.stringify(results, null, 2));
}

export function deactivate(): void {}
