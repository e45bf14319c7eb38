/**
 * Command ids in code and in package.json agree, both ways: every contributed command is
 * registered by the code, every command the code registers is contributed (or is an internal one
 * listed here), and every command the code or the manifest runs exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: {
    commands: Array<{ command: string }>;
    menus?: Record<string, Array<{ command?: string; submenu?: string }>>;
    keybindings?: Array<{ command: string }>;
    views?: Record<string, Array<{ id: string; type?: string }>>;
    walkthroughs?: Array<{ steps: Array<{ completionEvents?: string[]; description?: string }> }>;
  };
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}
const code = sources('src').map((f) => readFileSync(f, 'utf8'));
const all = (re: RegExp) => new Set(code.flatMap((s) => [...s.matchAll(re)].map((m) => m[1]!)));

/** Commands the code registers on purpose without a palette entry (run from the webview, buttons, links). */
const INTERNAL = new Set(['gemini.continueInPanel']);

test('every contributed command is registered by the code, and every registered one is contributed', () => {
  const registered = all(/(?:\bid: |registerCommand\(|_COMMAND = )'(gemini\.[\w.]+)'/g);
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  const notRegistered = [...contributed].filter((c) => !registered.has(c));
  const notContributed = [...registered].filter((c) => !contributed.has(c) && !INTERNAL.has(c));
  assert.deepEqual(notRegistered, [], 'contributed in package.json but never registered');
  assert.deepEqual(notContributed, [], 'registered in code but not in package.json (add it, or to INTERNAL with a reason)');
});

test('every command the code or the manifest runs exists', () => {
  const registered = all(/(?:\bid: |registerCommand\(|_COMMAND = )'(gemini\.[\w.]+)'/g);
  // Commands VS Code makes for our views (`<view id>.focus`).
  const views = Object.values(pkg.contributes.views ?? {})
    .flat()
    .map((v) => `${v.id}.focus`);
  const exists = new Set([...registered, ...views]);
  const run = all(/executeCommand\(\s*'(gemini\.[\w.]+)'/g);
  for (const c of run) assert.ok(exists.has(c), `the code runs ${c}, which nothing registers`);
  const manifest = [
    ...Object.values(pkg.contributes.menus ?? {})
      .flat()
      .map((m) => m.command)
      .filter((c): c is string => !!c),
    ...(pkg.contributes.keybindings ?? []).map((k) => k.command),
  ].filter((c) => c.startsWith('gemini.'));
  for (const c of manifest) assert.ok(exists.has(c), `package.json uses ${c}, which nothing registers`);
  const walkthrough = JSON.stringify(pkg.contributes.walkthroughs ?? []);
  for (const m of walkthrough.matchAll(/command:(gemini\.[\w.]+)/g)) assert.ok(exists.has(m[1]!), `the walkthrough runs ${m[1]}, which nothing registers`);
});

/** The text of the call that opens at `open` (the index of its "("), to its matching ")". */
function callText(s: string, open: number): string {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return s.slice(open, i + 1);
  }
  return s.slice(open);
}

test('every quick pick and input box stays open when the focus flickers (a webview taking the focus back after the palette closed closed them)', () => {
  const missing: string[] = [];
  sources('src').forEach((file) => {
    const s = readFileSync(file, 'utf8');
    const line = (i: number) => `${file}:${s.slice(0, i).split('\n').length}`;
    for (const m of s.matchAll(/window\.(showQuickPick|showInputBox)\(/g)) {
      if (!/\bignoreFocusOut: true\b/.test(callText(s, m.index + m[0].length - 1))) missing.push(line(m.index));
    }
    for (const m of s.matchAll(/(?:const|let) (\w+) = vscode\.window\.(?:createQuickPick|createInputBox)\b/g)) {
      if (!new RegExp(`\\b${m[1]}\\.ignoreFocusOut = true\\b`).test(s.slice(m.index))) missing.push(line(m.index));
    }
  });
  assert.deepEqual(missing, [], 'set ignoreFocusOut: true (the pick closes on Escape)');
});
