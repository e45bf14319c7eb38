/**
 * The real chat webview bundle in a plain Chromium page (no workbench): a stub
 * `acquireVsCodeApi` records what the webview posts; host messages are dispatched as `message`
 * events, as VS Code delivers them. Used by the renderer security test and the render bench.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PANEL_STATE = {
  hasKey: true,
  toolsEnabled: true,
  busy: false,
  settings: { models: ['gemini-3.5-flash'], model: 'gemini-3.5-flash', thinkingLevel: 'default', googleSearch: false, urlContext: false, codeExecution: false, mode: 'stateful' },
};

const HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="gemini-highlighter" content="/highlight.js">
<link rel="stylesheet" href="/codicon.css"><link rel="stylesheet" href="/chat.css"></head>
<body class="vscode-dark" style="height:800px">
<div id="app"><div class="topbar"><button id="new-chat"></button><button id="history"></button></div>
<div id="banner" hidden></div><div id="run-header" hidden></div><div id="key-screen" hidden><p id="key-message"></p><button id="set-key"></button></div>
<div id="log" role="log"></div><div id="empty"></div><div id="toast" hidden></div>
<form id="composer"><div id="queue" hidden></div><div id="attachments" hidden></div><div id="edit-hint" hidden><button id="cancel-edit"></button></div>
<div id="mention-menu" hidden></div><textarea id="input"></textarea><div id="mention-chips" hidden></div><div class="toolbar"><span id="attach-wrap"><button id="attach"></button><span id="attach-menu" hidden></span></span>
<select id="model"></select><select id="thinking"><option value="default">d</option></select>
<button id="toggle-googleSearch"></button><button id="toggle-urlContext"></button><button id="toggle-codeExecution"></button>
<span id="gen-wrap"><button id="model-settings"></button><span id="gen-popover" hidden><input id="gen-temperature"><input id="gen-max"><input id="gen-stop"><input id="gen-seed"><select id="gen-tool-choice"><option value="default">d</option></select><span id="gen-error"></span><button id="gen-apply"></button><button id="gen-reset"></button></span></span><button id="toggle-plan"></button><button id="toggle-stateless"></button><button id="tools"><span id="tools-count" hidden></span></button><button id="run-remote"></button><button id="send-background"></button><button id="stop" hidden></button><button id="send"></button></div></form></div>
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
