/** The settings table and package.json declare exactly the same settings (key, type, default, scope, enum, bounds). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS, type SettingSpec } from '../../src/core/settings';

interface Declared {
  type?: string;
  default?: unknown;
  scope?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
}

const declared = (JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, Declared> } } }).contributes.configuration
  .properties;
const table = new Map(Object.values(SETTINGS).map((s) => [s.key, s as SettingSpec<unknown>]));

export function compareSettings(pkg: Record<string, Declared>, specs: Map<string, SettingSpec<unknown>>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(pkg)) if (!specs.has(key)) problems.push(`${key} is in package.json but not in the settings table`);
  for (const [key, s] of specs) {
    const d = pkg[key];
    if (!d) {
      problems.push(`${key} is in the settings table but not in package.json`);
      continue;
    }
    if (d.type !== s.type) problems.push(`${key}: type ${d.type} in package.json, ${s.type} in the table`);
    if (JSON.stringify(d.default) !== JSON.stringify(s.default))
      problems.push(`${key}: default ${JSON.stringify(d.default)} in package.json, ${JSON.stringify(s.default)} in the table`);
    if ((d.scope ?? 'window') !== (s.scope ?? 'window')) problems.push(`${key}: scope ${d.scope} in package.json, ${s.scope} in the table`);
    if (JSON.stringify(d.enum) !== JSON.stringify(s.enum ? [...s.enum] : undefined)) problems.push(`${key}: enum differs`);
    if (d.minimum !== s.minimum || d.maximum !== s.maximum) problems.push(`${key}: bounds differ`);
    if (s.userOnly && d.scope !== 'application') problems.push(`${key} is read from user settings only, so package.json must scope it to the application`);
  }
  return problems;
}

test('package.json and the settings table agree, both ways', () => {
  assert.deepEqual(compareSettings(declared, table), []);
});

test('the comparison fails when a key is added to one side only', () => {
  const extraInPkg = { ...declared, 'gemini.somethingNew': { type: 'boolean', default: false } };
  assert.match(compareSettings(extraInPkg, table).join('\n'), /gemini\.somethingNew is in package\.json but not in the settings table/);
  const extraInTable = new Map(table);
  extraInTable.set('gemini.onlyInTable', { key: 'gemini.onlyInTable', type: 'string', default: '' });
  assert.match(compareSettings(declared, extraInTable).join('\n'), /gemini\.onlyInTable is in the settings table but not in package\.json/);
  const changed = { ...declared, 'gemini.model': { ...declared['gemini.model'], default: 'other' } };
  assert.match(compareSettings(changed, table).join('\n'), /gemini\.model: default/);
});

test('every setting that decides where the key goes or what runs unasked is user-only', () => {
  for (const name of [
    'apiBaseUrl',
    'apiVersion',
    'useEnvironmentKey',
    'autoApproveEdits',
    'sandboxEnabled',
    'allowCommands',
    'askCommands',
    'denyCommands',
    'commandTimeoutSeconds',
  ] as const) {
    assert.equal(SETTINGS[name].userOnly, true, name);
  }
});
