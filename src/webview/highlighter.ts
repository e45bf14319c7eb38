/**
 * Syntax highlighting runs in a worker (off this thread). Its script is one of the extension's
 * own files: fetched, then started from a blob: URL (a worker must be same-origin).
 */
import { renderDocument, setHighlighter, type HlNode } from './markdown';

export function startHighlighter(): void {
  const url = document.querySelector('meta[name="gemini-highlighter"]')?.getAttribute('content');
  if (!url) return;
  let worker: Worker | undefined;
  let next = 0;
  const waiting = new Map<number, (tree: HlNode[] | null) => void>();
  const giveUp = () => {
    for (const r of waiting.values()) r(null);
    waiting.clear();
  };
  const ready = fetch(url)
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((code) => {
      worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      worker.onmessage = (e: MessageEvent<{ id: number; tree: unknown }>) => {
        waiting.get(e.data.id)?.(Array.isArray(e.data.tree) ? (e.data.tree as HlNode[]) : null);
        waiting.delete(e.data.id);
      };
      worker.onerror = () => {
        console.warn('[gemini] the highlighter stopped; code shows without colours');
        worker = undefined;
        giveUp();
      };
    });
  ready.catch((e: unknown) => console.warn(`[gemini] highlighting unavailable: ${String(e)}`));
  setHighlighter((code, lang) =>
    ready.then(
      () =>
        new Promise<HlNode[] | null>((resolve) => {
          if (!worker) return resolve(null);
          const id = ++next;
          waiting.set(id, resolve);
          worker.postMessage({ id, code, lang });
        }),
    ),
  );
}

const WARM_UP =
  '# a\n\nSome *text* with `code`, a [link](https://example.com) and www.example.com.\n\n- [ ] one\n- two\n\n1. x\n\n> q\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```ts\nx\n```\n\n[r]: https://example.com\n';

/** The first parse compiles the parser (and its link detector): done while idle, not in the first answer's frame. */
export function warmUpWhenIdle(): void {
  requestIdleCallback(() => renderDocument(document.createElement('div'), WARM_UP), { timeout: 2000 });
}
