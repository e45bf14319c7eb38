/**
 * What a piece of work costs the extension host (benchmarks, numbers not pass/fail): wall time,
 * the process's peak memory, and the longest event-loop stall (the longest time during which no
 * other extension in the window could have run). Each case runs in a fresh Node process so its
 * peak memory is its own; a baseline command (tar, git, rg) is measured the same way, its peak
 * being the child's own high-water mark.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Sample {
  ms: number;
  /** Peak resident memory of the process doing the work (MB). */
  peakMb: number;
  /** Longest stretch the Node event loop did not turn (ms). */
  stallMs: number;
  note?: string;
}

/** Measures `fn` in this process: wall time, longest stall (a 1 ms ticker's longest gap) and peak RSS. */
export async function measureHere(fn: () => Promise<string | void>): Promise<Sample> {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  last = t0;
  const note = await fn();
  const ms = performance.now() - t0;
  worst = Math.max(worst, performance.now() - last);
  clearInterval(tick);
  return { ms, peakMb: process.resourceUsage().maxRSS / 1024, stallMs: Math.max(0, worst - 1), note: note || undefined };
}

/** Runs a command to the end and measures it: wall time, its own peak memory (VmHWM), and this loop's stall while waiting. */
export async function measureCommand(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<Sample> {
  let childPeak = 0;
  const sample = await measureHere(
    () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'inherit'] });
        let peak = 0;
        let out = 0;
        const poll = setInterval(() => (peak = Math.max(peak, hwm(child.pid))), 2);
        child.stdout.on('data', (d: Buffer) => (out += d.length));
        child.on('error', reject);
        child.on('exit', () => {
          peak = Math.max(peak, hwm(child.pid));
          clearInterval(poll);
          childPeak = peak / 1024;
          resolve(`${cmd.split('/').pop()} in its own process (${(out / 1e6).toFixed(2)} MB out)`);
        });
        child.stdin.end(opts.input ?? '');
      }),
  );
  return { ...sample, peakMb: childPeak };
}

function hwm(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The bench's entry: as the parent, runs each named case in a fresh process (`node <bench> --case
 * <name>`) and prints a table; as a child, runs the one case and prints its sample as JSON.
 */
export async function runCases(title: string, cases: Record<string, () => Promise<Sample>>, prepare: () => Promise<void>): Promise<void> {
  const at = process.argv.indexOf('--case');
  if (at > 0) {
    const name = process.argv[at + 1]!;
    const sample = await cases[name]!();
    process.stdout.write(`\nSAMPLE ${JSON.stringify(sample)}\n`);
    return;
  }
  await prepare();
  console.log(`\n${title}\n`);
  console.log(`${'case'.padEnd(58)} ${'time'.padStart(10)} ${'peak mem'.padStart(10)} ${'longest stall'.padStart(14)}`);
  // A baseline row is compared with the product row before it: the ratio of their times.
  let product: { name: string; ms: number } | undefined;
  for (const name of Object.keys(cases)) {
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--expose-gc', process.argv[1]!, '--case', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    } catch (err) {
      console.log(`${name.padEnd(58)} failed: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    const line = out.split('\n').find((l) => l.startsWith('SAMPLE '));
    const s = JSON.parse(line!.slice(7)) as Sample;
    console.log(
      `${name.padEnd(58)} ${`${s.ms.toFixed(0)} ms`.padStart(10)} ${`${s.peakMb.toFixed(0)} MB`.padStart(10)} ${`${s.stallMs.toFixed(1)} ms`.padStart(14)}${s.note ? `   ${s.note}` : ''}`,
    );
    if (!name.startsWith('baseline')) product = { name, ms: s.ms };
    else if (product) console.log(`${'  ratio: product / this baseline'.padEnd(58)} ${`${(product.ms / s.ms).toFixed(2)}×`.padStart(10)}`);
  }
}
