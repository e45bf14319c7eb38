/** Links in rendered answers: never an `href`, only a `data-href` the host opens after consent. */

const SAFE_URL = /^(?:https?:|mailto:)/i;

/**
 * Links never keep an `href`: VS Code's webview host opens any clicked `<a href>` by itself (next
 * to our handler, without consent). The URL moves to `data-href`, the host opens it after the
 * user confirms, once. Unsafe schemes (javascript:, vscode:, file:, data:, command:) are dropped.
 */
export function makeHostLink(a: HTMLAnchorElement | Element, url: string | null | undefined, label?: string): void {
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
  // The hover shows where the link goes, first, always: never a title that names another host.
  a.setAttribute('title', label ? `${u} — ${label}` : u);
}

/** Host names written in a text (`docs.example.com`, `https://a.b/c`), lower-cased. */
export function hostsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})\b/gi)) out.push(m[1]!.toLowerCase());
  return out;
}

/**
 * A link whose text names a host other than the one it opens (`[https://bank.example](https://evil.example)`)
 * says where it really goes, in the text itself.
 */
export function markMismatchedHost(a: Element): void {
  const url = a.getAttribute('data-href');
  if (!url || !/^https?:/i.test(url)) return;
  const real = hostOf(url).toLowerCase().replace(/:\d+$/, '');
  const shown = hostsIn(a.textContent ?? '');
  if (!shown.length || shown.every((h) => h === real || real.endsWith(`.${h}`))) return;
  const note = document.createElement('span');
  note.className = 'link-real-host';
  note.textContent = ` ⟨${real}⟩`;
  a.appendChild(note);
}

/** The host name a URL really points to (shown next to citations and sources). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
