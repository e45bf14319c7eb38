/**
 * The conversation's turns in the log. Turns far from the viewport are placeholders, rendered when
 * their group comes within 1,500 px, at most TURN_RENDER_MS of rendering per frame (the rest waits
 * for the next frame: scrolling stays smooth).
 */
import type { ConversationView, TurnView } from '../../shared/protocol';
import type { Post } from '../dom';
import { TurnRenderer } from '../turn/renderer';
import { Follower } from './follow';

const TURN_RENDER_MS = 3;
/**
 * Turns sit in groups of this many, and the log's children are the groups: a turn that changes
 * size lays out its group and the log's few dozen groups, not a thousand siblings (that walk was
 * most of a late frame while scrolling a long conversation). The observers watch groups too.
 */
const TURNS_PER_GROUP = 16;

export interface LogHooks {
  busy(): boolean;
  edit(t: TurnRenderer): void;
  more(t: TurnRenderer): void;
  focusInput(): void;
}

export class LogView {
  turns: TurnRenderer[] = [];
  readonly byId = new Map<string, TurnRenderer>();
  readonly follow: Follower;
  /** Set while a whole conversation is being loaded (see `isLast`). */
  private loading = false;
  private readonly toRender: TurnRenderer[] = [];
  private renderScheduled = false;
  private readonly observer: IntersectionObserver;
  private readonly turnHooks: ConstructorParameters<typeof TurnRenderer>[2];

  constructor(
    readonly el: HTMLElement,
    private readonly post: Post,
    hooks: LogHooks,
  ) {
    this.follow = new Follower(el);
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: el, rootMargin: '1500px 0px' });
    this.turnHooks = {
      // While a conversation loads, each turn is the last one for a moment: none offers last-turn controls until all are there.
      isLast: (t) => !this.loading && this.turns[this.turns.length - 1] === t,
      busy: () => hooks.busy(),
      edit: (t) => hooks.edit(t),
      more: (t) => hooks.more(t),
      focusInput: () => hooks.focusInput(),
      following: () => this.follow.stick,
    };
  }

  get last(): TurnRenderer | undefined {
    return this.turns[this.turns.length - 1];
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    // Nearest to the viewport first: the groups being scrolled towards; in a group above the viewport, its last turns first.
    const near = entries.filter((e) => e.isIntersecting).sort((a, b) => Math.abs(a.boundingClientRect.top) - Math.abs(b.boundingClientRect.top));
    for (const e of near) {
      const group = [...e.target.children].map((el) => this.byId.get((el as HTMLElement).dataset.turn ?? '')).filter((t) => t && !t.rendered) as TurnRenderer[];
      this.toRender.push(...(e.boundingClientRect.top < 0 ? group.reverse() : group));
      this.observer.unobserve(e.target);
    }
    if (this.toRender.length) this.renderSome();
  }

  private renderSome(): void {
    this.renderScheduled = false;
    const t0 = performance.now();
    while (this.toRender.length && performance.now() - t0 < TURN_RENDER_MS) {
      const t = this.toRender.shift()!;
      if (!t.rendered) t.render();
    }
    if (this.follow.stick) this.follow.toBottom();
    if (this.toRender.length && !this.renderScheduled) {
      this.renderScheduled = true;
      requestAnimationFrame(() => this.renderSome());
    }
  }

  add(view: TurnView, render: boolean): TurnRenderer {
    const t = new TurnRenderer(view, this.post, this.turnHooks);
    this.turns.push(t);
    this.byId.set(view.id, t);
    let group = this.el.lastElementChild as HTMLElement | null;
    if (!group || group.childElementCount >= TURNS_PER_GROUP) {
      group = document.createElement('div');
      group.className = 'turn-group';
      this.el.appendChild(group);
    }
    group.appendChild(t.el);
    // Until a group is first seen, it counts as the sum of its turns' estimated heights.
    group.dataset.estimate = String(Number(group.dataset.estimate ?? 0) + t.estimateHeight());
    group.style.containIntrinsicSize = `auto ${group.dataset.estimate}px`;
    this.follow.sizes.observe(group);
    if (render) t.render();
    else {
      t.renderPlaceholder();
      this.observer.observe(group);
    }
    return t;
  }

  /** Load a whole conversation: only the last turns are rendered now, the rest when scrolled near. */
  load(c: ConversationView): void {
    this.observer.disconnect();
    this.follow.sizes.disconnect();
    this.follow.sizes.observe(this.el);
    this.toRender.length = 0;
    this.turns = [];
    this.byId.clear();
    this.el.textContent = '';
    const eager = 6;
    this.loading = true;
    try {
      c.turns.forEach((tv, k) => this.add(tv, k >= c.turns.length - eager));
    } finally {
      this.loading = false;
    }
    this.follow.toBottom();
    this.refreshLastTurnControls();
  }

  /** The last turn's controls (edit, retry, a plan's Start) follow who is last and whether an answer runs. */
  refreshLastTurnControls(): void {
    for (const t of this.turns.slice(-2)) {
      t.refreshUser();
      t.renderFooter();
    }
  }
}
