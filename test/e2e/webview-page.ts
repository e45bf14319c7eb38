/**
 * The real chat webview bundle in a plain Chromium page (no workbench): a stub
 * `acquireVsCodeApi` records what the webview posts; host messages are dispatched as `message`
 * events, as VS Code delivers them. Used by the renderer security test and the render bench.
 */
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatBody } from '../../src/shared/chatPage';
import { escapeHtml } from '../../src/shared/html';

export const PANEL_STATE = {
  hasKey: true,
  toolsEnabled: true,
  busy: false,
  settings: { models: ['gemini-3.5-flash'], model: 'gemini-3.5-flash', thinkingLevel: 'default', googleSearch: false, urlContext: false, codeExecution: false, mode: 'stateful' },
};

const HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="gemini-highlighter" content="/highlight.js">
<link rel="stylesheet" href="/codicon.css"><link rel="stylesheet" href="/chat.css"></head>
<body class="vscode-dark" style="height:800px">
${chatBody(escapeHtml, (l) => escapeHtml(`Thinking: ${l}`))}
<script>window.__posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState:()=>undefined,setState:()=>{}});</script>
<script src="/chat.js"></script></body></html>`;

export async function serveWebview(root = process.cwd()): Promise<{ url: string; close(): void }> {
  const files: Record<string, [string, string]> = {
    '/': [HTML, 'text/html'],
    '/blank': ['<!DOCTYPE html><html><body></body></html>', 'text/html'],
    '/chat.js': [readFileSync(join(root, 'dist/webview/chat.js'), 'utf8'), 'text/javascript'],
    '/highlight.js': [readFileSync(join(root, 'dist/webview/highlight.js'), 'utf8'), 'text/javascript'],
    '/chat.css': [readFileSync(join(root, 'dist/webview/chat.css'), 'utf8'), 'text/css'],
    '/codicon.css': [readFileSync(join(root, 'dist/webview/codicon.css'), 'utf8'), 'text/css'],
  };
  const server = createServer((req, res) => {
    const f = files[req.url ?? '/'];
    res.writeHead(f ? 200 : 404, { 'content-type': f?.[1] ?? 'text/plain' });
    res.end(f?.[0] ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, close: () => server.close() };
}

/** Load the chat page and start it as the host does (an empty stored conversation); resolves once it is ready. */
export async function openChatPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate(
    (s) => window.postMessage({ type: 'init', state: s, conversation: { id: 'c', title: 't', mode: 'stateful', turns: [] }, draft: '', attachments: [] }, '*'),
    PANEL_STATE,
  );
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
}
