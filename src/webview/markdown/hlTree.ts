/**
 * Highlighted code as data, not HTML: highlight.js's output (spans with classes around escaped
 * text) is read once, in the highlighter's worker, into a tree of class names and strings. The
 * page builds spans and text nodes from it, so no HTML is parsed on the page, and anything else
 * in the output (which highlight.js never produces) means no highlighting at all.
 */
export type HlNode = string | { c: string; k: HlNode[] };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };

/** highlight.js HTML into a tree; null when it holds anything but `<span class="…">`, `</span>` and escaped text. */
export function hljsTree(html: string): HlNode[] | null {
  const root: HlNode[] = [];
  const stack: HlNode[][] = [root];
  const re = /<span class="([\w\- ]*)">|<\/span>|([^<]+)/gy;
  let at = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    at = re.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[2] !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|#x27|#39);)/.test(m[2])) return null;
      top.push(m[2].replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e]!));
    } else if (m[1] !== undefined) {
      const span = { c: m[1], k: [] as HlNode[] };
      top.push(span);
      stack.push(span.k);
    } else if (stack.length === 1) return null;
    else stack.pop();
  }
  return at === html.length && stack.length === 1 ? root : null;
}

/** The tree as the text it highlights (a check that it still matches the code shown). */
export function hlText(nodes: readonly HlNode[]): string {
  let s = '';
  for (const n of nodes) s += typeof n === 'string' ? n : hlText(n.k);
  return s;
}
