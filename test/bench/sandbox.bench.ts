/**
 * What the transaction costs (numbers, not pass/fail): a sandboxed command that writes an
 * `npm ci`-sized tree (50,000 small files in 1,000 folders) and one that rewrites a 100 MB file,
 * each through `run_command` with its writes held in the overlay and admitted afterwards, next to
 * the same command writing in place (bubblewrap alone). Each row: wall time, peak memory of the
 * extension host's process, and its longest event-loop stall; the note says how long the admission
 * itself took (reading the change set and landing it).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandSandbox } from '../../src/core/tools/commandSandbox';
import { detectSandbox, type SandboxStatus } from '../../src/core/tools/sandbox';
import { call, findRipgrep, sandbox } from '../unit/tool-fakes';
import { measureHere, runCases, type Sample } from './host-work';

const TREE = `node -e "const fs=require('fs');for(let d=0;d<1000;d++){const p='node_modules/pkg-'+d+'/lib';fs.mkdirSync(p,{recursive:true});for(let f=0;f<50;f++)fs.writeFileSync(p+'/f'+f+'.js','module.exports = '+d*50+f+';\\\\n')}"`;
const BIG = `node -e "const fs=require('fs');const b=Buffer.alloc(1<<20,120);const fd=fs.openSync('big.bin','w');for(let i=0;i<100;i++)fs.writeSync(fd,b);fs.closeSync(fd)"`;

async function runIn(transactional: boolean, command: string, files: Record<string, string | Buffer> = {}): Promise<Sample> {
  const s = sandbox(files);
  const real = await detectSandbox('linux', join(s.root, 'tx'));
  if (!real.available) throw new Error(real.reason);
  const status: SandboxStatus = transactional ? real : { ...real, transactional: false, why: 'measured without the transaction' };
  s.env.sandbox = new CommandSandbox({
    enabled: () => true,
    home: join(s.root, 'home'),
    hiddenExtra: () => [],
    txBase: join(s.root, 'tx'),
    rgPath: findRipgrep(),
    detect: async () => status,
  });
  s.approvals.decisions = ['accept', 'accept'];
  let text = '';
  const sample = await measureHere(async () => {
    text = (await call(s, 'run_command', { command, timeout_seconds: 600 })).text;
  });
  rmSync(s.root, { recursive: true, force: true });
  const landed = /Workspace changes that landed \(([^)]*)\)/.exec(text)?.[1];
  if (transactional && !landed) throw new Error(`nothing landed: ${text.slice(0, 400)}`);
  const commandMs = Number(/after ([\d.]+) s/.exec(text)?.[1] ?? NaN) * 1000;
  const after = `the command itself ${commandMs.toFixed(0)} ms, the rest (setup, admission) ${(sample.ms - commandMs).toFixed(0)} ms`;
  return { ...sample, note: transactional ? `${after}; landed: ${landed}` : `${after}; written in place` };
}

const cases: Record<string, () => Promise<Sample>> = {
  '50,000 files, in place (bubblewrap alone)': () => runIn(false, TREE),
  '50,000 files, transaction (overlay + admission)': () => runIn(true, TREE),
  '100 MB file rewritten, in place': () => runIn(false, BIG, { 'big.bin': Buffer.alloc(100 << 20, 97) }),
  '100 MB file rewritten, transaction': () => runIn(true, BIG, { 'big.bin': Buffer.alloc(100 << 20, 97) }),
};

void runCases('A command’s writes as a transaction', cases, async () => {
  mkdirSync(tmpdir(), { recursive: true });
  writeFileSync(join(tmpdir(), '.gemini-bench-sandbox'), '');
});
