/**
 * The remote-agent workspace snapshot (numbers, not pass/fail): the product's `buildSnapshot`
 * (git's file list, bounded-concurrency stats, node-tar streamed through gzip) next to the `tar`
 * command on the same file list, uncompressed and gzipped, and reading the snapshot back for a
 * review (node-tar's parser over a streamed gunzip). The tree is generated once: a
 * git repository of 27,000 code-like files (about 75 MB, like babel/babel), with an ignored
 * `node_modules/` and untracked files. Each row: wall time, peak memory, longest event-loop stall.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot, planSnapshot } from '../../src/core/agents/snapshot';
import { snapshotFiles } from '../../src/core/agents/collect';
import { measureCommand, measureHere, runCases, type Sample } from './host-work';

const FILES = 27_000;
const ROOT = join(tmpdir(), `gemini-bench-snapshot-${FILES}`);
const LIST = `${ROOT}.list`;
const OUT = `${ROOT}.snapshot.tar.gz`;
const WORDS = ['const', 'function', 'return', 'import', 'export', 'value', 'node', 'path', 'babel', 'plugin', 'transform', 'visitor', 'scope', 'binding', 'types', 'await'];

function fixture(): void {
  if (existsSync(join(ROOT, '.done'))) return;
  rmSync(ROOT, { recursive: true, force: true });
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < FILES; i++) {
    const dir = join(ROOT, 'packages', `pkg-${i % 150}`, i % 3 ? 'src' : 'test', `d${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const lines = 20 + Math.floor(rand() * 140);
    let text = `// file ${i}\n`;
    for (let l = 0; l < lines; l++) {
      let line = '  '.repeat(Math.floor(rand() * 4));
      for (let w = 0; w < 3 + Math.floor(rand() * 6); w++) line += `${WORDS[Math.floor(rand() * WORDS.length)]}${rand() < 0.2 ? Math.floor(rand() * 1000) : ''} `;
      text += `${line.trimEnd()};\n`;
    }
    writeFileSync(join(dir, `file${i}.ts`), text);
  }
  mkdirSync(join(ROOT, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(ROOT, 'node_modules', 'dep', 'index.js'), 'ignored\n');
  writeFileSync(join(ROOT, '.gitignore'), 'node_modules/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  writeFileSync(join(ROOT, 'untracked.ts'), 'export const untracked = 1;\n');
  writeFileSync(join(ROOT, '.done'), '');
}

const cases: Record<string, () => Promise<Sample>> = {
  'product buildSnapshot (list + stat + tar + gzip)': () =>
    measureHere(async () => {
      const s = await buildSnapshot(ROOT, { maxBytes: 1e9, out: OUT });
      return `${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB content, ${(s.archiveBytes / 1e6).toFixed(1)} MB sent`;
    }),
  'baseline tar -c (same file list, uncompressed)': () => measureCommand('tar', ['-cf', '-', '--null', '-T', LIST], { cwd: ROOT }),
  'baseline tar -cz (same file list, gzipped)': () => measureCommand('tar', ['-czf', '-', '--null', '-T', LIST], { cwd: ROOT }),
  'product review: read the snapshot back (streamed gunzip + untar)': async () => {
    await buildSnapshot(ROOT, { maxBytes: 1e9, out: OUT });
    (globalThis as { gc?: () => void }).gc?.();
    return measureHere(async () => {
      const files = await snapshotFiles(new Uint8Array(readFileSync(OUT)));
      return `${files.size} files`;
    });
  },
};

void runCases(`Workspace snapshot of ${FILES.toLocaleString('en')} files`, cases, async () => {
  const t0 = performance.now();
  fixture();
  const plan = await planSnapshot(ROOT, LIST);
  writeFileSync(LIST, readFileSync(LIST, 'utf8').replace(/\n/g, '\0'));
  console.log(`fixture ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${plan.files} files, ${(plan.bytes / 1e6).toFixed(1)} MB (${ROOT})`);
});
