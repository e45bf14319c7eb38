/** Links in rendered answers: never an `href`, only a `data-href` the host opens after consent. */

const SAFE_URL = /^(?:https?:|mailto:)/i;

/**
 * Links never keep an `href`: VS Code's webview host opens any clicked `<a href>` by itself (next
 * to our handler, without consent). The URL moves to `data-href`, the host opens it after the
 * user confirms, once. Unsafe schemes (javascript:, vscode:, file:, data:, command:) are dropped.
 */
export function makeHostLink(a: HTMLAnchorElement | Element, url: string | null | undefined): void {
  a.removeAttribute('href');
  const u = (url ?? '').trim();
  if (!SAFE_URL.test(u)) {
    a.removeAttribute('data-href');
    a.classList.add('dead-link');
    return;
  }
  a.setAttribute('data-href', u);
  a.setAttribute('role', 'link');
  a.setAttribute('tabindex', '0');
  if (!a.getAttribute('title')) a.setAttribute('title', u);
}

/** The host name a URL really points to (shown next to citations and sources). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
