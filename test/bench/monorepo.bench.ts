/**
 * Monorepo scale (numbers, not pass/fail): a generated git repository of 500,000 files shaped like
 * a large monorepo (teams, packages and deep source folders, a `.gitignore` of 400 patterns, an
 * ignored `node_modules` of 50,000 files, some untracked files), built once under the temp folder.
 * Each product case runs in a fresh process next to the same query by ripgrep, `git ls-files`,
 * `ls` or `tar` alone: wall time, peak memory, the longest event-loop stall, and what it returned
 * (the tools' results are bounded; the baselines print everything).
 *
 * The workspace tools (`find_files`, `search_text`, `list_directory`) run through the product's
 * tool runner exactly as the model calls them (ripgrep runs outside the command sandbox, so there
 * is no sandbox setup to count). Instruction and skill discovery look at fixed places, so their
 * cost does not depend on the tree's size; they are measured to show it. The `#file:` completion
 * asks VS Code's own file search (ripgrep in VS Code's search process) for names with the typed
 * characters: it is not measurable outside the workbench and is not in this table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot, planSnapshot } from '../../src/core/agents/snapshot';
import { FileIndex } from '../../src/core/fileIndex';
import { instructionCandidates } from '../../src/core/instructions';
import { mentionChars } from '../../src/core/mentions';
import { discoverSkills, PROJECT_SKILL_DIRS } from '../../src/core/skills';
import { call, findRipgrep, sandbox } from '../unit/tool-fakes';
import { measureCommand, measureHere, runCases, type Sample } from './host-work';

const TRACKED = 450_000;
const MODULES = 50_000;
const ROOT = join(tmpdir(), `gemini-bench-monorepo-${TRACKED + MODULES}`);
const LIST = `${ROOT}.list`;
const OUT = `${ROOT}.snapshot.tar.gz`;
const RG = findRipgrep();

function fixture(): void {
  if (existsSync(join(ROOT, '.done'))) return;
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const made = new Set<string>();
  for (let i = 0; i < TRACKED; i++) {
    const team = i % 40;
    const pkg = Math.floor(i / 40) % 250;
    const depth = 1 + (i % 4);
    let dir = join(ROOT, 'packages', `team-${team}`, `pkg-${pkg}`, i % 5 ? 'src' : 'test');
    for (let d = 0; d < depth; d++) dir = join(dir, `mod${(i >> (d + 2)) % 6}`);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const ext = i % 5 ? '.ts' : '.spec.ts';
    const words = 4 + Math.floor(rand() * 12);
    let text = `// ${i}\nexport function f${i}(x: number) {\n`;
    for (let w = 0; w < words; w++) text += `  const v${w} = x * ${Math.floor(rand() * 1000)};\n`;
    if (i % 100_003 === 17) text += '  // needleToken42: the one rare line\n';
    text += '  return x;\n}\n';
    writeFileSync(join(dir, `file${i}${ext}`), text);
  }
  for (let i = 0; i < MODULES; i++) {
    const dir = join(ROOT, 'node_modules', `dep-${i % 500}`, 'lib');
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(join(dir, `m${i}.js`), `module.exports = ${i}; // needleToken42 in a dependency\n`);
  }
  const ignore = ['node_modules/', 'dist/', 'coverage/', '*.log', '.cache/'];
  for (let k = 0; k < 395; k++) ignore.push(`packages/team-${k % 40}/pkg-${(k * 7) % 250}/generated-${k}/`);
  writeFileSync(join(ROOT, '.gitignore'), ignore.join('\n') + '\n');
  writeFileSync(join(ROOT, 'AGENTS.md'), '# Agents\n\nRun the tests with `npm test`.\n');
  mkdirSync(join(ROOT, '.github/skills/release'), { recursive: true });
  writeFileSync(join(ROOT, '.github/skills/release/SKILL.md'), '---\nname: release\ndescription: How to cut a release of a package.\n---\n\nSteps…\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, stdio: 'ignore', maxBuffer: 1 << 30 });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'monorepo');
  for (let k = 0; k < 20; k++) writeFileSync(join(ROOT, `untracked-${k}.ts`), `export const u${k} = ${k};\n`);
  writeFileSync(join(ROOT, '.done'), '');
}

/** A tool call through the product's runner, as the model makes it. */
async function tool(name: string, args: Record<string, unknown>): Promise<string> {
  const s = sandbox({}, { workspace: ROOT, rg: true, os: false });
  const r = await call(s, name, args);
  if (r.isError) throw new Error(r.text);
  const lines = r.text.split('\n');
  return `${lines.length - 1} lines returned: ${lines[0]!.slice(0, 70)}`;
}

const cases: Record<string, () => Promise<Sample>> = {
  'find_files **/*.spec.ts (product tool, 200 shown)': () => measureHere(() => tool('find_files', { pattern: '**/*.spec.ts' })),
  'baseline rg --files -g *.spec.ts (all of them)': () => measureCommand(RG!, ['--files', '-g', '*.spec.ts', '.'], { cwd: ROOT }),
  'search_text needleToken42, rare (product tool)': () => measureHere(() => tool('search_text', { query: 'needleToken42' })),
  'baseline rg -n needleToken42': () => measureCommand(RG!, ['-n', 'needleToken42', '.'], { cwd: ROOT }),
  'search_text "return x", everywhere (product tool, bounded)': () => measureHere(() => tool('search_text', { query: 'return x' })),
  'baseline rg -n "return x" (every match)': () => measureCommand(RG!, ['-n', 'return x', '.'], { cwd: ROOT }),
  'list_directory packages/team-3/pkg-3/src (product tool)': () => measureHere(() => tool('list_directory', { path: 'packages/team-3/pkg-3/src' })),
  'baseline ls -la packages/team-3/pkg-3/src': () => measureCommand('ls', ['-la', 'packages/team-3/pkg-3/src'], { cwd: ROOT }),
  'instructions + skills discovery (product)': () =>
    measureHere(async () => {
      const { readdirSync, readFileSync, statSync } = await import('node:fs');
      const isFile = (p: string) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      };
      const ins = instructionCandidates([{ name: 'mono', path: ROOT }], [join(ROOT, 'packages/team-3/pkg-3/src/mod0/file3.ts')], isFile);
      const { skills } = discoverSkills(
        PROJECT_SKILL_DIRS.map((d) => ({ dir: join(ROOT, d), display: d, origin: 'project' as const })),
        {
          folders: (dir) => {
            try {
              return readdirSync(dir, { withFileTypes: true })
                .filter((e) => e.isDirectory())
                .map((e) => e.name);
            } catch {
              return [];
            }
          },
          read: (f) => {
            try {
              return readFileSync(f, 'utf8');
            } catch {
              return undefined;
            }
          },
        },
      );
      return `${ins.length} instruction file(s), ${skills.length} skill(s)`;
    }),
  '#file: the list of names, made once (product FileIndex)': () =>
    measureHere(async () => {
      const index = new FileIndex(RG!, [{ prefix: '', path: ROOT }]);
      while (!(await index.query(['x'], 10))) await new Promise((r) => setTimeout(r, 5));
      index.dispose();
      return 'ripgrep lists every name into a file, in the background (the first keystrokes ask VS Code meanwhile)';
    }),
  'baseline rg --files (every name)': () => measureCommand(RG!, ['--files', '--hidden', '--no-ignore', '-g', '!**/node_modules/**', '-g', '!**/.git/**'], { cwd: ROOT }),
  '#file: typing "file12345", each keystroke (product FileIndex)': () =>
    measureHere(async () => {
      const index = new FileIndex(RG!, [{ prefix: '', path: ROOT }]);
      while (!(await index.query(['x'], 10))) await new Promise((r) => setTimeout(r, 5));
      const times: number[] = [];
      let found = 0;
      const typed = 'file12345';
      const t0 = performance.now();
      for (let k = 1; k <= typed.length; k++) {
        const t = performance.now();
        found = (await index.query(mentionChars(typed.slice(0, k)), 2000))!.length;
        times.push(performance.now() - t);
      }
      const all = performance.now() - t0;
      index.dispose();
      return `${typed.length} keystrokes in ${all.toFixed(0)} ms (the list already made): each ${Math.min(...times).toFixed(0)}-${Math.max(...times).toFixed(0)} ms, ${found} names for the last`;
    }),
  'baseline rg --files -g "**/*f*i*l*e*1*2*3*4*5*" (one keystroke)': () =>
    measureCommand(RG!, ['--files', '--hidden', '--no-ignore', '-g', '!**/node_modules/**', '-g', '!**/.git/**', '-g', '**/*[fF]*[iI]*[lL]*[eE]*1*2*3*4*5*'], { cwd: ROOT }),
  'snapshot: the file list (product planSnapshot)': () =>
    measureHere(async () => {
      const p = await planSnapshot(ROOT, `${ROOT}.plan.txt`);
      return `${p.files} files, ${(p.bytes / 1e6).toFixed(0)} MB, the names written to a file`;
    }),
  'baseline git ls-files -co --exclude-standard': () => measureCommand('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT }),
  'snapshot: the archive (product buildSnapshot)': () =>
    measureHere(async () => {
      const before = process.memoryUsage().rss / 1e6;
      let heap = 0;
      const t = setInterval(() => (heap = Math.max(heap, process.memoryUsage().heapUsed / 1e6)), 20);
      const s = await buildSnapshot(ROOT, { maxBytes: 4e9, out: OUT });
      clearInterval(t);
      return `${s.files} files, ${(s.archiveBytes / 1e6).toFixed(1)} MB sent, written to a file as it is made; process RSS before ${before.toFixed(0)} MB, host heap at most ${heap.toFixed(0)} MB`;
    }),
  'baseline tar -czf (same file list)': () => measureCommand('tar', ['-czf', '-', '--null', '-T', LIST], { cwd: ROOT }),
};

void runCases(`Monorepo of ${(TRACKED + MODULES).toLocaleString('en')} files`, cases, async () => {
  if (!RG) throw new Error('ripgrep not found (run the tests once: the workbench cache brings it)');
  const t0 = performance.now();
  fixture();
  const plan = await planSnapshot(ROOT, LIST);
  writeFileSync(LIST, readFileSync(LIST, 'utf8').replace(/\n/g, '\0'));
  // Every file read once, so that each case (product or baseline) meets a warm page cache.
  try {
    execFileSync(RG, ['-c', '--no-ignore', '--hidden', 'zz-warm-up-zz', '.'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    /* no match: exit code 1 */
  }
  console.log(`fixture ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${plan.files} files in the snapshot's list (${ROOT})`);
});
