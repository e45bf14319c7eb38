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

/**
 * In answers: what makes model text read differently than it is, without flagging what ordinary
 * text needs (tabs, newlines, joiners in emoji and Indic scripts, soft hyphens). Tag characters
 * (invisible ASCII), bidirectional controls (all of Unicode's Bidi_Control), C0/C1 controls,
 * zero-width and filler characters, and runs of supplementary variation selectors (bytes hidden
 * after a visible character). A subdivision flag (🏴 + tag letters + cancel tag) is kept as it is.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const ANSWER_HIDDEN =
  /\u{1F3F4}[\u{E0061}-\u{E007A}]{2,6}\u{E007F}|[\u{E0000}-\u{E007F}]+|[\u{E0100}-\u{E01EF}]{2,}|[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\u200B\u2060-\u2064\uFEFF\u180E\u115F\u1160\u3164\uFFA0\uFFF9-\uFFFB]/u;
/* eslint-enable no-control-regex */

const code = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * How one match of ANSWER_HIDDEN is shown: hidden ASCII spelled out, anything else by its code
 * point. A subdivision flag comes back unchanged.
 */
export function revealAnswerHidden(s: string): string {
  const cps = [...s];
  const first = cps[0]!.codePointAt(0)!;
  if (first === 0x1f3f4) return s;
  if (first >= 0xe0000 && first <= 0xe007f) {
    const ascii = cps.map((c) => c.codePointAt(0)! - 0xe0000);
    if (ascii.every((a) => a >= 0x20 && a <= 0x7e)) return `⟨hidden text: “${String.fromCharCode(...ascii)}”⟩`;
    return cps.map((c) => `⟨${code(c)}⟩`).join('');
  }
  if (first >= 0xe0100 && first <= 0xe01ef) {
    const bytes = Uint8Array.from(cps.map((c) => c.codePointAt(0)! - 0xe0100 + 16));
    let text = '';
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = '';
    }
    return text && !ANSWER_HIDDEN.test(text) ? `⟨hidden text: “${text}”⟩` : `⟨${cps.length} hidden bytes⟩`;
  }
  return cps.map((c) => `⟨${code(c)}⟩`).join('');
}

/** Model or tool text with every ANSWER_HIDDEN match made visible (for plain-text places: thoughts, results, diffs). */
export function revealAnswerText(s: string): string {
  return ANSWER_HIDDEN.test(s) ? s.replace(new RegExp(ANSWER_HIDDEN.source, 'gu'), revealAnswerHidden) : s;
}
