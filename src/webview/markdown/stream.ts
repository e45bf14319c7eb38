/**
 * Streaming (`MarkdownStream`): re-parses only the last top-level block, from the start of the
 * block being written, and freezes every block before it. That is exact, not a heuristic: in
 * CommonMark only the last child of the document can still be open, so a block followed by
 * another (on complete lines) is final. Two details keep it exact:
 *  - reference definitions: frozen blocks are rendered with the definitions of frozen blocks
 *    only; a link whose label was not defined yet is remembered, and its block is rendered again
 *    when a later block defines it (the first definition wins, as in a whole-document parse);
 *  - a definition right before the last block is not frozen (the next line may still be its title).
 */
import type { Token } from 'markdown-it';
import type { CitationView } from '../../shared/protocol';
import { BLOCKS_PER_CHUNK, buildTokens, newChunk } from './build';
import { codeBlockElement, requestHighlights } from './code';
import { lineStarts, parse, topLevel, type Refs, type TopBlock } from './parse';
import { appendText, CITE_MARK, type Cites } from './text';

interface FrozenBlock {
  /** Source range (in the marked source). */
  start: number;
  end: number;
  nodes: Node[];
  chunk: HTMLElement;
  /** Reference labels this block looked up and did not find. */
  waits?: Set<string>;
}

export class MarkdownStream {
  readonly el: HTMLElement;
  /** The answer's text as received. */
  private raw = '';
  /** The text rendered: `raw` with citation markers. */
  private src = '';
  /** Start of the first unfrozen block. */
  private frozenEnd = 0;
  private blocks: FrozenBlock[] = [];
  /** Definitions of frozen blocks (first wins). */
  private refs: Refs = {};
  private waiting = new Map<string, Set<FrozenBlock>>();
  /**
   * The tail: the nodes of the blocks not frozen yet, rendered as they stand. They live at the end
   * of the chunk the next frozen block goes to, so a block that closes as it was shown becomes
   * frozen where it is (no second build, no second style and layout of the same nodes).
   */
  private tail: Node[] = [];
  /** A chunk that holds the tail and no frozen block yet. */
  private spare: HTMLElement | undefined;
  /** An open code fence at the top level: its code streams as text until the closing line arrives. */
  private fence: { marker: string; lang: string; codeStart: number; scanned: number; code: HTMLElement | undefined; shown: number } | undefined;
  private cites: Cites | undefined;
  private dirty = false;
  private finalPending = false;
  /** Blocks frozen only because the text ended (and what that changed); undone if more text arrives. */
  private provisional: { frozenEnd: number; blocks: number; labels: string[]; touched: Set<FrozenBlock> } | undefined;
  /** At most this much finished markdown is frozen per frame; the rest waits for the next one. */
  static frameBudgetChars = 4000;

  constructor(el: HTMLElement) {
    this.el = el;
    this.el.classList.add('markdown');
  }

  get text(): string {
    return this.raw;
  }

  /** Append streamed text. Rendering happens in `flush` (once per animation frame). */
  append(t: string): void {
    if (!t) return;
    this.raw += t;
    this.src += t;
    this.dirty = true;
  }

  /** Replace the text and render it at once (a restored answer, or new citations). */
  setText(t: string): void {
    this.reset();
    this.append(t);
    this.rebuildSource();
    this.oneShot = true;
    this.flush(true);
    this.oneShot = false;
  }
  /** Rendering a whole text at once (setText): no per-frame budget. */
  private oneShot = false;

  /** Citations change the rendering of already-frozen blocks: render again, once. */
  setCitations(cites: CitationView[], numbers: Map<string, number>): void {
    this.cites = { list: cites, numbers };
    this.setText(this.raw);
  }

  private reset(): void {
    this.raw = '';
    this.src = '';
    this.frozenEnd = 0;
    this.blocks = [];
    this.refs = {};
    this.waiting.clear();
    this.tail = [];
    this.spare = undefined;
    this.fence = undefined;
    this.provisional = undefined;
    this.finalPending = false;
    this.dirty = false;
    this.el.textContent = '';
    this.el.removeAttribute('data-tail');
  }

  private rebuildSource(): void {
    const cites = this.cites;
    if (!cites?.list.length) {
      this.src = this.raw;
      return;
    }
    const marks = cites.list
      .filter((c) => c.end > 0 && c.end <= this.raw.length)
      .map((c) => ({ at: c.end, n: cites.numbers.get(c.url) ?? 0 }))
      .sort((a, b) => b.at - a.at);
    let out = this.raw;
    for (const m of marks) out = out.slice(0, m.at) + CITE_MARK(m.n) + out.slice(m.at);
    this.src = out;
  }

  /**
   * Render what changed since the last flush. `final` closes the last block. Returns true when
   * work is left for another frame (a burst larger than the per-frame budget arrived).
   */
  flush(final = false): boolean {
    if (final) this.finalPending = true;
    if (this.provisional) {
      if (!this.dirty) return false;
      this.undoProvisional();
    }
    if (!this.dirty && !this.finalPending) return false;
    this.dirty = false;
    const src = this.src;
    if (this.fence && !this.finalPending) {
      if (!this.fenceClosed(src.lastIndexOf('\n') + 1)) {
        this.streamFence();
        return false;
      }
      this.fence = undefined;
    }
    const budget = MarkdownStream.frameBudgetChars;
    if (src.length - this.frozenEnd > 2 * budget && !this.oneShot) {
      // A burst: look at complete lines up to about the budget, freeze what is closed there, the rest in the next frames.
      const limit = src.indexOf('\n', this.frozenEnd + budget) + 1;
      if (limit > 0 && limit < src.length && this.freezeClosed(this.src.slice(this.frozenEnd, limit), false)) {
        this.dirty = true;
        this.removeTail();
        return true;
      }
    }
    if (this.finalPending) {
      this.finalPending = false;
      this.freezeRest();
      return false;
    }
    this.freezeClosed(src.slice(this.frozenEnd), true);
    return false;
  }

  /**
   * One parse of the text from the first unfrozen block: every block before the last open one is
   * closed and frozen; with `show`, the rest is rendered as the tail. Returns true when something froze.
   *
   * Which block is still open: the last one, unless it starts on the last, incomplete line; then
   * the one before it too (that line may still turn out to continue it, `***` vs `***a`). A
   * reference definition right before the open block stays open as well (its title may follow).
   */
  private freezeClosed(text: string, show: boolean): boolean {
    const base = this.frozenEnd;
    const refs = { ...this.refs };
    const known = Object.keys(refs).length;
    const { tokens, env } = parse(text, refs);
    const blocks = topLevel(tokens);
    const starts = lineStarts(text);
    const partialLine = text.endsWith('\n') ? -1 : starts.length - 1;
    let open = blocks.length - 1;
    if (open > 0 && blocks[open]!.lines[0] === partialLine) open--;
    while (open > 0 && blocks[open - 1]!.type === 'reference_definition') open--;
    const froze = open > 0;
    const last = blocks[blocks.length - 1];
    const fence = show && last?.type === 'fence' && last.lines[0] !== partialLine;
    // The blocks that close now are shown in the tail as they will stay, when the text up to here
    // defined no reference (then frozen blocks would be rendered without those definitions) and
    // the tail is not a code fence streaming as text: they are frozen where they are.
    const defined = Object.keys(refs).length > known;
    const adopted = froze && show && !defined;
    if (adopted) {
      const counts = this.showTail(tokens, blocks, 0);
      this.adopt(base, base + starts[blocks[open]!.lines[0]]!, blocks.slice(0, open), counts, env.missing);
    } else if (froze) {
      this.removeTail();
      this.freeze(base, base + starts[blocks[open]!.lines[0]]!, defined ? undefined : { tokens, blocks: blocks.slice(0, open), missing: env.missing });
    }
    if (!show) return froze;
    if (fence) {
      const l = last.lines[1] - 1;
      const lastLine = l > last.lines[0] && l !== partialLine ? text.slice(starts[l], (starts[l + 1] ?? text.length + 1) - 1) : undefined;
      this.openFence(base + starts[last.lines[0]]!, tokens[last.from]!, lastLine, base + (partialLine >= 0 ? starts[partialLine]! : text.length));
      if (this.fence) {
        this.streamFence();
        return froze;
      }
    }
    if (!adopted) this.showTail(tokens, blocks, Math.max(open, 0));
    return froze;
  }

  /**
   * Render blocks [from, end) and make the tail equal to them, touching only what differs (the
   * tail usually grows by a few characters of its last text node: style and layout stay local).
   * Returns the number of nodes of each block.
   */
  private showTail(tokens: Token[], blocks: TopBlock[], from: number): number[] {
    const fresh = document.createDocumentFragment();
    const counts: number[] = [];
    for (let k = from; k < blocks.length; k++) {
      const before = fresh.childNodes.length;
      buildTokens(tokens, blocks[k]!.from, blocks[k]!.to, fresh, this.cites, 'cached');
      counts.push(fresh.childNodes.length - before);
    }
    if (!fresh.firstChild) this.removeTail();
    else this.setTail(morphList(this.tailChunk(), this.tail, fresh));
    return counts;
  }

  /** The first blocks of the tail closed as shown: they become frozen blocks where they are. */
  private adopt(from: number, to: number, tops: TopBlock[], counts: number[], missing: Map<number, Set<string>> | undefined): void {
    const text = this.src.slice(from, to);
    const starts = lineStarts(text);
    const tail = this.tail;
    let at = 0;
    tops.forEach((b, k) => {
      const start = from + (starts[b.lines[0]] ?? text.length);
      const end = k + 1 < tops.length ? from + (starts[tops[k + 1]!.lines[0]] ?? text.length) : to;
      const nodes = tail.slice(at, at + counts[k]!);
      at += counts[k]!;
      const chunk = this.chunkForFrozen();
      // A new chunk starts with this block: the tail (this block first) moves into it.
      if (nodes[0] && nodes[0].parentNode !== chunk) for (const n of tail.slice(at - nodes.length)) chunk.appendChild(n);
      for (const n of nodes) if (n instanceof Element) requestHighlights(n);
      const block: FrozenBlock = { start, end, nodes, chunk };
      this.setWaits(block, missing?.get(k));
      this.blocks.push(block);
    });
    this.setTail(tail.slice(at));
    this.frozenEnd = to;
  }

  /** The last block is a fence that is not closed yet: from now on its code streams as text. */
  private openFence(start: number, tok: Token, lastLine: string | undefined, scanned: number): void {
    const firstNl = this.src.indexOf('\n', start);
    if (firstNl < 0 || this.fence) return;
    // Closed when its last complete line (not the opening one) is a closing fence.
    if (lastLine !== undefined && closes(lastLine, tok.markup)) return;
    this.fence = { marker: tok.markup, lang: tok.info.trim().split(/\s+/)[0] ?? '', codeStart: firstNl + 1, scanned, code: undefined, shown: 0 };
  }

  private fenceClosed(complete: number): boolean {
    const f = this.fence!;
    let at = f.scanned;
    while (at < complete) {
      const nl = this.src.indexOf('\n', at);
      if (closes(this.src.slice(at, nl), f.marker)) return true;
      at = nl + 1;
    }
    f.scanned = at;
    return false;
  }

  private streamFence(): void {
    const f = this.fence!;
    if (!this.tail.length || !f.code) {
      this.removeTail();
      const block = codeBlockElement('', f.lang, 'none');
      f.code = block.querySelector('code')!;
      f.shown = 0;
      this.tailChunk().appendChild(block);
      this.setTail([block]);
    }
    const code = this.src.slice(f.codeStart);
    if (code.length > f.shown) {
      appendText(f.code, code.slice(f.shown), undefined);
      f.shown = code.length;
    }
  }

  /** Render the text [from, to) as frozen blocks, with the definitions known so far (the tail is removed first by every caller). */
  private freeze(from: number, to: number, parsed?: { tokens: Token[]; blocks: TopBlock[]; missing: Map<number, Set<string>> | undefined }): void {
    const text = this.src.slice(from, to);
    const before = new Set(Object.keys(this.refs));
    const refs = { ...this.refs };
    // The blocks as parsed from a longer text, when that text defined nothing (same definitions, same tokens).
    const { tokens, env } = parsed ? { tokens: parsed.tokens, env: { missing: parsed.missing } } : parse(text, refs);
    const tops = parsed ? parsed.blocks : topLevel(tokens);
    const starts = lineStarts(text);
    const newLabels = Object.keys(refs).filter((k) => !before.has(k));
    tops.forEach((b, k) => {
      const start = from + (starts[b.lines[0]] ?? text.length);
      const end = k + 1 < tops.length ? from + (starts[tops[k + 1]!.lines[0]] ?? text.length) : to;
      const block: FrozenBlock = { start, end, nodes: [], chunk: this.chunkForFrozen() };
      const frag = document.createDocumentFragment();
      buildTokens(tokens, b.from, b.to, frag, this.cites);
      block.nodes = Array.from(frag.childNodes);
      block.chunk.appendChild(frag);
      this.setWaits(block, env.missing?.get(k));
      this.blocks.push(block);
    });
    for (const l of newLabels) this.refs[l] = refs[l]!;
    this.frozenEnd = to;
    const touched = this.renderWaiting(newLabels);
    if (this.provisional) {
      this.provisional.labels.push(...newLabels);
      for (const b of touched) this.provisional.touched.add(b);
    }
  }

  /** The text ended: freeze what is left (undone if more text arrives). */
  private freezeRest(): void {
    this.fence = undefined;
    this.removeTail();
    this.provisional = { frozenEnd: this.frozenEnd, blocks: this.blocks.length, labels: [], touched: new Set() };
    if (this.frozenEnd < this.src.length) this.freeze(this.frozenEnd, this.src.length);
  }

  private undoProvisional(): void {
    const p = this.provisional!;
    this.provisional = undefined;
    this.blocks.splice(p.blocks).forEach((b, k) => {
      for (const n of b.nodes) (n as ChildNode).remove();
      this.setWaits(b, undefined);
      // A chunk started by an undone block goes with it.
      if ((p.blocks + k) % BLOCKS_PER_CHUNK === 0) b.chunk.remove();
    });
    for (const l of p.labels) delete this.refs[l];
    this.frozenEnd = p.frozenEnd;
    for (const b of p.touched) if (this.blocks.includes(b)) this.rerender(b);
  }

  /** The chunk the next frozen block goes to: the last block's, or a new one (held as `spare` until a block is frozen into it). */
  private nextChunk(): HTMLElement {
    const index = this.blocks.length;
    const last = this.blocks[index - 1]?.chunk;
    return last && index % BLOCKS_PER_CHUNK !== 0 ? last : (this.spare ??= this.el.appendChild(newChunk()));
  }

  /** The chunk for the block being frozen now. */
  private chunkForFrozen(): HTMLElement {
    const c = this.nextChunk();
    if (c === this.spare) this.spare = undefined;
    return c;
  }

  /** Where the tail lives: the chunk the next frozen block goes to (the tail moves there when a new one starts). */
  private tailChunk(): HTMLElement {
    const c = this.nextChunk();
    if (this.tail[0] && this.tail[0].parentNode !== c) for (const n of this.tail) c.appendChild(n);
    return c;
  }

  private setTail(nodes: Node[]): void {
    this.tail = nodes;
    if (this.el.hasAttribute('data-tail') !== nodes.length > 0) this.el.toggleAttribute('data-tail', nodes.length > 0);
  }

  private setWaits(block: FrozenBlock, labels: Set<string> | undefined): void {
    for (const l of block.waits ?? []) this.waiting.get(l)?.delete(block);
    block.waits = labels?.size ? labels : undefined;
    for (const l of block.waits ?? []) {
      let s = this.waiting.get(l);
      if (!s) this.waiting.set(l, (s = new Set()));
      s.add(block);
    }
  }

  /** Blocks that used a label before its definition arrived: render them again. */
  private renderWaiting(labels: string[]): Set<FrozenBlock> {
    const todo = new Set<FrozenBlock>();
    for (const l of labels) for (const b of this.waiting.get(l) ?? []) todo.add(b);
    for (const b of todo) this.rerender(b);
    return todo;
  }

  private rerender(block: FrozenBlock): void {
    const text = this.src.slice(block.start, block.end);
    const { tokens, env } = parse(text, { ...this.refs });
    const frag = document.createDocumentFragment();
    for (const b of topLevel(tokens)) buildTokens(tokens, b.from, b.to, frag, this.cites);
    const nodes = Array.from(frag.childNodes);
    const anchor = block.nodes[0];
    if (anchor) anchor.parentNode!.insertBefore(frag, anchor);
    for (const n of block.nodes) (n as ChildNode).remove();
    block.nodes = nodes;
    this.setWaits(block, env.missing?.get(0));
  }

  private removeTail(): void {
    for (const n of this.tail) (n as ChildNode).remove();
    this.setTail([]);
    if (this.fence) this.fence.code = undefined;
    // A chunk opened only for the tail goes with it.
    if (this.spare && !this.spare.firstChild) {
      this.spare.remove();
      this.spare = undefined;
    }
  }
}

/**
 * Make the nodes `old` (the last children of `parent`) equal to `fresh`'s children, touching only
 * what differs. Returns the nodes now in their place.
 */
function morphList(parent: Node, old: Node[], fresh: DocumentFragment): Node[] {
  const b = Array.from(fresh.childNodes);
  const out: Node[] = [];
  for (let i = 0; i < b.length; i++) {
    const o = old[i];
    const n = b[i]!;
    if (!o) {
      parent.appendChild(n);
      out.push(n);
    } else if (o.nodeType === Node.TEXT_NODE && n.nodeType === Node.TEXT_NODE) {
      if ((o as Text).data !== (n as Text).data) (o as Text).data = (n as Text).data;
      out.push(o);
    } else if (o.nodeType === Node.ELEMENT_NODE && n.nodeType === Node.ELEMENT_NODE && sameShell(o as Element, n as Element)) {
      morph(o, n);
      out.push(o);
    } else if (o.isEqualNode(n)) out.push(o);
    else {
      parent.replaceChild(n, o);
      out.push(n);
    }
  }
  for (let i = b.length; i < old.length; i++) (old[i] as ChildNode).remove();
  return out;
}

/** Make `old`'s children equal to `fresh`'s, touching only what differs. */
function morph(old: Node, fresh: Node): void {
  const a = old.childNodes;
  const b = fresh.childNodes;
  let i = 0;
  for (; i < b.length; i++) {
    const o = a[i];
    const n = b[i]!;
    if (!o) {
      // Append the rest of the fresh nodes (moving them empties `b` from index i).
      while (b.length > i) old.appendChild(b[i]!);
      return;
    }
    if (o.nodeType === Node.TEXT_NODE && n.nodeType === Node.TEXT_NODE) {
      if ((o as Text).data !== (n as Text).data) (o as Text).data = (n as Text).data;
    } else if (o.nodeType === Node.ELEMENT_NODE && n.nodeType === Node.ELEMENT_NODE && sameShell(o as Element, n as Element)) {
      morph(o, n);
    } else if (!o.isEqualNode(n)) {
      old.replaceChild(n.cloneNode(true), o);
    }
  }
  while (a.length > b.length) old.removeChild(old.lastChild!);
}

/** Same tag and attributes (children aside). */
function sameShell(a: Element, b: Element): boolean {
  if (a.localName !== b.localName || a.attributes.length !== b.attributes.length) return false;
  for (const at of Array.from(b.attributes)) if (a.getAttribute(at.name) !== at.value) return false;
  // Checkbox state is a property, not only an attribute.
  return a.localName !== 'input' || (a as HTMLInputElement).checked === (b as HTMLInputElement).checked;
}

function closes(line: string, marker: string): boolean {
  const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return !!m && m[1]![0] === marker[0] && m[1]!.length >= marker.length;
}
