// Transpiles the test tree (unit, fake API, e2e, bench, integration) to out/ with esbuild.
// Each entry is bundled with its src/ imports; npm packages stay external.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { workerSource } from './worker-source.mjs';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'node_modules' || name === 'fixtures') continue;
      walk(p, out);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Start from an empty out/test so a deleted or renamed test never runs from a stale build.
rmSync('out/test', { recursive: true, force: true });
const entries = walk('test').filter((p) => !p.includes('integration/'));
await esbuild.build({
  entryPoints: entries,
  outdir: 'out',
  outbase: '.',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [workerSource()],
});
// The integration suite runs inside the extension host: `vscode` is provided there.
await esbuild.build({
  entryPoints: walk('test/integration'),
  outdir: 'out',
  outbase: '.',
  bundle: true,
  external: ['vscode'],
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [workerSource()],
});
