/**
 * The command policy: which command lines run without asking. A command line is read with the
 * bash grammar (shellParse.ts); every simple command in it must match a built-in argument-aware
 * rule (commandRules.ts) or a rule the user added, and everything the classifier cannot fully
 * account for asks. Nothing runs unasked outside the OS sandbox. The model's text can never
 * change the lists (they come from user settings only).
 */
import { existsSync, realpathSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { checkEntry, entryMatches } from './allowEntries';
import { BUILTIN_RULES, matchRule, type CommandRule } from './commandRules';
import { secretReason, within } from './paths';
import { analyzeWith, bashParser, revealHidden, type CommandLineAnalysis, type SimpleCommand } from './shellParse';
import { errorText } from '../../shared/errorText';

export type Verdict = 'allow' | 'ask' | 'deny';

export interface CommandPolicyLists {
  /**
   * Extra programs (and sub-commands) that run without asking in the sandbox, e.g. "npm run dev",
   * with the flags that keep them read-only or build-only; a writing or executing flag asks unless
   * the entry spells it ("sed -i"). See allowEntries.ts.
   */
  allow: string[];
  /** Command prefixes that always ask (they win over allow rules). */
  ask: string[];
  /** Command prefixes that are refused. */
  deny: string[];
}

export const DEFAULT_COMMAND_POLICY: CommandPolicyLists = {
  allow: [],
  ask: ['git push', 'git reset', 'git clean', 'git checkout', 'git restore', 'git rebase', 'npm publish', 'rm'],
  deny: ['sudo', 'su', 'doas', 'pkexec', 'mkfs', 'dd', 'shutdown', 'reboot', 'halt', 'poweroff', 'format', 'diskpart'],
};

export interface Classification {
  verdict: Verdict;
  /** Why: shown in the chat (auto-approved calls say why they ran). */
  reason: string;
  /** The simple commands found (literal words), for display and tests. */
  commands: string[][];
}

/** What the classifier needs to know about where the command will run. */
export interface CommandContext {
  /** Real path of the working directory. */
  cwd: string;
  /** Real paths of the workspace folders. */
  roots: string[];
  /** The command will run inside the OS sandbox (nothing runs unasked otherwise). */
  sandboxed: boolean;
  /** Why there is no sandbox (shown when a command asks because of it). */
  noSandboxReason?: string;
  /** PATH as the command will see it (defaults to this process's). */
  path?: string;
}

/** Shell builtins: they run whatever PATH holds. */
const BUILTINS = new Set(['echo', 'printf', 'pwd', 'true', 'false', 'cd', 'test', '[', 'type', 'command', 'read', 'set', 'export']);

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Where a program name resolves on PATH (undefined: not found). */
export function resolveProgram(name: string, cwd: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    const d = dir === '' ? cwd : resolve(cwd, dir);
    const candidate = join(d, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return real(candidate);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function words(rule: string): string[] {
  return rule.trim().split(/\s+/).filter(Boolean);
}

function prefixMatches(argv: string[], rule: string): boolean {
  const r = words(rule);
  if (!r.length || r.length > argv.length) return false;
  return r.every((w, k) => w === argv[k] || (k > 0 && w === '*'));
}

/** git's own options before the sub-command: only the harmless ones are understood. */
function normalizeGit(argv: string[], check: (v: string) => string | undefined, problems: string[]): string[] | undefined {
  if (argv[0] !== 'git') return argv;
  const out = ['git'];
  let k = 1;
  for (; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--no-pager' || a === '--no-optional-locks' || a === '-P') continue;
    if (a === '-C') {
      const dir = argv[++k];
      if (dir === undefined) return undefined;
      const why = check(dir);
      if (why) problems.push(why);
      continue;
    }
    if (a.startsWith('-')) return undefined; // -c, --git-dir, --exec-path, --work-tree, …: ask
    break;
  }
  return [...out, ...argv.slice(k)];
}

export class CommandClassifier {
  constructor(
    private readonly lists: CommandPolicyLists,
    private readonly ctx: CommandContext,
    private readonly rules: readonly CommandRule[] = BUILTIN_RULES,
  ) {}

  /**
   * Why an argument that names a file may not be read unasked, or undefined. A `cd` earlier on
   * the line may or may not have happened (pipelines, `||`): the path must pass from every
   * working directory it could be relative to.
   */
  private checkPath(value: string, cwds: string[], what: 'path' | 'rev-or-path'): string | undefined {
    for (const cwd of cwds) {
      const why = this.checkPathFrom(value, cwd, what);
      if (why) return why;
    }
    return undefined;
  }

  private checkPathFrom(value: string, cwd: string, what: 'path' | 'rev-or-path'): string | undefined {
    if (value === '-' || value === '') return undefined;
    if (value === '/dev/null') return undefined;
    const abs = normalize(isAbsolute(value) ? value : join(cwd, value));
    const exists = existsSync(abs);
    if (what === 'rev-or-path' && !exists) {
      // A revision, or REV:PATH (git show HEAD:.env reads a file from history).
      const colon = value.indexOf(':');
      if (colon >= 0) {
        const inner = value.slice(colon + 1);
        const why = inner ? secretReason(inner) : undefined;
        if (why) return `“${value}” reads ${why} from the history`;
      }
      if (!isAbsolute(value) && value !== '..' && !value.startsWith('../')) return undefined;
    }
    const inside = this.ctx.roots.find((r) => within(r, abs));
    if (!inside) return `“${value}” is outside the workspace`;
    const r = exists ? real(abs) : abs;
    const owner = this.ctx.roots.find((root) => within(root, r));
    if (!owner) return `“${value}” resolves (through a link) to a place outside the workspace`;
    const why = secretReason(relative(owner, r).split('\\').join('/'));
    if (why) return `“${value}” is ${why}`;
    return undefined;
  }

  classifyAnalysis(commandLine: string, a: CommandLineAnalysis): Classification {
    const commands = a.commands.filter((c) => c.literal).map((c) => c.argv);
    if (!commandLine.trim()) return { verdict: 'deny', reason: 'The command is empty.', commands };
    // Deny rules look at every command, nested ones too.
    for (const c of a.commands) {
      if (!c.literal || !c.argv.length) continue;
      const argv = [c.argv[0]!.replace(/^.*\//, ''), ...c.argv.slice(1)];
      const rule = this.lists.deny.find((r) => prefixMatches(argv, r));
      if (rule) return { verdict: 'deny', reason: `“${c.argv.join(' ')}” is denied by your command policy (rule “${rule}”).`, commands };
    }
    const ask = (why: string): Classification => ({ verdict: 'ask', reason: why, commands });
    if (a.concerns.length) return ask(`${a.concerns.slice(0, 3).join('; ')}: it cannot be checked automatically.`);
    if (!this.ctx.sandboxed) return ask(this.ctx.noSandboxReason ?? 'Commands run without the OS sandbox, so every command asks.');
    const cwds = [this.ctx.cwd];
    const used: string[] = [];
    for (const c of a.commands) {
      const r = this.checkCommand(c, cwds);
      if ('ask' in r) return ask(r.ask);
      for (const d of r.cd ?? []) if (!cwds.includes(d)) cwds.push(d);
      used.push(r.rule);
    }
    if (!used.length) return ask('No command was found.');
    return {
      verdict: 'allow',
      reason: `Ran in the sandbox without asking: ${[...new Set(used)].map((r) => `“${r}”`).join(', ')} ${used.length === 1 ? 'is' : 'are'} allowed there (read-only or build/test).`,
      commands,
    };
  }

  private checkCommand(c: SimpleCommand, cwds: string[]): { rule: string; cd?: string[] } | { ask: string } {
    if (c.nested) return { ask: 'It nests commands that cannot be checked.' };
    const shown = revealHidden(c.argv.join(' '));
    if (c.assignments.length) return { ask: `It sets ${c.assignments.join(', ')} for the command; leading environment assignments always ask.` };
    for (const r of c.redirects) {
      const dupFd = (r.op === '>&' || r.op === '<&') && r.target !== undefined && /^(\d+|-)$/.test(r.target);
      if (dupFd) continue;
      if ((r.op === '>' || r.op === '>>' || r.op === '&>' || r.op === '>|' || r.op === '&>>') && r.target === '/dev/null') continue;
      if (r.op === '<' && r.target !== undefined) {
        const why = this.checkPath(r.target, cwds, 'path');
        if (why) return { ask: `It reads ${why}.` };
        continue;
      }
      return { ask: `It writes to ${r.target ? `“${r.target}”` : 'a file'} (redirection ${r.fd ?? ''}${r.op}).` };
    }
    const name = c.argv[0];
    if (!name) return { ask: 'No command was found.' };
    if (name.includes('/')) return { ask: `“${shown}” runs a program by its path; only programs found on PATH outside the workspace run without asking.` };
    if (name === 'cd') {
      if (c.argv.length > 2) return { ask: '“cd” with more than one argument.' };
      const target = c.argv[1];
      if (!target) return { ask: '“cd” without a folder goes to the home folder.' };
      const why = this.checkPath(target, cwds, 'path');
      if (why) return { ask: `It changes to ${why}.` };
      return { rule: 'cd', cd: cwds.map((d) => real(resolve(d, target))) };
    }
    if (!BUILTINS.has(name)) {
      for (const d of cwds) {
        const prog = resolveProgram(name, d, this.ctx.path);
        if (!prog) return { ask: `“${name}” is not a program found on PATH.` };
        if (this.ctx.roots.some((r) => within(r, prog))) return { ask: `“${name}” resolves to ${prog}, a program inside the workspace.` };
      }
    }
    const askRule = this.lists.ask.find((r) => prefixMatches(c.argv, r));
    if (askRule) return { ask: `“${shown}” always asks (your rule “${askRule}”).` };
    const problems: string[] = [];
    const check = (v: string, what: 'path' | 'rev-or-path' = 'path') => this.checkPath(v, cwds, what);
    const argv = normalizeGit(c.argv, check, problems);
    if (!argv) return { ask: `“${shown}” uses git options that are not checked automatically.` };
    for (const rule of this.rules) {
      const m = matchRule(argv, rule, check);
      if (!m) continue;
      const all = [...problems, ...m.problems];
      if (all.length) return { ask: `It reads ${all.slice(0, 2).join('; ')}.` };
      return { rule: rule.prefix.join(' ') };
    }
    // The user's entries, with the built-in rules' argument awareness (allowEntries.ts).
    const entries = this.lists.allow.filter((r) => entryMatches(argv, r));
    let entryAsk: string | undefined;
    for (const entry of entries) {
      const r = checkEntry(argv, entry, this.rules, check);
      if (!r.ask) {
        if (problems.length) return { ask: `It reads ${problems.slice(0, 2).join('; ')}.` };
        return { rule: entry };
      }
      entryAsk ??= r.ask;
    }
    if (entryAsk) return { ask: entryAsk };
    return { ask: `“${shown.length > 80 ? shown.slice(0, 77) + '…' : shown}” is not a read-only or build command with arguments the policy knows.` };
  }
}

/** Classify a command line against the user's lists (loads the shell grammar on first use). */
export async function classifyCommand(commandLine: string, lists: CommandPolicyLists, ctx: CommandContext): Promise<Classification> {
  let parser: Awaited<ReturnType<typeof bashParser>>;
  try {
    parser = await bashParser();
  } catch (err) {
    // Fail closed: without the grammar nothing is understood, so everything asks.
    return { verdict: 'ask', reason: `The shell grammar could not be loaded (${errorText(err).split('\n')[0]}), so every command asks.`, commands: [] };
  }
  return new CommandClassifier(lists, ctx).classifyAnalysis(commandLine, analyzeWith(parser, commandLine));
}
