/**
 * The built-in rules for commands that run without asking inside the sandbox. Each rule is
 * argument-aware: it names the flags that keep the command read-only (or, for build and test
 * commands, that only run the project's own scripts), so a write or exec flag (`git log
 * --output`, `rg --pre`, `sort -o`, `sed -i`, `date -s`, `find -exec`) never matches and the
 * command asks. Unknown flags never match either: a rule fails closed.
 */

export type RuleKind = 'read' | 'build';

export type ArgCheck = (value: string, what: 'path' | 'rev-or-path') => string | undefined;

/** find's tests that only read; actions (-exec, -delete, -fprint, -ok, …) are not here. */
const FIND_TESTS_WITH_VALUE = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-iwholename',
  '-regex',
  '-iregex',
  '-type',
  '-xtype',
  '-maxdepth',
  '-mindepth',
  '-size',
  '-mtime',
  '-mmin',
  '-atime',
  '-amin',
  '-ctime',
  '-cmin',
  '-user',
  '-group',
  '-perm',
  '-links',
  '-uid',
  '-gid',
  '-regextype',
  '-printf',
]);
const FIND_TESTS = new Set([
  '-print',
  '-print0',
  '-ls',
  '-prune',
  '-empty',
  '-readable',
  '-writable',
  '-executable',
  '-not',
  '!',
  '-o',
  '-or',
  '-a',
  '-and',
  '(',
  ')',
  '-true',
  '-false',
  '-depth',
  '-follow',
  '-xdev',
  '-mount',
  '-nouser',
  '-nogroup',
  '-L',
  '-P',
  '-H',
  '-quit',
]);
const FIND_PATH_VALUED = new Set(['-newer', '-anewer', '-cnewer', '-samefile']);

function findArgs(rest: string[], checkArg: ArgCheck): string[] | undefined {
  const problems: string[] = [];
  let k = 0;
  for (; k < rest.length && !rest[k]!.startsWith('-') && rest[k] !== '!' && rest[k] !== '('; k++) {
    const why = checkArg(rest[k]!, 'path');
    if (why) problems.push(why);
  }
  for (; k < rest.length; k++) {
    const a = rest[k]!;
    if (FIND_TESTS.has(a)) continue;
    if (FIND_TESTS_WITH_VALUE.has(a) || FIND_PATH_VALUED.has(a)) {
      const v = rest[++k];
      if (v === undefined) return undefined;
      if (FIND_PATH_VALUED.has(a)) {
        const why = checkArg(v, 'path');
        if (why) problems.push(why);
      }
      continue;
    }
    return undefined; // an action or an unknown test: ask
  }
  return problems;
}

export interface CommandRule {
  /** The program and any fixed sub-command words, e.g. ['git', 'log']. */
  prefix: string[];
  kind: RuleKind;
  /** Flags allowed as they are (`--oneline`), or with a value after `=` when written `--format=`. */
  flags?: readonly string[];
  /** Single-letter flags that may be combined (`-la`). */
  letters?: string;
  /** Flags that take the next word as their value (`-n 5`, `-e PATTERN`); also `-n5`. */
  valued?: readonly string[];
  /** `-5` style numeric flags (head -5, git log -3). */
  numeric?: boolean;
  /** What positional arguments are: file paths (checked), free text, or not allowed. */
  positionals?: 'paths' | 'text' | 'none' | 'pattern-then-paths' | 'revs-and-paths';
  /** At most this many positional arguments (uniq IN OUT writes OUT). */
  maxPositionals?: number;
  /** Valued flags whose value is a path (checked like positionals). */
  pathValued?: readonly string[];
  /** Build/test rules: the words after `--` go to the project's scripts (paths still checked). */
  afterDashDash?: boolean;
  /** Commands with their own argument syntax (find): returns problems, or undefined for no match. */
  custom?: (rest: string[], checkArg: ArgCheck) => string[] | undefined;
}

const GIT_DIFF_FLAGS = [
  '--stat',
  '--shortstat',
  '--numstat',
  '--dirstat',
  '--summary',
  '--name-only',
  '--name-status',
  '--patch',
  '-p',
  '-u',
  '--no-patch',
  '-s',
  '--raw',
  '--patch-with-stat',
  '--cached',
  '--staged',
  '--color',
  '--color=',
  '--no-color',
  '--word-diff',
  '--word-diff=',
  '--color-words',
  '--ignore-all-space',
  '-w',
  '--ignore-space-change',
  '-b',
  '--ignore-blank-lines',
  '--ignore-cr-at-eol',
  '--minimal',
  '--patience',
  '--histogram',
  '--diff-algorithm=',
  '--unified=',
  '--relative',
  '--relative=',
  '-R',
  '--find-renames',
  '--find-renames=',
  '-M',
  '--diff-filter=',
  '--abbrev',
  '--abbrev=',
  '--full-index',
  '--binary',
  '--check',
  '--exit-code',
  '--quiet',
  '--no-renames',
  '--merge-base',
  '--src-prefix=',
  '--dst-prefix=',
  '--no-prefix',
  '--stat=',
  '--compact-summary',
  '--function-context',
  '-W',
  '--no-ext-diff',
  '--no-textconv',
] as const;

const GIT_LOG_FLAGS = [
  ...GIT_DIFF_FLAGS,
  '--oneline',
  '--graph',
  '--decorate',
  '--decorate=',
  '--no-decorate',
  '--all',
  '--branches',
  '--tags',
  '--remotes',
  '--format=',
  '--pretty',
  '--pretty=',
  '--abbrev-commit',
  '--no-abbrev-commit',
  '--since=',
  '--until=',
  '--after=',
  '--before=',
  '--author=',
  '--committer=',
  '--grep=',
  '--all-match',
  '--invert-grep',
  '--regexp-ignore-case',
  '-i',
  '--max-count=',
  '--skip=',
  '--reverse',
  '--first-parent',
  '--merges',
  '--no-merges',
  '--follow',
  '--date=',
  '--date-order',
  '--topo-order',
  '--author-date-order',
  '--left-right',
  '--cherry-pick',
  '--boundary',
  '--source',
  '--log-size',
  '--pickaxe-all',
  '--show-signature',
  '--notes',
  '--no-notes',
  '--full-history',
  '--simplify-merges',
  '--ancestry-path',
] as const;

const GREP_FLAGS = [
  '-r',
  '-R',
  '--recursive',
  '-n',
  '--line-number',
  '-i',
  '--ignore-case',
  '-l',
  '--files-with-matches',
  '-L',
  '--files-without-match',
  '-c',
  '--count',
  '-v',
  '--invert-match',
  '-w',
  '--word-regexp',
  '-x',
  '--line-regexp',
  '-E',
  '--extended-regexp',
  '-F',
  '--fixed-strings',
  '-G',
  '--basic-regexp',
  '-P',
  '--perl-regexp',
  '-o',
  '--only-matching',
  '-h',
  '--no-filename',
  '-H',
  '--with-filename',
  '-q',
  '--quiet',
  '-s',
  '--no-messages',
  '--include=',
  '--exclude=',
  '--exclude-dir=',
  '--color',
  '--color=',
  '--colour',
  '--colour=',
  '-I',
  '--binary-files=',
  '-a',
  '--text',
  '-z',
  '--null',
  '-Z',
  '--null-data',
  '-b',
  '--byte-offset',
  '-T',
  '--initial-tab',
  '--max-count=',
  '--context=',
  '--after-context=',
  '--before-context=',
  '--label=',
] as const;

const RG_FLAGS = [
  '-n',
  '--line-number',
  '-N',
  '--no-line-number',
  '-i',
  '--ignore-case',
  '-S',
  '--smart-case',
  '-s',
  '--case-sensitive',
  '-w',
  '--word-regexp',
  '-x',
  '--line-regexp',
  '-l',
  '--files-with-matches',
  '--files-without-match',
  '-c',
  '--count',
  '--count-matches',
  '-v',
  '--invert-match',
  '-F',
  '--fixed-strings',
  '-P',
  '--pcre2',
  '-o',
  '--only-matching',
  '-U',
  '--multiline',
  '--multiline-dotall',
  '--hidden',
  '--no-ignore',
  '--no-ignore-vcs',
  '-u',
  '-uu',
  '-uuu',
  '--files',
  '--json',
  '--vimgrep',
  '--heading',
  '--no-heading',
  '--color=',
  '--colors=',
  '--no-messages',
  '--sort=',
  '--sortr=',
  '--stats',
  '--trim',
  '-H',
  '--with-filename',
  '-I',
  '--no-filename',
  '-0',
  '--null',
  '-q',
  '--quiet',
  '--max-count=',
  '--max-depth=',
  '--max-filesize=',
  '--glob=',
  '--iglob=',
  '--type=',
  '--type-not=',
  '--type-list',
  '--context=',
  '--after-context=',
  '--before-context=',
  '--column',
  '-b',
  '--byte-offset',
  '-a',
  '--text',
  '-L',
  '--follow',
  '--one-file-system',
  '-r',
  '--replace=',
  '--passthru',
  '--no-config',
  '--max-columns=',
  '--max-columns-preview',
  '--engine=',
  '-E',
  '--encoding=',
  '--crlf',
  '--sort-files',
] as const;

// Flags of build and test runners that only change what is reported or which tests run.
const NPM: Partial<CommandRule> = { flags: ['--silent', '-s', '--quiet', '-q', '--if-present', '--no-fund', '--no-audit', '--loglevel=', '--color=', '--no-color'] };
const TSC: Partial<CommandRule> = {
  flags: ['--noEmit', '--pretty', '--incremental', '--listFiles', '--extendedDiagnostics', '--build', '-b', '--verbose', '--dry'],
  valued: ['-p', '--project'],
  pathValued: ['-p', '--project'],
};
const JS_TEST: Partial<CommandRule> = {
  flags: ['--silent', '--coverage', '--ci', '--runInBand', '--bail', '--reporter=', '--passWithNoTests'],
  valued: ['-t', '--testNamePattern'],
};
const MAKE: Partial<CommandRule> = { letters: 'knsiBw', valued: ['-j'], numeric: false, flags: ['--keep-going', '--dry-run', '--silent', '--no-print-directory'] };
const CARGO: Partial<CommandRule> = {
  flags: [
    '--release',
    '--all',
    '--workspace',
    '--all-targets',
    '--all-features',
    '--lib',
    '--bins',
    '--tests',
    '--quiet',
    '-q',
    '--verbose',
    '-v',
    '--locked',
    '--offline',
    '--frozen',
    '--no-fail-fast',
  ],
  valued: ['-p', '--package', '--features', '-j', '--jobs'],
};
const GO: Partial<CommandRule> = { flags: ['-v', '-race', '-short', '-cover', '-count=', '-run=', '-timeout=', '-failfast', '-json'], valued: ['-run', '-count', '-timeout'] };
const PYTEST: Partial<CommandRule> = {
  letters: 'qvxsl',
  flags: ['--quiet', '--verbose', '--exitfirst', '--lf', '--ff', '--tb=', '--maxfail=', '--no-header', '-rA'],
  valued: ['-k', '-m', '--tb', '--maxfail'],
};

export const BUILTIN_RULES: readonly CommandRule[] = [
  // ------------------------------------------------------------ read-only
  {
    prefix: ['ls'],
    kind: 'read',
    letters: 'aAlhRrtSd1FpigGnoLcuUvXx',
    flags: [
      '--all',
      '--almost-all',
      '--human-readable',
      '--recursive',
      '--reverse',
      '--color',
      '--color=',
      '--group-directories-first',
      '--classify',
      '--sort=',
      '--time=',
      '--full-time',
      '--inode',
      '--directory',
      '--literal',
      '--quoting-style=',
      '--indicator-style=',
      '--si',
    ],
    positionals: 'paths',
  },
  { prefix: ['pwd'], kind: 'read', letters: 'LP', positionals: 'none' },
  { prefix: ['echo'], kind: 'read', letters: 'neE', positionals: 'text' },
  { prefix: ['printf'], kind: 'read', positionals: 'text' },
  { prefix: ['true'], kind: 'read', positionals: 'text' },
  { prefix: ['false'], kind: 'read', positionals: 'text' },
  {
    prefix: ['cat'],
    kind: 'read',
    letters: 'nbsAETve',
    flags: ['--number', '--number-nonblank', '--squeeze-blank', '--show-all', '--show-ends', '--show-tabs'],
    positionals: 'paths',
  },
  {
    prefix: ['head'],
    kind: 'read',
    letters: 'qvz',
    valued: ['-n', '-c', '--lines', '--bytes'],
    flags: ['--lines=', '--bytes=', '--quiet', '--silent', '--verbose'],
    numeric: true,
    positionals: 'paths',
  },
  {
    prefix: ['tail'],
    kind: 'read',
    letters: 'qvz',
    valued: ['-n', '-c', '--lines', '--bytes'],
    flags: ['--lines=', '--bytes=', '--quiet', '--silent', '--verbose'],
    numeric: true,
    positionals: 'paths',
  },
  { prefix: ['wc'], kind: 'read', letters: 'lwcmL', flags: ['--lines', '--words', '--bytes', '--chars', '--max-line-length'], positionals: 'paths' },
  {
    prefix: ['sort'],
    kind: 'read',
    letters: 'bdfgiMhnRrVsuz',
    valued: ['-k', '-t', '--key', '--field-separator'],
    flags: [
      '--key=',
      '--field-separator=',
      '--reverse',
      '--numeric-sort',
      '--unique',
      '--ignore-case',
      '--human-numeric-sort',
      '--version-sort',
      '--stable',
      '--zero-terminated',
      '--general-numeric-sort',
      '--month-sort',
      '--ignore-leading-blanks',
      '--dictionary-order',
      '--check',
      '-c',
      '-C',
    ],
    positionals: 'paths',
  },
  {
    prefix: ['uniq'],
    kind: 'read',
    letters: 'cdDuiz',
    valued: ['-f', '-s', '-w', '--skip-fields', '--skip-chars', '--check-chars'],
    flags: ['--count', '--repeated', '--unique', '--ignore-case', '--zero-terminated', '--skip-fields=', '--skip-chars=', '--check-chars='],
    positionals: 'paths',
    maxPositionals: 1,
  },
  {
    prefix: ['cut'],
    kind: 'read',
    letters: 'sz',
    valued: ['-d', '-f', '-c', '-b', '--delimiter', '--fields', '--characters', '--bytes'],
    flags: ['--delimiter=', '--fields=', '--characters=', '--bytes=', '--only-delimited', '--complement', '--output-delimiter='],
    positionals: 'paths',
  },
  { prefix: ['tr'], kind: 'read', letters: 'cCdst', positionals: 'text' },
  { prefix: ['nl'], kind: 'read', valued: ['-b', '-n', '-w', '-s', '-v', '-i'], positionals: 'paths' },
  {
    prefix: ['grep'],
    kind: 'read',
    flags: GREP_FLAGS,
    letters: 'rRnilLcvwxEFGPohHqsIazZbT',
    valued: [
      '-e',
      '-f',
      '-m',
      '-A',
      '-B',
      '-C',
      '--regexp',
      '--file',
      '--max-count',
      '--context',
      '--after-context',
      '--before-context',
      '--include',
      '--exclude',
      '--exclude-dir',
    ],
    pathValued: ['-f', '--file'],
    numeric: true,
    positionals: 'pattern-then-paths',
  },
  {
    prefix: ['rg'],
    kind: 'read',
    flags: RG_FLAGS,
    letters: 'nNiSswxlcvFPoUuHI0qbaLr',
    valued: [
      '-e',
      '-g',
      '-t',
      '-T',
      '-m',
      '-A',
      '-B',
      '-C',
      '-d',
      '-r',
      '-E',
      '-M',
      '--regexp',
      '--glob',
      '--iglob',
      '--type',
      '--type-not',
      '--max-count',
      '--context',
      '--after-context',
      '--before-context',
      '--max-depth',
      '--replace',
      '--encoding',
      '--max-columns',
      '--sort',
      '--sortr',
      '--color',
    ],
    positionals: 'pattern-then-paths',
  },
  { prefix: ['which'], kind: 'read', letters: 'a', positionals: 'text' },
  { prefix: ['basename'], kind: 'read', letters: 'az', valued: ['-s'], positionals: 'text' },
  { prefix: ['dirname'], kind: 'read', letters: 'z', positionals: 'text' },
  {
    prefix: ['date'],
    kind: 'read',
    letters: 'uRI',
    valued: ['-d', '--date', '-r', '--reference'],
    flags: ['--utc', '--universal', '--rfc-email', '--iso-8601', '--iso-8601=', '--rfc-3339=', '--date='],
    positionals: 'text',
  },
  { prefix: ['whoami'], kind: 'read', positionals: 'none' },
  { prefix: ['uname'], kind: 'read', letters: 'asnrvmpio', flags: ['--all'], positionals: 'none' },
  { prefix: ['stat'], kind: 'read', letters: 'Lft', valued: ['-c', '--format', '--printf'], flags: ['--format=', '--dereference', '--terse'], positionals: 'paths' },
  { prefix: ['file'], kind: 'read', letters: 'bLiz', flags: ['--brief', '--mime', '--mime-type', '--dereference'], positionals: 'paths' },
  {
    prefix: ['du'],
    kind: 'read',
    letters: 'ahscLkmx',
    valued: ['-d', '--max-depth'],
    flags: ['--max-depth=', '--human-readable', '--summarize', '--total', '--apparent-size'],
    positionals: 'paths',
  },
  { prefix: ['df'], kind: 'read', letters: 'hkTil', flags: ['--human-readable', '--print-type', '--inodes'], positionals: 'paths' },
  { prefix: ['realpath'], kind: 'read', letters: 'esqzLPm', positionals: 'paths' },
  { prefix: ['readlink'], kind: 'read', letters: 'fenqsvz', positionals: 'paths' },
  {
    prefix: ['diff'],
    kind: 'read',
    letters: 'uqsywbBiNartpd',
    valued: ['-U', '-C', '--unified', '--context'],
    flags: ['--unified=', '--brief', '--recursive', '--new-file', '--ignore-all-space', '--ignore-space-change', '--side-by-side', '--color', '--color='],
    numeric: true,
    positionals: 'paths',
  },
  { prefix: ['cmp'], kind: 'read', letters: 'blsn', positionals: 'paths' },
  {
    prefix: ['tree'],
    kind: 'read',
    letters: 'adflisDpugFCnAJ',
    valued: ['-L', '-P', '-I'],
    flags: ['--dirsfirst', '--noreport', '--gitignore', '--charset='],
    positionals: 'paths',
  },
  { prefix: ['sleep'], kind: 'read', positionals: 'text', maxPositionals: 1 },
  { prefix: ['find'], kind: 'read', custom: findArgs },
  { prefix: ['node', '--version'], kind: 'read', positionals: 'none' },
  { prefix: ['node', '-v'], kind: 'read', positionals: 'none' },
  { prefix: ['npm', '--version'], kind: 'read', positionals: 'none' },
  {
    prefix: ['git', 'status'],
    kind: 'read',
    letters: 'sbuvz',
    flags: [
      '--short',
      '--branch',
      '--porcelain',
      '--porcelain=',
      '--long',
      '--verbose',
      '--untracked-files',
      '--untracked-files=',
      '--ignored',
      '--ignored=',
      '--ignore-submodules',
      '--ignore-submodules=',
      '--show-stash',
      '--ahead-behind',
      '--no-ahead-behind',
      '--renames',
      '--no-renames',
      '--column',
      '--no-column',
    ],
    positionals: 'paths',
  },
  { prefix: ['git', 'diff'], kind: 'read', flags: GIT_DIFF_FLAGS, valued: ['-U'], numeric: false, positionals: 'revs-and-paths' },
  { prefix: ['git', 'log'], kind: 'read', flags: GIT_LOG_FLAGS, valued: ['-n', '-U', '-S', '-G', '-L'], numeric: true, positionals: 'revs-and-paths' },
  { prefix: ['git', 'show'], kind: 'read', flags: GIT_LOG_FLAGS, valued: ['-U', '-n'], positionals: 'revs-and-paths' },
  {
    prefix: ['git', 'branch'],
    kind: 'read',
    letters: 'arv',
    flags: [
      '--list',
      '--all',
      '--remotes',
      '--verbose',
      '--show-current',
      '--merged',
      '--no-merged',
      '--contains',
      '--no-contains',
      '--sort=',
      '--format=',
      '--points-at',
      '--color',
      '--no-color',
      '--column',
      '--no-column',
    ],
    positionals: 'none',
  },
  {
    prefix: ['git', 'rev-parse'],
    kind: 'read',
    flags: [
      '--show-toplevel',
      '--show-prefix',
      '--show-cdup',
      '--git-dir',
      '--abbrev-ref',
      '--short',
      '--short=',
      '--verify',
      '--is-inside-work-tree',
      '--is-bare-repository',
      '--symbolic-full-name',
      '--quiet',
      '-q',
      '--absolute-git-dir',
    ],
    positionals: 'revs-and-paths',
  },
  {
    prefix: ['git', 'ls-files'],
    kind: 'read',
    letters: 'cdmotsz',
    flags: [
      '--cached',
      '--deleted',
      '--modified',
      '--others',
      '--ignored',
      '--stage',
      '--unmerged',
      '--exclude-standard',
      '--full-name',
      '--error-unmatch',
      '--directory',
      '--no-empty-directory',
      '--eol',
    ],
    positionals: 'paths',
  },
  {
    prefix: ['git', 'blame'],
    kind: 'read',
    letters: 'lstfnewcp',
    valued: ['-L'],
    flags: ['--porcelain', '--line-porcelain', '--show-name', '--show-number', '--date='],
    positionals: 'revs-and-paths',
  },
  { prefix: ['git', 'remote'], kind: 'read', letters: 'v', flags: ['--verbose'], positionals: 'none' },
  { prefix: ['git', 'stash', 'list'], kind: 'read', positionals: 'none' },
  { prefix: ['git', 'tag', '--list'], kind: 'read', positionals: 'text' },
  { prefix: ['git', 'tag', '-l'], kind: 'read', positionals: 'text' },
  { prefix: ['git', '--version'], kind: 'read', positionals: 'none' },
  // ------------------------------------------------------------ build and test (the project's own scripts, in the sandbox)
  ...(
    [
      [['npm', 'test'], NPM],
      [['npm', 't'], NPM],
      [['npm', 'run', 'test'], NPM],
      [['npm', 'run', 'build'], NPM],
      [['npm', 'run', 'lint'], NPM],
      [['npm', 'run', 'typecheck'], NPM],
      [['npm', 'run', 'check'], NPM],
      [['npm', 'run', 'compile'], NPM],
      [['yarn', 'test'], NPM],
      [['yarn', 'build'], NPM],
      [['yarn', 'lint'], NPM],
      [['yarn', 'run', 'test'], NPM],
      [['yarn', 'run', 'build'], NPM],
      [['yarn', 'run', 'lint'], NPM],
      [['pnpm', 'test'], NPM],
      [['pnpm', 'build'], NPM],
      [['pnpm', 'lint'], NPM],
      [['pnpm', 'run', 'test'], NPM],
      [['pnpm', 'run', 'build'], NPM],
      [['pnpm', 'run', 'lint'], NPM],
      [['npx', 'tsc'], TSC],
      [['tsc'], TSC],
      [['npx', 'eslint'], { flags: ['--fix-dry-run', '--quiet', '--max-warnings', '--ext', '--format'], valued: ['--max-warnings', '--ext', '--format'] }],
      [['npx', 'vitest', 'run'], JS_TEST],
      [['npx', 'jest'], JS_TEST],
      [['make'], MAKE],
      [['make', 'test'], MAKE],
      [['make', 'check'], MAKE],
      [['make', 'build'], MAKE],
      [['make', 'all'], MAKE],
      [['cargo', 'build'], CARGO],
      [['cargo', 'test'], CARGO],
      [['cargo', 'check'], CARGO],
      [['cargo', 'clippy'], CARGO],
      [['go', 'build'], GO],
      [['go', 'test'], GO],
      [['go', 'vet'], GO],
      [['pytest'], PYTEST],
      [['python', '-m', 'pytest'], PYTEST],
      [['python3', '-m', 'pytest'], PYTEST],
      [['mvn', 'test'], { letters: 'qBeX', flags: ['--quiet', '--batch-mode', '--offline', '-o'] }],
      [['mvn', 'verify'], { letters: 'qBeX', flags: ['--quiet', '--batch-mode', '--offline', '-o'] }],
      [['mvn', 'package'], { letters: 'qBeX', flags: ['--quiet', '--batch-mode', '--offline', '-o'] }],
      [['gradle', 'test'], { flags: ['--offline', '--quiet', '-q', '--info', '--stacktrace'] }],
      [['gradle', 'build'], { flags: ['--offline', '--quiet', '-q', '--info', '--stacktrace'] }],
      [['dotnet', 'build'], { flags: ['--no-restore', '--nologo'], valued: ['-c', '--configuration'] }],
      [['dotnet', 'test'], { flags: ['--no-restore', '--no-build', '--nologo'], valued: ['-c', '--configuration', '--filter'] }],
      [['ctest'], { letters: 'VQ', flags: ['--output-on-failure'], valued: ['-R', '-j'] }],
      [['cmake', '--build'], { valued: ['-j', '--parallel', '--target', '--config'] }],
    ] as Array<[string[], Partial<CommandRule>]>
  ).map(([prefix, o]): CommandRule => ({ prefix, kind: 'build', positionals: 'paths', afterDashDash: true, ...o })),
];

/**
 * Whether `argv` (program name already resolved) matches `rule`. Returns undefined when it does
 * not, or the list of problems found in its arguments (empty: a clean match).
 */
export function matchRule(argv: string[], rule: CommandRule, checkArg: ArgCheck): { problems: string[] } | undefined {
  const p = rule.prefix;
  if (argv.length < p.length) return undefined;
  for (let k = 0; k < p.length; k++) if (argv[k] !== p[k]) return undefined;
  const rest = argv.slice(p.length);
  const problems: string[] = [];
  if (rule.custom) {
    const r = rule.custom(rest, checkArg);
    return r ? { problems: r } : undefined;
  }
  const dashDash = rule.afterDashDash ? rest.indexOf('--') : -1;
  if (dashDash >= 0) {
    for (const a of rest.slice(dashDash + 1)) {
      const v = a.startsWith('-') ? (a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined) : a;
      const why = v !== undefined ? checkArg(v, 'path') : undefined;
      if (why) problems.push(why);
    }
    rest.length = dashDash;
  }
  const flags = new Set(rule.flags ?? []);
  const valued = new Set(rule.valued ?? []);
  const pathValued = new Set(rule.pathValued ?? []);
  const positionals: string[] = [];
  let patternGiven = false;
  let endOfFlags = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (endOfFlags || a === '-' || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    if (a === '--') {
      endOfFlags = true;
      continue;
    }
    if (rule.numeric && /^-\d+$/.test(a)) continue;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        const name = a.slice(0, eq + 1);
        if (!flags.has(name) && !valued.has(a.slice(0, eq))) return undefined;
        if (pathValued.has(a.slice(0, eq))) {
          const why = checkArg(a.slice(eq + 1), 'path');
          if (why) problems.push(why);
        }
        if (a.slice(0, eq) === '--regexp') patternGiven = true;
        continue;
      }
      if (flags.has(a)) continue;
      if (valued.has(a)) {
        const v = rest[++i];
        if (v === undefined) return undefined;
        if (pathValued.has(a)) {
          const why = checkArg(v, 'path');
          if (why) problems.push(why);
        }
        if (a === '--regexp' || a === '--file') patternGiven = true;
        continue;
      }
      return undefined;
    }
    // A short flag: exact, a valued flag (`-n 5` / `-n5`), or a combination of letters.
    if (flags.has(a)) continue;
    const head = a.slice(0, 2);
    if (valued.has(head)) {
      let v: string | undefined = a.slice(2);
      if (!v) {
        v = rest[++i];
        if (v === undefined) return undefined;
      }
      if (pathValued.has(head)) {
        const why = checkArg(v, 'path');
        if (why) problems.push(why);
      }
      if (head === '-e' || head === '-f') patternGiven = true;
      continue;
    }
    const letters = rule.letters ?? '';
    const body = a.slice(1);
    if (!body || ![...body].every((ch) => letters.includes(ch))) return undefined;
  }
  const mode = rule.positionals ?? 'paths';
  if (mode === 'none' && positionals.length) return undefined;
  if (rule.maxPositionals !== undefined && positionals.length > rule.maxPositionals) return undefined;
  const asPaths = mode === 'pattern-then-paths' && !patternGiven ? positionals.slice(1) : mode === 'text' || mode === 'none' ? [] : positionals;
  for (const v of asPaths) {
    const why = checkArg(v, mode === 'revs-and-paths' ? 'rev-or-path' : 'path');
    if (why) problems.push(why);
  }
  return { problems };
}
