// The extension's translations: extract the English strings and check every language.
//   node scripts/l10n.mjs          write l10n/bundle.l10n.json from the sources
//   node scripts/l10n.mjs --check  fail if that file is stale, or a language misses a string,
//                                  has one the English does not, or changes its placeholders
//
// Host, core and webview strings are `l10n.t('English text', …args)` calls (the text is the
// key, as with `vscode.l10n.t`); the chat page's HTML uses `T('…')`. The contributed strings
// are `%key%` in package.json, with the English in package.nls.json.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const LANGUAGES = ['id', 'zh-cn', 'pl', 'vi'];
const root = new URL('..', import.meta.url).pathname;

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Every `l10n.t('…')` / `T('…')` message in src/, and the calls whose message is not a literal. */
export function extract() {
  const messages = new Set();
  const dynamic = [];
  for (const file of sources(join(root, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf);
        if (callee === 'l10n.t' || callee === 'vscode.l10n.t' || callee === 'T') {
          const first = node.arguments[0];
          if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) messages.add(first.text);
          else if (!isHelper(node)) {
            const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
            dynamic.push(`${relative(root, file)}:${line + 1}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages: [...messages].sort(), dynamic };
}

/** `T`, the page template's helper, passes its argument on: that call is not a message. */
function isHelper(call) {
  let p = call.parent;
  while (p && !ts.isArrowFunction(p) && !ts.isFunctionDeclaration(p)) p = p.parent;
  const decl = p && ts.isArrowFunction(p) ? p.parent : undefined;
  return !!decl && ts.isVariableDeclaration(decl) && decl.name.getText() === 'T';
}

const placeholders = (s) => [...s.matchAll(/\{[^{}\s]+\}|\$\([a-z0-9-]+\)|`[^`]*`|\(command:[^)]*\)|\bgemini\.[a-zA-Z.]*[a-zA-Z]|%[a-z0-9.]+%/gi)].map((m) => m[0]).sort();

/** Problems with one language's strings against the English ones. */
export function compare(english, translated, where) {
  const problems = [];
  for (const [key, en] of Object.entries(english)) {
    const tr = translated[key];
    if (typeof tr !== 'string' || !tr.trim()) problems.push(`${where}: missing ${JSON.stringify(key)}`);
    else if (placeholders(en).join('\u0000') !== placeholders(tr).join('\u0000'))
      problems.push(`${where}: ${JSON.stringify(key)} has ${JSON.stringify(placeholders(tr))}, the English ${JSON.stringify(placeholders(en))}`);
  }
  for (const key of Object.keys(translated)) if (!(key in english)) problems.push(`${where}: ${JSON.stringify(key)} is not an English string`);
  return problems;
}

const readJson = (f) => JSON.parse(readFileSync(join(root, f), 'utf8'));

/** Everything wrong with the translations as they are in the tree. */
export function check() {
  const problems = [];
  const { messages, dynamic } = extract();
  for (const d of dynamic) problems.push(`${d}: the message is not a string literal (it cannot be translated)`);
  const english = Object.fromEntries(messages.map((m) => [m, m]));
  const onDisk = existsSync(join(root, 'l10n/bundle.l10n.json')) ? readJson('l10n/bundle.l10n.json') : {};
  if (JSON.stringify(onDisk) !== JSON.stringify(english)) problems.push('l10n/bundle.l10n.json is stale: run `node scripts/l10n.mjs`');
  const nls = readJson('package.nls.json');
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  for (const [, key] of manifest.matchAll(/"%([^%"]+)%"/g)) if (!(key in nls)) problems.push(`package.json: %${key}% is not in package.nls.json`);
  for (const key of Object.keys(nls)) if (!manifest.includes(`"%${key}%"`)) problems.push(`package.nls.json: ${key} is not used in package.json`);
  for (const lang of LANGUAGES) {
    problems.push(...compare(english, existsSync(join(root, `l10n/bundle.l10n.${lang}.json`)) ? readJson(`l10n/bundle.l10n.${lang}.json`) : {}, `l10n/bundle.l10n.${lang}.json`));
    problems.push(...compare(nls, existsSync(join(root, `package.nls.${lang}.json`)) ? readJson(`package.nls.${lang}.json`) : {}, `package.nls.${lang}.json`));
  }
  return problems;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const problems = check();
    for (const p of problems) console.error(p);
    if (problems.length) {
      console.error(`\n${problems.length} translation problem(s)`);
      process.exit(1);
    }
    console.log('translations complete');
  } else {
    const { messages, dynamic } = extract();
    writeFileSync(join(root, 'l10n/bundle.l10n.json'), JSON.stringify(Object.fromEntries(messages.map((m) => [m, m])), null, 2) + '\n');
    console.log(`l10n/bundle.l10n.json: ${messages.length} strings`);
    for (const d of dynamic) console.warn(`not a literal: ${d}`);
  }
}
