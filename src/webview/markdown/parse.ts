/**
 * The markdown parser: markdown-it (CommonMark + GFM tables, strikethrough, autolinks; task lists
 * by a small core rule here), with reference definitions kept as tokens and inline parsing one
 * top-level block at a time (a missing reference label is attributed to its block).
 */
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';

let md: InstanceType<typeof MarkdownIt> | undefined;
/** The parser, made on first use (nothing runs when the module loads). */
function parser(): InstanceType<typeof MarkdownIt> {
  if (md) return md;
  const it = new MarkdownIt('default', { html: true, linkify: true, typographer: false });
  // Keep reference definitions as tokens: they mark block boundaries the streamer must respect.
  it.core.ruler.disable('strip_references');
  // Inline parsing one top-level block at a time, so a missing reference label is attributed to its block.
  it.core.ruler.at('inline', (state: StateCore) => {
    const env = state.env as ParseEnv;
    const tokens = state.tokens;
    let block = -1;
    env.inInline = true;
    for (const tok of tokens) {
      if (tok.level === 0 && tok.nesting >= 0) block++;
      if (tok.type === 'inline') {
        env.block = block;
        state.md.inline.parse(tok.content, state.md, state.env, tok.children ?? (tok.children = []));
      }
    }
    env.inInline = false;
  });
  // GFM task list items: `- [ ] text` / `- [x] text`.
  it.core.ruler.push('task_lists', (state: StateCore) => {
    const t = state.tokens;
    for (let i = 2; i < t.length; i++) {
      if (t[i]!.type !== 'inline' || t[i - 1]!.type !== 'paragraph_open' || t[i - 2]!.type !== 'list_item_open') continue;
      const first = t[i]!.children?.[0];
      const m = first?.type === 'text' ? /^\[([ xX])\](?=[ \t]|$)/.exec(first.content) : null;
      if (!m || !first) continue;
      // `- [ ]` alone (nothing after the box) is not a task in GFM.
      if (first.content.length === 3 && (t[i]!.children?.length ?? 0) === 1) continue;
      t[i - 2]!.meta = { task: m[1] !== ' ' };
      first.content = first.content.slice(3).replace(/^[ \t]/, '');
    }
  });
  md = it;
  return it;
}

export type Refs = Record<string, { href: string; title: string }>;
export interface ParseEnv {
  [key: string]: unknown;
  references: Refs;
  /** Labels a link looked up and did not find, by top-level block index. */
  missing?: Map<number, Set<string>>;
  block?: number;
  inInline?: boolean;
}

export function parse(src: string, refs: Refs): { tokens: Token[]; env: ParseEnv } {
  const missing = new Map<number, Set<string>>();
  const env: ParseEnv = { references: watchRefs(refs, missing, () => env), missing };
  const tokens = parser().parse(src, env as unknown as Record<string, unknown>);
  return { tokens, env };
}

/** A view of the definitions that records the labels looked up and not found during inline parsing. */
function watchRefs(refs: Refs, missing: Map<number, Set<string>>, env: () => ParseEnv): Refs {
  return new Proxy(refs, {
    get(target, key) {
      const v = target[key as string];
      const e = env();
      if (v === undefined && typeof key === 'string' && e.inInline && e.block !== undefined) {
        let s = missing.get(e.block);
        if (!s) missing.set(e.block, (s = new Set()));
        s.add(key);
      }
      return v;
    },
  });
}

/** Top-level blocks of a token list: [first token, end token (exclusive)], with the line range. */
export interface TopBlock {
  from: number;
  to: number;
  lines: [number, number];
  type: string;
}
export function topLevel(tokens: Token[]): TopBlock[] {
  const out: TopBlock[] = [];
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i]!;
    let j = i + 1;
    if (t.nesting === 1) {
      let depth = 1;
      while (j < tokens.length && depth > 0) {
        depth += tokens[j]!.nesting;
        j++;
      }
    }
    out.push({ from: i, to: j, lines: (t.map as [number, number] | null) ?? [0, 0], type: t.type });
    i = j;
  }
  return out;
}

/** Offsets where each line of `s` starts. */
export function lineStarts(s: string): number[] {
  const out = [0];
  for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', nl + 1)) out.push(nl + 1);
  return out;
}
