import { onScrollBy } from '../dom';

/**
 * Following the end of the log while an answer streams, unless the user scrolled away: kept by
 * scroll events (not measured every frame, which forces a layout), and done in a ResizeObserver
 * (after layout, when reading the scroll height costs nothing).
 */
export class Follower {
  /** Whether the log follows new content. */
  stick = true;
  /**
   * Our own last scroll has not had its scroll event yet: that event says nothing about the user.
   * (A flag rather than comparing positions: reading the position in the scroll event forced a
   * layout every frame while an answer streamed.)
   */
  private ownScroll = false;
  private bottomQueued = false;
  /** The log's box and every turn group in it: when either changes size while following, the end stays in view. */
  readonly sizes = new ResizeObserver(() => {
    if (this.stick) this.scrollNow();
  });

  constructor(private readonly log: HTMLElement) {
    // The user's own scroll (a wheel, touch, key or scrollbar drag, or focus moving into the log:
    // a keyboard or screen-reader user reaching a control above the end, which the browser scrolls
    // into view) decides whether the log follows; any other scroll never stops it.
    onScrollBy(
      log,
      (byUser) => {
        const own = this.ownScroll;
        this.ownScroll = false;
        if (byUser) this.stick = this.isAtBottom();
        else if (this.stick && !own) this.scrollNow();
      },
      ['wheel', 'touchmove', 'keydown', 'focusin'],
    );
    this.sizes.observe(log);
  }

  private isAtBottom(): boolean {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
  }

  /**
   * Show the end of the log and follow new content from now on (a send, a new turn, a loaded
   * conversation). The scroll itself waits for the start of the next frame, when layout is clean.
   */
  toBottom(): void {
    this.stick = true;
    if (this.bottomQueued) return;
    this.bottomQueued = true;
    requestAnimationFrame(() => {
      this.bottomQueued = false;
      if (this.stick) this.scrollNow();
    });
  }

  scrollNow(): void {
    this.stick = true;
    const before = this.log.scrollTop;
    this.log.scrollTop = this.log.scrollHeight;
    // No scroll event comes when nothing moved.
    if (this.log.scrollTop !== before) this.ownScroll = true;
  }
}
