/**
 * How an approval card shows a command (or a tool's arguments) so that what the user approves is
 * what runs: every character is shown (control, ANSI and bidirectional characters and look-alike
 * spaces as escapes), long runs of spaces and blank lines are counted instead of pushing the rest
 * out of view, and letters from another script inside a word or a host name are marked. The
 * webview renders the segments; the summary says how long the command is and which programs it
 * runs, so nothing that matters sits out of view.
 */
import { HIDDEN_CHARS, ODD_SPACES } from './hidden';
import { l10n } from './l10n';

export type Segment =
  | { kind: 'text'; text: string }
  /** An invisible or control character, shown as its code point. */
  | { kind: 'hidden'; text: string; code: string }
  /** A run of spaces or tabs, counted. */
  | { kind: 'spaces'; count: number }
  /** A run of blank lines, counted. */
  | { kind: 'blank'; count: number }
  /** A letter of another script inside a word or a host name. */
  | { kind: 'mixed'; text: string; script: string; code: string };

export interface CommandView {
  segments: Segment[];
  lines: number;
  chars: number;
  /** Letters from another script, for the sentence above the command. */
  mixed: Array<{ letter: string; script: string; code: string; word: string }>;
  /** Whether the text held invisible or control characters. */
  hidden: boolean;
}

/** Runs of this many spaces or tabs (or more) are counted instead of shown. */
const SPACE_RUN = 8;
/** Runs of this many blank lines (or more) are counted. */
const BLANK_RUN = 2;

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
];

export function scriptOf(ch: string): string | undefined {
  if (!/\p{L}/u.test(ch)) return undefined;
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return 'another script';
}

const code = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Scripts that mix with each other in ordinary writing (Japanese). */
const COMPATIBLE = new Set(['Han', 'Hiragana', 'Katakana']);

/**
 * The letters to mark in one word: in a host name (or anything with `://` or a dot between
 * letters) every letter outside ASCII; elsewhere the letters that are not of the word's main
 * script when the word mixes scripts.
 */
function markedLetters(word: string): Set<number> {
  const chars = [...word];
  const marks = new Set<number>();
  const host = /[\p{L}\p{N}]\.[\p{L}\p{N}]|:\/\/|@/u.test(word);
  const scripts = chars.map(scriptOf);
  const counts = new Map<string, number>();
  for (const s of scripts) if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (host) {
    chars.forEach((c, k) => {
      if (scripts[k] && c.codePointAt(0)! > 0x7f) marks.add(k);
    });
    return marks;
  }
  const distinct = [...counts.keys()];
  if (distinct.length < 2 || distinct.every((s) => COMPATIBLE.has(s))) return marks;
  // The main script: Latin when present (commands are Latin), else the most frequent.
  const main = counts.has('Latin') ? 'Latin' : distinct.sort((a, b) => counts.get(b)! - counts.get(a)!)[0]!;
  scripts.forEach((s, k) => {
    if (s && s !== main && !(COMPATIBLE.has(s) && COMPATIBLE.has(main))) marks.add(k);
  });
  return marks;
}

const HIDDEN_ONE = new RegExp(`^(?:${HIDDEN_CHARS.source}|${ODD_SPACES.source})$`);

export function commandView(text: string): CommandView {
  const segments: Segment[] = [];
  const mixed: CommandView['mixed'] = [];
  let hidden = false;
  let buf = '';
  const flush = () => {
    if (buf) segments.push({ kind: 'text', text: buf });
    buf = '';
  };
  // Words: maximal runs of letters, digits, marks and the characters hosts and paths are made of.
  const wordRe = /[\p{L}\p{M}\p{N}._\-@:/]+/uy;
  const cps = [...text];
  // Work on code points; keep an index into `text` for the word regex.
  let i = 0;
  let pos = 0;
  while (i < cps.length) {
    const c = cps[i]!;
    // Blank lines: a newline followed by lines holding only spaces.
    if (c === '\n') {
      let j = i + 1;
      let blanks = 0;
      let k = j;
      for (;;) {
        while (k < cps.length && (cps[k] === ' ' || cps[k] === '\t')) k++;
        if (k < cps.length && cps[k] === '\n') {
          blanks++;
          k++;
          j = k;
        } else break;
      }
      if (blanks >= BLANK_RUN) {
        buf += '\n';
        flush();
        segments.push({ kind: 'blank', count: blanks });
        buf += '\n';
        pos += cps.slice(i, j).join('').length;
        i = j;
        continue;
      }
    }
    if (c === ' ' || c === '\t') {
      let j = i;
      while (j < cps.length && (cps[j] === ' ' || cps[j] === '\t')) j++;
      if (j - i >= SPACE_RUN) {
        flush();
        segments.push({ kind: 'spaces', count: j - i });
        pos += j - i;
        i = j;
        continue;
      }
    }
    if (c !== '\n' && c !== '\t' && c !== ' ' && HIDDEN_ONE.test(c)) {
      hidden = true;
      flush();
      segments.push({ kind: 'hidden', text: c === '\r' ? '␍' : `⟨${code(c)}⟩`, code: code(c) });
      pos += c.length;
      i++;
      continue;
    }
    wordRe.lastIndex = pos;
    const m = /[\p{L}\p{M}\p{N}]/u.test(c) ? wordRe.exec(text) : null;
    if (m && m.index === pos) {
      const word = m[0];
      const wcps = [...word];
      const marks = markedLetters(word);
      wcps.forEach((wc, k) => {
        if (!marks.has(k)) {
          buf += wc;
          return;
        }
        flush();
        const script = scriptOf(wc) ?? 'another script';
        segments.push({ kind: 'mixed', text: wc, script, code: code(wc) });
        if (mixed.length < 20) mixed.push({ letter: wc, script, code: code(wc), word });
      });
      pos += word.length;
      i += wcps.length;
      continue;
    }
    buf += c;
    pos += c.length;
    i++;
  }
  flush();
  return { segments, lines: text.split('\n').length, chars: cps.length, mixed, hidden };
}

/** The segments as plain text (where there is no markup: VS Code's modal dialogs), with the counts and marks in words. */
export function commandViewText(v: CommandView): string {
  return v.segments
    .map((s) =>
      s.kind === 'text'
        ? s.text
        : s.kind === 'hidden'
          ? s.text
          : s.kind === 'spaces'
            ? l10n.t('⟨{0} spaces⟩', s.count)
            : s.kind === 'blank'
              ? l10n.t('⟨{0} blank lines⟩', s.count)
              : `${s.text}⟨${l10n.t('{0} letter {1}', s.script, s.code)}⟩`,
    )
    .join('');
}
