// Builds the extension (Node, CommonJS, `vscode` external) and the chat webview (browser).
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { workerSource } from './scripts/worker-source.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts', mediaFacts: 'src/core/mediaFacts.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode'],
  mainFields: ['module', 'main'],
  plugins: [workerSource({ minify: production })],
};

const webview = {
  ...common,
  entryPoints: { chat: 'src/webview/main.ts', highlight: 'src/webview/highlightWorker.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.css': 'css' },
};

function copyAssets() {
  mkdirSync('dist/webview', { recursive: true });
  cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
  cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
  cpSync('src/webview/chat.css', 'dist/webview/chat.css');
  // The bash grammar for the command classifier (web-tree-sitter runtime + tree-sitter-bash).
  for (const f of ['tree-sitter.wasm', 'tree-sitter-bash.wasm']) cpSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${f}`, `dist/${f}`);
}

// A production build starts from a clean dist/ (no stale source maps in the .vsix).
if (production) rmSync('dist', { recursive: true, force: true });

if (watch) {
  copyAssets();
  const contexts = await Promise.all([esbuild.context(extension), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching…');
} else {
  await Promise.all([esbuild.build(extension), esbuild.build(webview)]);
  copyAssets();
}
