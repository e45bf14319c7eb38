/** The manifest and the .vsix: contributions are complete and the package holds only what runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { englishManifest } from '../manifest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifest is free-form JSON
const pkg = englishManifest<any>();
const LANGUAGES = ['id', 'zh-cn', 'pl', 'vi'];

test('the .vsix file list holds only what runs', () => {
  const out = execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
  const files = out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  const allowed =
    /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/(extension|mediaFacts)\.js|dist\/tree-sitter(-bash)?\.wasm|dist\/webview\/(chat\.js|highlight\.js|chat\.css|codicon\.css|codicon\.ttf)|media\/[\w.-]+|package\.nls(\.[a-z-]+)?\.json|l10n\/bundle\.l10n(\.[a-z-]+)?\.json)$/;
  for (const f of files) assert.match(f, allowed, `unexpected file in the package: ${f}`);
  for (const f of [
    'package.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'dist/extension.js',
    'dist/mediaFacts.js',
    'dist/tree-sitter.wasm',
    'dist/tree-sitter-bash.wasm',
    'dist/webview/chat.js',
    'dist/webview/codicon.ttf',
    'package.nls.json',
    ...LANGUAGES.flatMap((l) => [`package.nls.${l}.json`, `l10n/bundle.l10n.${l}.json`]),
  ])
    assert.ok(files.includes(f), `missing ${f}`);
});

test('manifest: identity, engine, lazy activation, bundle entry', () => {
  assert.equal(pkg.name, 'gemini-interactions');
  assert.equal(pkg.displayName, 'Gemini Interactions');
  assert.equal(pkg.main, './dist/extension.js');
  assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
  const typesVersion = pkg.devDependencies['@types/vscode'];
  assert.ok(pkg.engines.vscode.slice(1) >= typesVersion, '@types/vscode must not be newer than engines.vscode');
  assert.ok(!(pkg.activationEvents ?? []).includes('*'), 'no eager activation');
  assert.ok(!(pkg.activationEvents ?? []).includes('onStartupFinished'), 'no activation at startup');
  // The code actions in every language: the generic onLanguage (activate() itself stays cheap).
  assert.ok(pkg.activationEvents.includes('onLanguage'));
  assert.ok(!pkg.activationEvents.some((e: string) => e.startsWith('onLanguage:')), 'no per-language list to fall out of date');
  // The oldest VS Code the tests run against: code-server 4.139.1 carries VS Code 1.139.1.
  assert.equal(pkg.engines.vscode, '^1.139.0');
  assert.equal(pkg.repository.type, 'git');
  assert.match(pkg.repository.url, /^https:\/\/github\.com\/.+\.git$/);
  assert.match(pkg.bugs.url, /\/issues$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.deepEqual(pkg.categories, ['AI', 'Chat']);
});

test('no asset ships twice', () => {
  const out = execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
  const names = out
    .split('\n')
    .map((l) => l.trim().split('/').pop()!)
    .filter(Boolean);
  const twice = names.filter((n, k) => names.indexOf(n) !== k);
  assert.deepEqual(twice, []);
});

test('every command is in category "Gemini"; every setting has a type, a default and a description', () => {
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Gemini', c.command);
  for (const [key, s] of Object.entries(pkg.contributes.configuration.properties) as Array<[string, Record<string, unknown>]>) {
    assert.ok(s.type, `${key}: type`);
    assert.ok('default' in s, `${key}: default`);
    assert.ok(s.description || s.markdownDescription, `${key}: description`);
  }
  // Settings that decide where the key goes, or what runs without asking, cannot come from a workspace.
  for (const key of ['gemini.apiBaseUrl', 'gemini.apiVersion', 'gemini.useEnvironmentKey']) {
    assert.equal(pkg.contributes.configuration.properties[key].scope, 'application', key);
  }
});

test('the chat view lives in its own activity-bar container', () => {
  assert.ok(pkg.contributes.viewsContainers.activitybar.some((c: { id: string }) => c.id === 'gemini'));
  assert.ok(pkg.contributes.views.gemini.some((v: { id: string; type?: string }) => v.id === 'gemini.chat' && v.type === 'webview'));
});
