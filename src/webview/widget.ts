/**
 * Google Search suggestions: third-party HTML the API asks us to show next to grounded answers.
 * It goes into a sandboxed frame that runs no script (no `allow-scripts`) and loads nothing
 * remote (its own CSP: styles by nonce, images only as data:). A frame made by `srcdoc` inherits
 * the webview's CSP, so the widget's styles (its `<style>` elements and `style` attributes) are
 * moved into one `<style>` element carrying the webview's style nonce. Links lose their `href`:
 * a click is caught by this (parent) page, which can reach into the frame because it is
 * same-origin, and asks the host to open the search, with the usual consent.
 */
import { makeHostLink } from './markdown';
import { l10n } from '../shared/l10n';

const DROP =
  'script,img,picture,image,iframe,frame,frameset,object,embed,applet,link,meta,base,form,input,button,select,textarea,template,noscript,portal,audio,video,source,track';
const URL_ATTRS = new Set(['src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'xlink:href', 'data', 'codebase', 'lowsrc', 'dynsrc']);

function styleNonce(): string {
  return document.querySelector('meta[name="gemini-style-nonce"]')?.getAttribute('content') ?? '';
}

/** The widget as a self-contained document: no script, no remote loads, links by data-href. */
export function widgetDocument(html: string, nonce: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  let css = '';
  for (const s of Array.from(doc.querySelectorAll('style'))) {
    css += `${s.textContent ?? ''}\n`;
    s.remove();
  }
  for (const e of Array.from(doc.querySelectorAll(DROP))) e.remove();
  let k = 0;
  for (const e of Array.from(doc.querySelectorAll('*'))) {
    for (const a of Array.from(e.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || URL_ATTRS.has(name) || (name === 'href' && e.localName !== 'a')) e.removeAttribute(a.name);
    }
    const style = e.getAttribute('style');
    if (style !== null) {
      e.removeAttribute('style');
      const rules: string[] = [];
      // Parsed by the browser (never our own CSS parser): each declaration keeps the weight of an inline style.
      const probe = document.createElement('div').style;
      probe.cssText = style;
      for (let i = 0; i < probe.length; i++) {
        const p = probe.item(i);
        rules.push(`${p}: ${probe.getPropertyValue(p)} !important`);
      }
      if (rules.length) {
        e.setAttribute('data-gs', String(++k));
        css += `[data-gs="${k}"]{${rules.join(';')}}\n`;
      }
    }
    if (e.localName === 'a') {
      const href = e.getAttribute('href');
      e.removeAttribute('target');
      makeHostLink(e, href);
    }
  }
  const safeCss = css.replace(/<\/(style)/gi, '<\\/$1');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; font-src 'none'`;
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<style nonce="${nonce}">body{margin:0;overflow:hidden}a[data-href]{cursor:pointer}\n${safeCss}</style></head>` +
    `<body>${doc.body.innerHTML}</body></html>`
  );
}

/** A frame showing the widget; `open` is called with a clicked link's URL. */
export function searchWidgetFrame(html: string, open: (url: string) => void): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.className = 'search-suggestions';
  // Same origin so this page can catch clicks; no scripts inside, no popups, no navigation, no forms.
  frame.setAttribute('sandbox', 'allow-same-origin');
  frame.setAttribute('title', l10n.t('Google Search suggestions'));
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.srcdoc = widgetDocument(html, styleNonce());
  frame.addEventListener('load', () => {
    const doc = frame.contentDocument;
    if (!doc) return;
    const linkOf = (t: EventTarget | null) => (t instanceof doc.defaultView!.Element ? t.closest('a[data-href]') : null);
    doc.addEventListener('click', (e) => {
      const a = linkOf(e.target);
      e.preventDefault();
      if (a) open(a.getAttribute('data-href')!);
    });
    doc.addEventListener('keydown', (e) => {
      const a = linkOf(e.target);
      if (a && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        open(a.getAttribute('data-href')!);
      }
    });
    const height = doc.documentElement.scrollHeight;
    if (height > 0) frame.style.height = `${Math.min(height, 400)}px`;
  });
  return frame;
}
