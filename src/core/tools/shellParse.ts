/**
 * Command lines read with a real shell grammar: tree-sitter-bash (the WASM build VS Code ships
 * in `@vscode/tree-sitter-wasm`). `analyzeCommandLine` turns a line into the simple commands it
 * runs, with their literal words, assignments and redirections, and a list of *concerns*:
 * everything whose effect cannot be known from the text alone (expansions, substitutions,
 * globs, here-documents, control structures, control characters, parse errors). The classifier
 * fails closed: any concern means the command asks.
 */
import { dirname, join } from 'node:path';
import { HIDDEN_CHARS, ODD_SPACES, hasHiddenChars, revealHidden } from '../../shared/hidden';

export { revealHidden };

/* The subset of web-tree-sitter's API used here (typed locally: the package ships its own d.ts). */
interface TsNode {
  type: string;
  text: string;
  isNamed: boolean;
  isMissing: boolean;
  hasError: boolean;
  childCount: number;
  child(i: number): TsNode | null;
  childForFieldName(name: string): TsNode | null;
}
interface TsTree {
  rootNode: TsNode;
  delete(): void;
}
interface TsParser {
  setLanguage(lang: unknown): void;
  parse(src: string): TsTree | null;
}
interface TsModule {
  Parser: { init(opts: { locateFile(file: string): string }): Promise<void>; new (): TsParser };
  Language: { load(path: string): Promise<unknown> };
}

let loading: Promise<TsParser> | undefined;
let wasmDir: string | undefined;

/** Where the WASM files are (the extension's dist/ folder; tests use the package folder). */
export function setShellWasmDir(dir: string): void {
  wasmDir = dir;
}

function defaultWasmDir(): string {
  // Unbundled (unit tests): the package's own folder. The extension sets dist/ at activation.
  const resolve = (require as NodeJS.Require & { resolve(id: string): string }).resolve;
  return dirname(resolve('@vscode/tree-sitter-wasm'));
}

/** The bash parser, loaded once on first use (about 30 ms). */
export function bashParser(): Promise<TsParser> {
  loading ??= (async () => {
    const dir = wasmDir ?? defaultWasmDir();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('@vscode/tree-sitter-wasm') as TsModule;
    await ts.Parser.init({ locateFile: (f: string) => join(dir, f) });
    const lang = await ts.Language.load(join(dir, 'tree-sitter-bash.wasm'));
    const p = new ts.Parser();
    p.setLanguage(lang);
    return p;
  })().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `>&`, `&>`, `<<`, `<<<`, … */
  op: string;
  /** File descriptor before the operator (`2>`), if any. */
  fd?: string;
  /** The literal target, or undefined when it is computed. */
  target?: string;
}

export interface SimpleCommand {
  /** Literal words: the command name first. Only meaningful when `literal` is true. */
  argv: string[];
  /** Every word is a plain literal (no expansion, glob or substitution). */
  literal: boolean;
  /** Leading `NAME=value` assignments (names only). */
  assignments: string[];
  redirects: Redirect[];
  /** Inside a substitution, subshell, function or control structure (never auto-approved). */
  nested: boolean;
}

export interface CommandLineAnalysis {
  commands: SimpleCommand[];
  /** Why the line cannot be classified from its text (empty: fully understood). */
  concerns: string[];
}

/** The literal value of an unquoted word, or a concern. */
function unquotedWord(text: string): { value: string } | { concern: string } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 < text.length) out += text[++i];
      continue;
    }
    if (c === '*' || c === '?' || c === '[') return { concern: `a file-name pattern (${text})` };
    if (c === '{' || c === '}') return { concern: `brace expansion (${text})` };
    if (c === '~' && i === 0) return { concern: `a home-directory path (${text})` };
    if (c === '!') return { concern: `history or negation syntax (${text})` };
    if (c === '$' || c === '`') return { concern: `an expansion (${text})` };
    out += c;
  }
  return { value: out };
}

/** Escapes that keep their meaning inside double quotes. */
function doubleQuotedContent(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

const SUBSTITUTIONS = new Set(['command_substitution', 'process_substitution']);
const EXPANSIONS: Record<string, string> = {
  simple_expansion: 'a variable expansion',
  expansion: 'a parameter expansion',
  arithmetic_expansion: 'arithmetic expansion',
  command_substitution: 'command substitution',
  process_substitution: 'process substitution',
  ansi_c_string: "an ANSI-C quoted string ($'…')",
  translated_string: 'a translated string ($"…")',
  brace_expression: 'brace expansion',
};

class Analyzer {
  readonly commands: SimpleCommand[] = [];
  readonly concerns: string[] = [];

  concern(c: string): void {
    if (!this.concerns.includes(c)) this.concerns.push(c);
  }

  /** Find commands inside any subtree (substitutions, control structures): for deny rules. */
  nestedCommands(n: TsNode): void {
    if (n.type === 'command') {
      this.command(n, true);
      return;
    }
    for (let i = 0; i < n.childCount; i++) this.nestedCommands(n.child(i)!);
  }

  /** The literal value of an argument node, or undefined (with a concern recorded). */
  word(n: TsNode): string | undefined {
    switch (n.type) {
      case 'word': {
        const r = unquotedWord(n.text);
        if ('concern' in r) {
          this.concern(`It uses ${r.concern}`);
          return undefined;
        }
        return r.value;
      }
      case 'number':
        return n.text;
      case 'raw_string':
        return n.text.slice(1, -1);
      case 'string': {
        let out = '';
        let ok = true;
        for (let i = 0; i < n.childCount; i++) {
          const c = n.child(i)!;
          if (c.type === '"') continue;
          if (c.type === 'string_content') out += doubleQuotedContent(c.text);
          else {
            ok = false;
            this.concern(`It uses ${EXPANSIONS[c.type] ?? c.type} inside a string`);
            if (SUBSTITUTIONS.has(c.type)) this.nestedCommands(c);
          }
        }
        return ok ? out : undefined;
      }
      case 'concatenation': {
        let out = '';
        let ok = true;
        for (let i = 0; i < n.childCount; i++) {
          const v = this.word(n.child(i)!);
          if (v === undefined) ok = false;
          else out += v;
        }
        return ok ? out : undefined;
      }
      default:
        this.concern(`It uses ${EXPANSIONS[n.type] ?? `the shell construct “${n.type}”`}`);
        if (SUBSTITUTIONS.has(n.type) || n.type === 'arithmetic_expansion' || n.type === 'expansion') this.nestedCommands(n);
        return undefined;
    }
  }

  redirect(n: TsNode, cmd: SimpleCommand): void {
    if (n.type === 'heredoc_redirect') {
      this.concern('It uses a here-document');
      cmd.redirects.push({ op: '<<' });
      return;
    }
    if (n.type === 'herestring_redirect') {
      this.concern('It uses a here-string');
      cmd.redirects.push({ op: '<<<' });
      return;
    }
    if (n.type !== 'file_redirect') {
      this.concern(`It uses the redirection “${n.type}”`);
      return;
    }
    const r: Redirect = { op: '' };
    let targetSeen = false;
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i)!;
      if (c.type === 'file_descriptor') r.fd = c.text;
      else if (!c.isNamed) r.op = c.type;
      else if (!targetSeen) {
        targetSeen = true;
        r.target = this.word(c);
      } else {
        // `echo > x hi`: words after the target are arguments of the command.
        const v = this.word(c);
        if (v === undefined) cmd.literal = false;
        else cmd.argv.push(v);
      }
    }
    cmd.redirects.push(r);
  }

  command(n: TsNode, nested: boolean, redirects: TsNode[] = []): void {
    const cmd: SimpleCommand = { argv: [], literal: true, assignments: [], redirects: [], nested };
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i)!;
      switch (c.type) {
        case 'variable_assignment': {
          const name = c.childForFieldName('name')?.text ?? c.text.split('=')[0]!;
          cmd.assignments.push(name);
          const value = c.childForFieldName('value');
          if (value) this.word(value);
          break;
        }
        case 'command_name': {
          const inner = c.child(0);
          const v = inner ? this.word(inner) : undefined;
          if (v === undefined) {
            cmd.literal = false;
            this.concern('Its command name is computed when it runs');
          } else cmd.argv.push(v);
          break;
        }
        case 'file_redirect':
        case 'heredoc_redirect':
        case 'herestring_redirect':
          this.redirect(c, cmd);
          break;
        case 'comment':
          break;
        default: {
          if (!c.isNamed) {
            this.concern(`It uses “${c.type}” inside a command`);
            break;
          }
          const v = this.word(c);
          if (v === undefined) cmd.literal = false;
          else cmd.argv.push(v);
        }
      }
    }
    for (const r of redirects) this.redirect(r, cmd);
    if (cmd.argv.length === 0 && cmd.literal && !cmd.assignments.length) this.concern('It has a redirection without a command');
    this.commands.push(cmd);
  }

  /** A statement at the top level (or inside a list or pipeline). */
  statement(n: TsNode): void {
    switch (n.type) {
      case 'command':
        this.command(n, false);
        return;
      case 'list':
      case 'pipeline':
        for (let i = 0; i < n.childCount; i++) {
          const c = n.child(i)!;
          if (c.isNamed) this.statement(c);
          else if (!['&&', '||', '|', '|&'].includes(c.type)) this.concern(`It uses the operator “${c.type}”`);
        }
        return;
      case 'redirected_statement': {
        const body = n.childForFieldName('body');
        const redirects: TsNode[] = [];
        for (let i = 0; i < n.childCount; i++) {
          const c = n.child(i)!;
          if (c !== body && c.isNamed && c.type.endsWith('redirect')) redirects.push(c);
        }
        if (body?.type === 'command') this.command(body, false, redirects);
        else {
          if (body) this.statement(body);
          this.concern('It redirects the output of a group of commands');
          const dummy: SimpleCommand = { argv: [], literal: true, assignments: [], redirects: [], nested: false };
          for (const r of redirects) this.redirect(r, dummy);
        }
        return;
      }
      case 'comment':
        return;
      case 'variable_assignment':
      case 'variable_assignments':
        this.concern('It sets shell variables');
        this.nestedCommands(n);
        return;
      default: {
        const names: Record<string, string> = {
          subshell: 'a subshell “( … )”',
          compound_statement: 'a command group “{ … }”',
          if_statement: 'an if statement',
          for_statement: 'a for loop',
          c_style_for_statement: 'a for loop',
          while_statement: 'a while loop',
          case_statement: 'a case statement',
          function_definition: 'a function definition',
          negated_command: 'a negated command “!”',
          test_command: 'a test “[[ … ]]”',
          declaration_command: 'a declaration (export, local, declare, readonly)',
          unset_command: 'unset',
        };
        this.concern(`It uses ${names[n.type] ?? `the shell construct “${n.type}”`}`);
        this.nestedCommands(n);
      }
    }
  }

  program(root: TsNode): void {
    for (let i = 0; i < root.childCount; i++) {
      const c = root.child(i)!;
      if (c.isNamed) this.statement(c);
      else if (c.type === '&') this.concern('It starts a background job (&)');
      else if (c.type !== ';' && c.type !== '\n' && c.type !== ';;') this.concern(`It uses the operator “${c.type}”`);
      else if (c.type === ';;') this.concern('It uses “;;”');
    }
  }
}

function hasErrorNodes(n: TsNode): boolean {
  if (n.type === 'ERROR' || n.isMissing) return true;
  if (!n.hasError) return false;
  for (let i = 0; i < n.childCount; i++) if (hasErrorNodes(n.child(i)!)) return true;
  return false;
}

/** Analyze a command line (the parser must be loaded: `await bashParser()` first). */
export function analyzeWith(parser: TsParser, src: string): CommandLineAnalysis {
  const a = new Analyzer();
  if (hasHiddenChars(src))
    a.concern(`It contains invisible or control characters (${[...new Set(src.match(new RegExp(HIDDEN_CHARS.source, 'g')) ?? [])].map((c) => revealHidden(c)).join(' ')})`);
  if (ODD_SPACES.test(src)) a.concern('It contains space characters that only look like spaces');
  if (src.length > 20_000) {
    a.concern('The command line is very long');
    return { commands: [], concerns: a.concerns };
  }
  const tree = parser.parse(src);
  if (!tree) {
    a.concern('The command line could not be parsed');
    return { commands: [], concerns: a.concerns };
  }
  try {
    const root = tree.rootNode;
    if (hasErrorNodes(root)) a.concern('The shell grammar cannot parse it completely (unbalanced quotes or brackets?)');
    a.program(root);
  } finally {
    tree.delete();
  }
  return { commands: a.commands, concerns: a.concerns };
}

export async function analyzeCommandLine(src: string): Promise<CommandLineAnalysis> {
  return analyzeWith(await bashParser(), src);
}
