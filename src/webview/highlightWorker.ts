/**
 * Syntax highlighting off the webview's main thread: highlight.js (and its grammars, compiled on
 * first use) runs here; the page gets a tree of class names and text back (`hlTree.ts`), never
 * HTML. Started from a blob: URL by `main.ts`; it has no DOM and no network.
 */
import hljs from 'highlight.js/lib/common';
import { hljsTree, hlText, type HlNode } from './markdown/hlTree';

interface Request {
  id: number;
  code: string;
  lang: string;
}
const ctx = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(m: unknown): void };
ctx.onmessage = (e) => {
  const { id, code, lang } = e.data;
  let tree: HlNode[] | null = null;
  try {
    if (hljs.getLanguage(lang)) tree = hljsTree(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value);
  } catch {
    tree = null;
  }
  // Highlighting never changes the text: if it would, the code shows plain.
  if (tree && hlText(tree) !== code) tree = null;
  ctx.postMessage({ id, tree });
};
