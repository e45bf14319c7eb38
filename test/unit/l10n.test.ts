/**
 * Translations: every user-facing string is in every language with the same placeholders, the
 * bundle is current with the sources, and `l10n.t` fills placeholders and falls back to English.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { l10n, setL10nBundle } from '../../src/shared/l10n';

interface L10nScript {
  LANGUAGES: string[];
  check(): string[];
  compare(english: Record<string, string>, translated: Record<string, string>, where: string): string[];
  extract(): { messages: string[]; dynamic: string[] };
}
const script = () => import(pathToFileURL(join(process.cwd(), 'scripts/l10n.mjs')).href) as Promise<L10nScript>;

test('every language has every string of the host, the webview and the manifest, with the same placeholders', async () => {
  const { check, extract, LANGUAGES } = await script();
  assert.deepEqual(LANGUAGES, ['id', 'zh-cn', 'pl', 'vi']);
  assert.deepEqual(check(), []);
  // The sources really are localized: the chat's buttons, the approvals and the errors are in the bundle.
  const { messages } = extract();
  assert.ok(messages.length > 400, `${messages.length} strings`);
  for (const m of ['Send', 'Stop', 'Explain with Gemini', 'Run this command in the sandbox ({0})?', 'No Gemini API key is set. Run “Gemini: Set API Key” to add one.'])
    assert.ok(messages.includes(m), m);
});

test('the check catches a missing string, an extra one and a changed placeholder', async () => {
  const { compare } = await script();
  const en = { 'Open {0}?': 'Open {0}?', 'Run $(play)': 'Run $(play)', 'See “gemini.model”': 'See “gemini.model”', '[Go](command:x.y)': '[Go](command:x.y)' };
  assert.deepEqual(
    compare(en, { 'Open {0}?': 'Buka {0}?', 'Run $(play)': 'Jalankan $(play)', 'See “gemini.model”': 'Lihat „gemini.model”', '[Go](command:x.y)': '[Ayo](command:x.y)' }, 'ok'),
    [],
  );
  const bad = compare(en, { 'Open {0}?': 'Buka {1}?', 'Run $(play)': 'Jalankan', 'See “gemini.model”': 'Lihat pengaturan model', Extra: 'x' }, 'bad');
  assert.equal(bad.length, 5, bad.join('\n'));
});

test('l10n.t: positional and named placeholders, the bundle, English as the fallback', () => {
  try {
    assert.equal(l10n.t('Open {0}?', 'a.ts'), 'Open a.ts?');
    assert.equal(l10n.t('{0} of {1}, again {0}', 1, 2), '1 of 2, again 1');
    assert.equal(l10n.t('Hello {name}', { name: 'Ada' }), 'Hello Ada');
    assert.equal(l10n.t('Left {0}', undefined), 'Left ');
    assert.equal(l10n.t('Keep {unknown} as is'), 'Keep {unknown} as is');
    setL10nBundle({ 'Open {0}?': 'Buka {0}?' });
    assert.equal(l10n.t('Open {0}?', 'a.ts'), 'Buka a.ts?');
    assert.equal(l10n.t('Not translated {0}', 'x'), 'Not translated x');
  } finally {
    setL10nBundle(undefined);
  }
});
