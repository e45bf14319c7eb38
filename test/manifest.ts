/** package.json as VS Code shows it in English: each `%key%` replaced by its text from package.nls.json. */
import { readFileSync } from 'node:fs';

export function englishManifest<T = Record<string, unknown>>(): T {
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
  const resolve = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^%([^%]+)%$/.exec(v);
      return m?.[1] !== undefined && m[1] in nls ? nls[m[1]] : v;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  return resolve(JSON.parse(readFileSync('package.json', 'utf8'))) as T;
}
