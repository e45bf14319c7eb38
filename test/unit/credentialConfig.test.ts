import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRedactableConfig, redactConfig } from '../../src/core/agents/credentialConfig';

const cases: Array<{ file: string; text: string; want: string; removed: number }> = [
  {
    file: '.npmrc',
    text: 'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_abc123\n//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\n_auth = dXNlcjpwYXNz\n//h/:_password=cGFzcw==\nalways-auth=true\n; _authToken=commented\n',
    want: 'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=\n//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\n_auth = \n//h/:_password=\nalways-auth=true\n; _authToken=commented\n',
    removed: 3,
  },
  {
    file: 'packages/app/.yarnrc.yml',
    text: 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\nnpmAuthToken: "abc"\nnpmScopes:\n  x:\n    npmAuthIdent: |\n      user:pass\n    npmAlwaysAuth: true\n    npmRegistryServer: "https://u:p@registry.example.com"\nenableTelemetry: false\n',
    want: 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\nnpmAuthToken: ""\nnpmScopes:\n  x:\n    npmAuthIdent: ""\n    npmAlwaysAuth: true\n    npmRegistryServer: "https://registry.example.com"\nenableTelemetry: false\n',
    removed: 3,
  },
  {
    file: '.yarnrc',
    text: 'registry "https://registry.yarnpkg.com"\n"//registry.npmjs.org/:_authToken" "tok"\n',
    want: 'registry "https://registry.yarnpkg.com"\n"//registry.npmjs.org/:_authToken" ""\n',
    removed: 1,
  },
  { file: '.pypirc', text: '[pypi]\r\nusername: __token__\r\npassword: pypi-AgEI\r\n', want: '[pypi]\r\nusername: __token__\r\npassword: \r\n', removed: 1 },
  {
    file: 'gradle.properties',
    text: 'org.gradle.jvmargs=-Xmx2g\nsigning.password=hunter2\nsigning.keyId=ABCD\n',
    want: 'org.gradle.jvmargs=-Xmx2g\nsigning.password=\nsigning.keyId=ABCD\n',
    removed: 1,
  },
  {
    file: '.s3cfg',
    text: '[default]\naccess_key = AKIA\nsecret_key = abc/def\nhost_base = s3.amazonaws.com\n',
    want: '[default]\naccess_key = \nsecret_key = \nhost_base = s3.amazonaws.com\n',
    removed: 2,
  },
  {
    file: '.mvn/settings.xml',
    text: '<server><id>x</id><username>me</username><password>hunter2</password><privateKey>${env.KEY}</privateKey></server>\n',
    want: '<server><id>x</id><username>me</username><password></password><privateKey>${env.KEY}</privateKey></server>\n',
    removed: 1,
  },
  { file: 'pip.conf', text: '[global]\nindex-url = https://user:tok@pypi.example.com/simple\n', want: '[global]\nindex-url = https://pypi.example.com/simple\n', removed: 1 },
];

test('credential values are removed from configuration files; the settings around them stay', () => {
  for (const c of cases) {
    assert.ok(isRedactableConfig(c.file), c.file);
    const r = redactConfig(c.file, c.text);
    assert.equal(r.text, c.want, c.file);
    assert.equal(r.removed, c.removed, c.file);
  }
});

test('only configuration files are rewritten; a file without a credential is unchanged', () => {
  for (const f of ['src/app.ts', '.env', 'README.md', 'npmrc.md']) assert.equal(isRedactableConfig(f), false, f);
  assert.deepEqual(redactConfig('.npmrc', 'save-exact=true\nengine-strict=true\n'), { text: 'save-exact=true\nengine-strict=true\n', removed: 0 });
});

test('credentials in inline maps are removed too, whatever the line’s own key', () => {
  const yaml = redactConfig(
    '.yarnrc.yml',
    'npmScopes: { babel: { npmAuthToken: npm_SECRET1, npmAlwaysAuth: true } }\nnpmRegistries: {"//r.example": {"npmAuthIdent": "u:SECRET2"}}\n',
  );
  assert.equal(yaml.text, 'npmScopes: { babel: { npmAuthToken: "", npmAlwaysAuth: true } }\nnpmRegistries: {"//r.example": {"npmAuthIdent": ""}}\n');
  assert.equal(yaml.removed, 2);
  const toml = redactConfig('.cargo/config.toml', '[registries]\nmine = { index = "sparse+https://r.example/", token = "SECRET3" }\nother = { token = "${CARGO_TOKEN}" }\n');
  assert.equal(toml.text, '[registries]\nmine = { index = "sparse+https://r.example/", token = "" }\nother = { token = "${CARGO_TOKEN}" }\n');
  assert.equal(toml.removed, 1);
});
