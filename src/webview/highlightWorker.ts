/**
 * Syntax highlighting off the webview's main thread: highlight.js (and its grammars, compiled on
 * first use) runs here; the page gets HTML back (highlight.js escapes the code) and keeps only
 * `span class` from it. Started from a blob: URL by `main.ts`; it has no DOM and no network.
 */
import hljs from 'highlight.js/lib/common';

interface Request {
  id: number;
  code: string;
  lang: string;
}
const ctx = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(m: unknown): void };
ctx.onmessage = (e) => {
  const { id, code, lang } = e.data;
  let html: string | null = null;
  try {
    if (hljs.getLanguage(lang)) html = hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    html = null;
  }
  ctx.postMessage({ id, html });
};
