/**
 * A command's output, passed on in few pieces. A pipe delivers a chatty command's lines one write
 * at a time (a test run printing 7,500 lines a second arrives as some 1,500 pieces a second), and
 * each piece shown is a message to the chat's webview and a write to the mirror terminal: the
 * visible conversations then wait behind them. Here whole lines go on at once when nothing went
 * on in the last `intervalMs`, and otherwise together at the end of that interval (a carriage
 * return ends a line too: progress bars). A line still unfinished waits one interval more, then
 * goes as it is (a prompt), unless it holds a URL: that waits for its end (or `end()`), so the
 * URL's credentials are masked whole. `end()` passes on what is left.
 */
export class CoalescedOutput {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;
  /** The unfinished line waited one interval already. */
  private held = false;

  constructor(
    private readonly sink: (text: string) => void,
    private readonly intervalMs = 50,
    /** More than this waiting goes on at once (lines or not). */
    private readonly maxPending = 256 * 1024,
  ) {}

  write(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.pending.length >= this.maxPending) {
      this.emit(this.pending.length);
      return;
    }
    if (this.timer) return;
    if (performance.now() - this.last >= this.intervalMs) this.emitLines();
    if (this.pending && (lineEnd(this.pending) > 0 || !this.pending.includes('://'))) this.arm();
  }

  /** Everything still waiting, now; nothing is passed on after this. */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) this.emit(this.pending.length);
  }

  private arm(): void {
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = undefined;
    this.emitLines();
    if (!this.pending || this.pending.includes('://')) return;
    if (this.held) this.emit(this.pending.length);
    else {
      this.held = true;
      this.arm();
    }
  }

  private emitLines(): void {
    const end = lineEnd(this.pending);
    if (end > 0) this.emit(end);
  }

  private emit(n: number): void {
    const text = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    this.held = false;
    this.last = performance.now();
    this.sink(text);
  }
}

/** Where the last whole line of `text` ends (0: none). */
function lineEnd(text: string): number {
  return Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1;
}
