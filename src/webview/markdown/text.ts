/** Text into DOM: invisible characters made visible, citation markers made links. */
import type { CitationView } from '../../shared/protocol';
import { revealAnswerHidden, ANSWER_HIDDEN } from '../../shared/hidden';
import { l10n } from '../../shared/l10n';
import { hostOf, makeHostLink } from './links';

/** Citation markers carried through the markdown source (private-use code points). */
export const CITE_MARK = (n: number) => `\u{F0000}${n}\u{F0001}`;
const CITE_RE = /\u{F0000}(\d+)\u{F0001}/gu;
const SPECIAL = new RegExp(`${ANSWER_HIDDEN.source}|\\u{F0000}`, 'u');

export interface Cites {
  list: CitationView[];
  numbers: Map<string, number>;
}

/** Text into DOM: invisible characters made visible, citation markers made links. */
export function appendText(parent: Node, s: string, cites: Cites | undefined): void {
  if (!s) return;
  if (!SPECIAL.test(s)) {
    parent.appendChild(document.createTextNode(s));
    return;
  }
  let last = 0;
  const re = new RegExp(`(${ANSWER_HIDDEN.source})|${CITE_RE.source}`, 'gu');
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) parent.appendChild(document.createTextNode(s.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      const shown = revealAnswerHidden(m[1]);
      if (shown === m[1]) parent.appendChild(document.createTextNode(m[1]));
      else {
        const span = document.createElement('span');
        span.className = 'hidden-char';
        span.title = l10n.t('Invisible characters in the text, shown');
        span.textContent = shown;
        parent.appendChild(span);
      }
      continue;
    }
    const n = Number(m[m.length - 1]);
    if (!cites) continue;
    const url = [...cites.numbers].find(([, k]) => k === n)?.[0] ?? '';
    const a = document.createElement('a');
    a.className = 'citation';
    a.textContent = `[${n}]`;
    const title = cites.list.find((c) => c.url === url)?.title;
    makeHostLink(a, url, title);
    a.setAttribute('aria-label', l10n.t('Source {0}: {1}', n, `${hostOf(url)}${title ? ` — ${title}` : ''}`));
    parent.appendChild(a);
  }
  if (last < s.length) parent.appendChild(document.createTextNode(s.slice(last)));
}
