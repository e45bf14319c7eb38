/**
 * A POSIX-shell command-line parser and the command policy. The parser splits a command line
 * into simple commands (through pipes, `;`, `&&`, `||`, `&`, newlines, sub-shells, `$(…)`,
 * backticks and process substitution), notes redirections and indirect execution, and the
 * classifier checks every simple command against the user's allow / ask / deny lists.
 * Anything the parser cannot classify asks. The model's text can never change the lists.
 */

export interface SimpleCommand {
  argv: string[];
  /** Files written by redirections (`>`, `>>`, `&>`, `>|`, `2>`), except /dev/null. */
  writes: string[];
}

export interface ParsedCommandLine {
  commands: SimpleCommand[];
  /** Reasons the line cannot be classified statically (unbalanced quotes, heredocs, …). */
  unparseable: string[];
  /** Constructs that run code we cannot see: eval, sh -c, $(…) results used as commands, … */
  indirect: string[];
  background: boolean;
}

type Tok = { kind: 'word'; value: string; dynamic: boolean } | { kind: 'op'; value: string };

const OPERATORS = ['&&', '||', ';;', '|&', '>>', '<<', '&>', '>|', '<&', '>&', '|', '&', ';', '<', '>', '(', ')', '\n'];

/** Tokenize; substitutions are parsed recursively into `nested`. */
function tokenize(src: string, out: ParsedCommandLine, depth: number): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = src.length;
  let word = '';
  let inWord = false;
  let dynamic = false;
  const flush = () => {
    if (inWord) toks.push({ kind: 'word', value: word, dynamic });
    word = '';
    inWord = false;
    dynamic = false;
  };
  /** Read a balanced $( … ) / ` … ` / <( … ) body starting after the opener. */
  const readBalanced = (open: string, close: string): string | undefined => {
    let level = 1;
    let body = '';
    while (i < n) {
      const c = src[i]!;
      if (c === '\\' && i + 1 < n) {
        body += c + src[i + 1];
        i += 2;
        continue;
      }
      if (c === "'" && open !== '`') {
        const end = src.indexOf("'", i + 1);
        if (end < 0) return undefined;
        body += src.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      if (open !== '`' && src.startsWith(open, i)) level++;
      if (src.startsWith(close, i)) {
        level--;
        if (level === 0) {
          i += close.length;
          return body;
        }
      }
      body += c;
      i++;
    }
    return undefined;
  };
  const substitution = (kind: string, body: string | undefined) => {
    if (body === undefined) {
      out.unparseable.push(`unbalanced ${kind}`);
      return;
    }
    if (depth > 8) {
      out.unparseable.push('nesting too deep');
      return;
    }
    const inner = parseInto(body, out, depth + 1);
    void inner;
  };

  while (i < n) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      inWord = true;
      word += src[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) {
        out.unparseable.push('unbalanced single quote');
        i = n;
        break;
      }
      inWord = true;
      word += src.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      inWord = true;
      i++;
      let closed = false;
      while (i < n) {
        const d = src[i]!;
        if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(src[i + 1]!)) {
          word += src[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '$' && src[i + 1] === '(') {
          i += 2;
          substitution('$(…)', readBalanced('(', ')'));
          dynamic = true;
          continue;
        }
        if (d === '`') {
          i++;
          substitution('backticks', readBalanced('`', '`'));
          dynamic = true;
          continue;
        }
        if (d === '$') dynamic = true;
        word += d;
        i++;
      }
      if (!closed) out.unparseable.push('unbalanced double quote');
      continue;
    }
    if (c === '$' && src[i + 1] === '(' && src[i + 2] === '(') {
      // Arithmetic $(( … )): no commands inside, but not a literal either.
      i += 3;
      const body = readBalanced('((', '))');
      if (body === undefined) out.unparseable.push('unbalanced $((…))');
      inWord = true;
      dynamic = true;
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      i += 2;
      substitution('$(…)', readBalanced('(', ')'));
      inWord = true;
      dynamic = true;
      continue;
    }
    if (c === '`') {
      i++;
      substitution('backticks', readBalanced('`', '`'));
      inWord = true;
      dynamic = true;
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      flush();
      i += 2;
      substitution('process substitution', readBalanced('(', ')'));
      toks.push({ kind: 'word', value: '/dev/fd/63', dynamic: true });
      continue;
    }
    if (c === '$') {
      inWord = true;
      dynamic = true;
      word += c;
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      // A file-descriptor number right before a redirection belongs to it (2>, 1>>).
      if ((op[0] === '>' || op[0] === '<') && inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else flush();
      toks.push({ kind: 'op', value: op });
      i += op.length;
      continue;
    }
    inWord = true;
    word += c;
    i++;
  }
  flush();
  return toks;
}

function parseInto(src: string, out: ParsedCommandLine, depth: number): ParsedCommandLine {
  const toks = tokenize(src, out, depth);
  let cur: SimpleCommand = { argv: [], writes: [] };
  const finish = () => {
    if (cur.argv.length || cur.writes.length) out.commands.push(cur);
    cur = { argv: [], writes: [] };
  };
  let parens = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'word') {
      // Leading assignments (FOO=bar cmd) are not the command name.
      if (cur.argv.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.value)) {
        if (t.dynamic) out.indirect.push(`an assignment with a substitution (${t.value.split('=')[0]}=…)`);
        continue;
      }
      if (cur.argv.length === 0 && t.dynamic) out.indirect.push('a command name that is computed at run time');
      cur.argv.push(t.value);
      continue;
    }
    switch (t.value) {
      case '|':
      case '|&':
      case '&&':
      case '||':
      case ';':
      case '\n':
        finish();
        break;
      case '&':
        out.background = true;
        finish();
        break;
      case '(':
        parens++;
        finish();
        break;
      case ')':
        parens--;
        finish();
        break;
      case '>':
      case '>>':
      case '&>':
      case '>|': {
        const target = toks[k + 1];
        if (!target || target.kind !== 'word') out.unparseable.push(`a redirection without a target`);
        else {
          k++;
          if (target.value !== '/dev/null') cur.writes.push(target.dynamic ? '(computed path)' : target.value);
        }
        break;
      }
      case '<':
      case '<&':
      case '>&': {
        const target = toks[k + 1];
        if (target && target.kind === 'word') k++;
        if (t.value === '>&' && target && target.kind === 'word' && !/^\d+$/.test(target.value) && target.value !== '-') cur.writes.push(target.value);
        break;
      }
      case '<<':
        out.unparseable.push('a here-document');
        break;
      case ';;':
        out.unparseable.push('a case statement');
        break;
      default:
        out.unparseable.push(`the operator ${t.value}`);
    }
  }
  finish();
  if (parens !== 0) out.unparseable.push('unbalanced parentheses');
  return out;
}

export function parseCommandLine(src: string): ParsedCommandLine {
  const out: ParsedCommandLine = { commands: [], unparseable: [], indirect: [], background: false };
  if (src.length > 20_000) {
    out.unparseable.push('the command line is too long');
    return out;
  }
  parseInto(src, out, 0);
  return out;
}

// ------------------------------------------------------------------ classification

export type Verdict = 'allow' | 'ask' | 'deny';

export interface CommandPolicyLists {
  /** Command prefixes that run without asking, e.g. "git status", "npm test". */
  allow: string[];
  /** Command prefixes that always ask. */
  ask: string[];
  /** Command prefixes that are refused. */
  deny: string[];
}

export interface Classification {
  verdict: Verdict;
  /** Why: shown in the chat (auto-approved calls say why they ran). */
  reason: string;
  commands: string[][];
}

/** Programs that execute other code given as arguments: their arguments cannot be classified. */
const INDIRECT_RUNNERS = new Set(['eval', 'exec', 'source', '.', 'sudo', 'doas', 'su', 'xargs', 'env', 'nohup', 'time', 'timeout', 'nice', 'watch', 'command', 'builtin', 'trap']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'pwsh', 'powershell', 'cmd', 'python', 'python3', 'node', 'perl', 'ruby', 'php', 'deno', 'bun']);
const INLINE_CODE_FLAGS = new Set(['-c', '-e', '--eval', '-Command', '/c', '-p', '--print', '-r']);

function words(rule: string): string[] {
  return rule.trim().split(/\s+/).filter(Boolean);
}

function basename(cmd: string): string {
  return cmd.replace(/^.*\//, '');
}

function matches(argv: string[], rule: string): boolean {
  const r = words(rule);
  if (!r.length || r.length > argv.length) return false;
  return r.every((w, k) => (k === 0 ? w === argv[0] || w === basename(argv[0]!) : w === argv[k] || w === '*'));
}

export const DEFAULT_COMMAND_POLICY: CommandPolicyLists = {
  allow: ['ls', 'pwd', 'echo', 'cat', 'head', 'tail', 'wc', 'sort', 'uniq', 'grep', 'rg', 'git status', 'git diff', 'git log', 'git show', 'git branch', 'git rev-parse', 'node --version', 'npm --version', 'which', 'true', 'false', 'date', 'whoami', 'uname'],
  ask: ['git push', 'git reset', 'git clean', 'git checkout', 'npm publish', 'rm'],
  deny: ['sudo', 'su', 'doas', 'mkfs', 'dd', 'shutdown', 'reboot', 'halt', 'poweroff', 'format', 'diskpart'],
};

/** Classify a command line against the user's lists. */
export function classifyCommand(commandLine: string, lists: CommandPolicyLists): Classification {
  const parsed = parseCommandLine(commandLine);
  const commands = parsed.commands.map((c) => c.argv);
  if (!commandLine.trim()) return { verdict: 'deny', reason: 'The command is empty.', commands };
  for (const c of parsed.commands) {
    const rule = lists.deny.find((r) => matches(c.argv, r));
    if (rule) return { verdict: 'deny', reason: `“${c.argv.join(' ')}” is denied by your command policy (rule “${rule}”).`, commands };
  }
  if (parsed.unparseable.length) return { verdict: 'ask', reason: `It contains ${parsed.unparseable.join(', ')}, which cannot be checked automatically.`, commands };
  if (parsed.indirect.length) return { verdict: 'ask', reason: `It uses ${[...new Set(parsed.indirect)].join(', ')}.`, commands };
  if (parsed.background) return { verdict: 'ask', reason: 'It starts a background job.', commands };
  const reasons: string[] = [];
  for (const c of parsed.commands) {
    if (!c.argv.length) {
      if (c.writes.length) return { verdict: 'ask', reason: `It writes to ${c.writes.join(', ')}.`, commands };
      continue;
    }
    const name = basename(c.argv[0]!);
    if (INDIRECT_RUNNERS.has(name)) return { verdict: 'ask', reason: `“${name}” runs other commands that cannot be checked.`, commands };
    if (SHELLS.has(name) && c.argv.some((a) => INLINE_CODE_FLAGS.has(a))) return { verdict: 'ask', reason: `“${name}” runs inline code.`, commands };
    if (name === 'find' && c.argv.some((a) => ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprintf', '-fls'].includes(a))) {
      return { verdict: 'ask', reason: '“find” with -exec/-delete runs commands or deletes files.', commands };
    }
    if (name === 'git' && c.argv.some((a) => a === '-c' || a.startsWith('--config') || a.startsWith('--exec-path'))) {
      return { verdict: 'ask', reason: '“git -c” can run configured commands.', commands };
    }
    if (c.writes.length) return { verdict: 'ask', reason: `It writes to ${c.writes.join(', ')}.`, commands };
    const askRule = lists.ask.find((r) => matches(c.argv, r));
    if (askRule) return { verdict: 'ask', reason: `“${c.argv.join(' ')}” always asks (rule “${askRule}”).`, commands };
    const allowRule = lists.allow.find((r) => matches(c.argv, r));
    if (!allowRule) return { verdict: 'ask', reason: `“${c.argv.slice(0, 3).join(' ')}” is not on your allow list.`, commands };
    reasons.push(allowRule);
  }
  if (!reasons.length) return { verdict: 'ask', reason: 'No command was found.', commands };
  return { verdict: 'allow', reason: `Ran without asking: every command matches your allow list (${[...new Set(reasons)].map((r) => `“${r}”`).join(', ')}).`, commands };
}
