/**
 * "Open a chat from a link": `vscode://geminilabs.gemini-interactions/chat?prompt=…` opens a new
 * conversation with the text as a draft. A link comes from outside the editor (a web page, a
 * README, a message), so the text is never sent by itself, its invisible characters (zero-width,
 * bidirectional controls, other format and control characters) are taken out and counted, its
 * length is capped, and the composer says where it came from.
 */
import { l10n } from '../shared/l10n';

/** Characters of a link's prompt kept (the rest is cut, and the composer says so). */
export const MAX_LINK_PROMPT = 20_000;

export interface ChatLink {
  prompt: string;
  /** What the link itself claims as its source (`source=`), shown as unverified. */
  claimedSource?: string;
  /** Invisible characters removed from the prompt. */
  removed: number;
  /** Characters cut beyond MAX_LINK_PROMPT. */
  cut: number;
}

export class ChatLinkError extends Error {}

/* eslint-disable no-control-regex */
/** Format characters (Cf: zero-width, bidi controls, tags), controls other than tab and newline, and lone surrogates. */
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;
/* eslint-enable no-control-regex */

function clean(text: string): { text: string; removed: number } {
  let removed = 0;
  const out = text.replace(/\r\n?/g, '\n').replace(INVISIBLE, () => {
    removed++;
    return '';
  });
  return { text: out, removed };
}

/** Read a chat link (its path and query, as VS Code hands them to the URI handler). */
export function parseChatLink(path: string, query: string): ChatLink {
  if (path.replace(/\/+$/, '') !== '/chat') throw new ChatLinkError(l10n.t('This link does not open anything in Gemini (only …/chat?prompt=… does).'));
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    throw new ChatLinkError(l10n.t('The link’s text could not be read.'));
  }
  const raw = params.get('prompt') ?? params.get('q') ?? '';
  const { text, removed } = clean(raw);
  const cut = Math.max(0, text.length - MAX_LINK_PROMPT);
  const prompt = cut ? text.slice(0, MAX_LINK_PROMPT) : text;
  if (!prompt.trim()) throw new ChatLinkError(l10n.t('The link carries no text for the chat.'));
  const src = clean(params.get('source') ?? '')
    .text.trim()
    .slice(0, 200);
  return { prompt, ...(src ? { claimedSource: src } : {}), removed, cut };
}

/** What the composer says of a draft from a link. */
export function chatLinkNotice(link: ChatLink, opened: string): string {
  const parts = [l10n.t('This draft came from a link opened outside the editor ({0}). Nothing has been sent: read it before you send it.', opened)];
  if (link.claimedSource) parts.push(l10n.t('The link says it comes from “{0}”; that is not verified.', link.claimedSource));
  if (link.removed) parts.push(l10n.t('{0} invisible characters were taken out of it.', link.removed));
  if (link.cut) parts.push(l10n.t('It was cut to {0} characters.', MAX_LINK_PROMPT));
  return parts.join(' ');
}
