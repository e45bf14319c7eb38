/** A short message under the log (an error or a note), gone after a few seconds. */
export class Toast {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly el: HTMLElement) {}
  show(text: string, kind: 'info' | 'error'): void {
    this.el.textContent = text;
    this.el.className = `toast ${kind}`;
    this.el.hidden = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.el.hidden = true), 6000);
  }
}
