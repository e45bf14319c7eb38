/**
 * The user's allow entries (`gemini.tools.commands.allow`) get the built-in rules' argument
 * awareness. An entry names a program (and sub-command words): it allows that program only with
 * the flags that keep it read-only or build-only. A flag that writes, runs another program or
 * changes the host still asks unless the entry spells that exact flag (`sed -i`, `find -delete`).
 *
 * - A program with built-in rules (`rg`, `find`, `sort`, `date`, `git log`, …): the command, less
 *   the flags the entry spells, must match one of those rules, whose flag lists fail closed.
 * - A program this module knows (`sed`, `awk`, `tar`, `curl`, `git fetch`, interpreters, …): its
 *   writing and executing flags and arguments (a sed script's `e` and `w` commands, an awk
 *   program's `system()`) ask.
 * - Any other program: long flags named like writing or executing ones (`--exec`, `--output`,
 *   `--in-place`, …) and the short `-o -e -x -c -i` ask; the rest is the user's choice.
 * - Programs that run another command (`xargs`, `env CMD`, `timeout`, `nice`, shells) ask.
 */
import type { ArgCheck, CommandRule } from './commandRules';
import { matchRule } from './commandRules';

/** Programs that run the command they are given: an entry for them would allow anything. */
const RUNS_OTHERS = new Set([
  'xargs',
  'timeout',
  'nice',
  'nohup',
  'time',
  'stdbuf',
  'watch',
  'ionice',
  'setsid',
  'chrt',
  'taskset',
  'flock',
  'strace',
  'ltrace',
  'unbuffer',
  'parallel',
  'sh',
  'bash',
  'zsh',
  'dash',
  'fish',
  'ksh',
  'csh',
  'tcsh',
  'exec',
  'eval',
  'command',
  'builtin',
  'su',
  'sudo',
  'doas',
  'script',
  'expect',
  'busybox',
]);

/** sed: a script that runs (e), writes (w, W) or reads commands from a file. */
function sedScriptDanger(script: string): string | undefined {
  // A command letter e/w/W at the start of a command (after an address or a separator), or s///…e / s///…w.
  if (/(^|[;{}\n])\s*([0-9$]+|\/[^/]*\/)?\s*,?\s*([0-9$]+|\/[^/]*\/)?\s*!?\s*[ewW](\s|$|;)/.test(script)) return 'a sed script that runs or writes (its e or w command)';
  const s = /(?:^|[;{}\n]|\s)s(.)/.exec(script);
  if (s) {
    const d = s[1]!;
    const esc = d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const m = new RegExp(`s${esc}(?:\\\\.|[^${esc}\\\\])*${esc}(?:\\\\.|[^${esc}\\\\])*${esc}([^;}\\n]*)`).exec(script);
    if (m && /[ew]/.test(m[1]!.replace(/\s.*$/, ''))) return 'a sed substitution with the e (run) or w (write) flag';
  }
  return undefined;
}

/** awk: a program that runs commands, writes files or loads extensions. */
function awkProgramDanger(program: string): string | undefined {
  if (/\bsystem\s*\(|\|\s*getline|\|\s*&|"\s*\|\s*|\|\s*"|print[f]?\b[^;}]*[>|]|@load|\bclose\s*\(|\bfflush\s*\(/.test(program))
    return 'an awk program that runs commands or writes files';
  return undefined;
}

interface Knowledge {
  /** Flags (exact, or a prefix ending in `=` or `*`) that write, run programs or change the host. */
  flags?: string[];
  /** Short letters that are dangerous anywhere in a cluster (`sed -ni` holds -i). */
  letters?: string;
  /** A check on the positional arguments. */
  positional?: (args: string[]) => string | undefined;
}

const INTERPRETER: Knowledge = { flags: ['-e', '-c', '-p', '-r', '-E', '--eval', '--print', '--require', '--import', '--loader', '--experimental-loader', '-m', '--command'] };
const GIT: Knowledge = {
  flags: [
    '--upload-pack',
    '--receive-pack',
    '--exec',
    '-u',
    '--config',
    '--template',
    '--exec-path',
    '--output',
    '-o',
    '--output-directory',
    '--ext-diff',
    '--textconv',
    '--open-files-in-pager',
    '-O',
    '-x',
    '--extcmd',
    '--tool',
    '-t',
    '--command',
    '--run',
    '--editor',
    '--pager',
    '--hook',
    '--no-verify*',
  ],
};

const KNOWN: Record<string, Knowledge> = {
  sed: {
    letters: 'if',
    flags: ['--in-place*', '--file*', '-s', '--separate'],
    // Every positional: a script given with -e comes before the files too, and a file named `w` asking is harmless.
    positional: (args) => args.map(sedScriptDanger).find(Boolean),
  },
  awk: { flags: ['-f', '--file*', '-i', '--include*', '-l', '--load*', '-E', '--exec*'], positional: (args) => args.map(awkProgramDanger).find(Boolean) },
  find: { flags: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'] },
  rg: { flags: ['--pre', '--hostname-bin', '--search-zip', '-z'] },
  grep: { flags: ['--include-from*'] },
  date: { letters: 's', flags: ['--set*', '-f', '--file*'] },
  sort: { letters: 'oT', flags: ['--output*', '--compress-program*', '--temporary-directory*', '--files0-from*'] },
  tree: { letters: 'o', flags: ['--fromfile'] },
  uniq: { positional: (args) => (args.length > 1 ? 'a second file argument, which uniq writes' : undefined) },
  xxd: { letters: 'r', positional: (args) => (args.length > 1 ? 'a second file argument, which xxd writes' : undefined) },
  tee: { positional: (args) => (args.length ? 'file arguments, which tee writes' : undefined) },
  column: { letters: 'c' },
  tar: {
    flags: [
      '--extract',
      '--get',
      '--create',
      '--append',
      '--update',
      '--delete',
      '--to-command*',
      '--use-compress-program*',
      '-I',
      '--checkpoint-action*',
      '--info-script*',
      '-F',
      '--new-volume-script*',
      '--rsh-command*',
      '-C',
      '--directory*',
    ],
    // The old style: the first argument is a cluster of option letters without a dash (`tar xzf a.tgz`).
    positional: (args) =>
      args[0] && /^[AcdrtuxvfzjJpZkmwhBiOSGgKlMW]+$/.test(args[0]) && /[xcruA]/.test(args[0]) ? `“${args[0]}”, which extracts or writes an archive` : undefined,
    letters: 'xcruA',
  },
  curl: {
    flags: [
      '-o',
      '-O',
      '--output*',
      '--remote-name*',
      '-T',
      '--upload-file*',
      '-K',
      '--config*',
      '--libcurl*',
      '-D',
      '--dump-header*',
      '-c',
      '--cookie-jar*',
      '--trace*',
      '--stderr*',
      '-d',
      '--data*',
      '-F',
      '--form*',
      '--json*',
      '--create-dirs',
      '--output-dir*',
    ],
  },
  wget: {
    flags: [
      '-O',
      '--output-document*',
      '-o',
      '--output-file*',
      '-a',
      '--append-output*',
      '-P',
      '--directory-prefix*',
      '--post-file*',
      '--body-file*',
      '-e',
      '--execute*',
      '-i',
      '--input-file*',
      '--use-askpass*',
    ],
  },
  rsync: { flags: ['-e', '--rsh*', '--rsync-path*', '--remove-source-files', '--delete*'] },
  git: GIT,
  npm: {
    flags: ['-g', '--global', '--prefix*', '--script-shell*', '--node-options*', '--userconfig*', '--globalconfig*', '--call*', '-c'],
    positional: (a) => (['exec', 'x', 'explore', 'edit'].includes(a[0] ?? '') ? `npm ${a[0]} runs a program of its own` : undefined),
  },
  npx: { flags: ['-c', '--call*', '-p', '--package*'] },
  pnpm: {
    flags: ['-g', '--global', '--prefix*', '-c', '--shell-mode'],
    positional: (a) => (['dlx', 'exec', 'x'].includes(a[0] ?? '') ? `pnpm ${a[0]} runs a program of its own` : undefined),
  },
  yarn: { flags: ['--global', '-g'], positional: (a) => (['dlx', 'exec', 'global'].includes(a[0] ?? '') ? `yarn ${a[0]} runs a program of its own` : undefined) },
  make: {
    flags: ['-f', '--file*', '--makefile*', '-C', '--directory*', '--eval*', '-E', '-I', '--include-dir*'],
    positional: (a) => (a.some((x) => /^[A-Za-z_][A-Za-z0-9_]*\s*[:+?!]?=/.test(x) && /\$[({]shell\b|\$\(\s*shell/.test(x)) ? 'a variable that runs a shell command' : undefined),
  },
  node: INTERPRETER,
  python: INTERPRETER,
  python3: INTERPRETER,
  ruby: INTERPRETER,
  perl: { ...INTERPRETER, letters: 'ein' },
  deno: { flags: ['eval', '--allow-all', '-A', '--allow-run*', '--allow-write*'] },
  bun: { flags: ['-e', '--eval', '-p', '--print', 'x'] },
  docker: { flags: ['-v', '--volume*', '--privileged', '--mount*', '--pid*', '--network*', '--cap-add*', '-H', '--host*'] },
  kubectl: { flags: ['--kubeconfig*', '--as*', '-f', '--filename*'] },
  ssh: { flags: ['-o', '-F', '-L', '-R', '-D', '-W', '-w', '-J'] },
  scp: { flags: ['-o', '-F', '-S'] },
  env: { letters: 'iSu', flags: ['--split-string*', '--ignore-environment', '--unset*', '--chdir*', '-C'] },
};

/** Long flags named like ones that write, run programs or change the host (for programs not in KNOWN). */
const GENERIC_LONG =
  /^--(exec|execute|eval|command|cmd|run|shell|script|pre|post|hook|plugin|load|require|import|loader|upload|output|out|write|in-?place|delete|remove|rm|set|config|rcfile|init-file|editor|pager|tool|extcmd|to-command|use-compress-program|compress-program|checkpoint-action|rsh|rsync-path|upload-pack|receive-pack|exec-path|prefix|global|unsafe|allow-root|privileged|force|apply|fix|install|uninstall|publish|push|kill|signal|inject|preload)([-=_]|$)/i;
const GENERIC_SHORT = 'oexci';

function flagDanger(flag: string, k: Knowledge | undefined): boolean {
  const list = k?.flags;
  if (list) {
    for (const f of list) {
      if (f.endsWith('*') ? flag.startsWith(f.slice(0, -1)) : flag === f || (f.startsWith('--') && flag.startsWith(`${f}=`))) return true;
    }
  }
  if (!k) {
    if (flag.startsWith('--')) return GENERIC_LONG.test(flag);
    if (/^-[a-zA-Z]/.test(flag)) return [...flag.slice(1)].some((c) => GENERIC_SHORT.includes(c));
    return false;
  }
  if (k.letters && /^-[a-zA-Z0-9]/.test(flag) && !flag.startsWith('--')) {
    const body = flag.slice(1).replace(/=.*$/, '');
    return [...body].some((c) => k.letters!.includes(c));
  }
  return false;
}

/** Words of an entry: the prefix (program and sub-commands, `*` for any one word) and the flags it spells. */
export function entryParts(entry: string): { prefix: string[]; spelled: string[] } {
  const w = entry.trim().split(/\s+/).filter(Boolean);
  const k = w.findIndex((x, i) => i > 0 && x.startsWith('-'));
  return k < 0 ? { prefix: w, spelled: [] } : { prefix: w.slice(0, k), spelled: w.slice(k) };
}

function prefixMatches(argv: string[], prefix: string[]): boolean {
  if (!prefix.length || prefix.length > argv.length) return false;
  return prefix.every((w, k) => w === argv[k] || (k > 0 && w === '*'));
}

/** Whether the user's entry `entry` matches `argv` by its prefix (its flags are checked by `checkEntry`). */
export function entryMatches(argv: string[], entry: string): boolean {
  return prefixMatches(argv, entryParts(entry).prefix);
}

/**
 * Whether `argv` runs unasked under the user's entry: `{}` when it does, else why it asks. Paths
 * among the arguments are checked by `check` (outside the workspace, secrets).
 */
export function checkEntry(argv: string[], entry: string, rules: readonly CommandRule[], check: ArgCheck): { ask?: string } {
  const { prefix, spelled } = entryParts(entry);
  const program = argv[0]!;
  const spelledHas = (a: string) => spelled.some((s) => a === s || (s.endsWith('=') && a.startsWith(s)));
  const rest = argv.slice(prefix.length);
  if (RUNS_OTHERS.has(program) || (program === 'env' && rest.some((a) => !a.startsWith('-') && !a.includes('=')))) {
    return { ask: `“${program}” runs another command, which your entry “${entry}” cannot vouch for; allow that command instead.` };
  }
  // Spelled flags are the user's explicit choice; the rest keeps the built-in awareness.
  const kept = [...argv.slice(0, prefix.length), ...rest.filter((a) => !spelledHas(a))];
  const own = rules.filter((r) => prefixMatches(kept, r.prefix));
  if (own.length) {
    for (const rule of own) {
      const m = matchRule(kept, rule, check);
      if (!m) continue;
      if (m.problems.length) return { ask: `It reads ${m.problems.slice(0, 2).join('; ')}.` };
      return {};
    }
    const flags = kept.slice(prefix.length).filter((a) => a.startsWith('-') && a !== '-' && a !== '--');
    return {
      ask: `“${kept.join(' ')}” uses ${flags.length ? `flags (${flags.slice(0, 3).join(' ')})` : 'arguments'} that the built-in rule for “${own[0]!.prefix.join(' ')}” does not allow; your entry “${entry}” allows them only if it spells them.`,
    };
  }
  const known = KNOWN[program] ?? (program.startsWith('python') ? INTERPRETER : /^(g|m|n)awk$/.test(program) ? KNOWN.awk : undefined);
  const positionals: string[] = [];
  let endOfFlags = false;
  for (const a of kept.slice(prefix.length)) {
    if (!endOfFlags && a === '--') {
      endOfFlags = true;
      continue;
    }
    if (!endOfFlags && a.startsWith('-') && a !== '-') {
      if (flagDanger(a, known)) return { ask: `“${a}” can write files, run programs or change the host; your entry “${entry}” allows it only if it spells “${a}”.` };
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined;
      const why = v !== undefined ? check(v, 'path') : undefined;
      if (why) return { ask: `It reads ${why}.` };
      continue;
    }
    positionals.push(a);
  }
  const p = known?.positional?.(positionals);
  if (p) return { ask: `It has ${p}; your entry “${entry}” does not allow that.` };
  for (const a of positionals) {
    const why = check(a, 'path');
    if (why) return { ask: `It reads ${why}.` };
  }
  return {};
}
