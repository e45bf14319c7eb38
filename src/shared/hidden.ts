/**
 * Characters that make text read differently than it is: C0/C1 controls (a carriage return can
 * hide the start of a line), zero-width and bidirectional controls (Trojan Source), Unicode tag
 * characters (invisible ASCII, used to smuggle instructions). Both sides use this: the host's
 * command classifier asks when a command holds any, and the webview shows them visibly in
 * commands, arguments and answers.
 */

/** Control, invisible and bidirectional characters that make a command read differently than it runs. */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const HIDDEN_CHARS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/;
/* eslint-enable no-control-regex */

/** Spaces that look like a plain space but are not one (a command's words are not where they seem). */
export const ODD_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/;

/**
 * Make hidden characters visible (approvals show a command exactly, nothing hidden). With
 * `spaces`, look-alike spaces are shown too (for commands; answers keep them).
 */
export function revealHidden(text: string, opts: { spaces?: boolean } = {}): string {
  const re = new RegExp(opts.spaces ? `${HIDDEN_CHARS.source}|${ODD_SPACES.source}` : HIDDEN_CHARS.source, 'g');
  return text.replace(re, (c) => {
    if (c === '\r') return '␍';
    if (c === '\t') return '␉';
    const cp = c.codePointAt(0)!;
    return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
  });
}

export function hasHiddenChars(text: string): boolean {
  return HIDDEN_CHARS.test(text);
}
