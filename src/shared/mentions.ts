/**
 * Mentions in a chat message: context the user points at by name instead of attaching it.
 *   #file:<path>  a workspace file (`#file:"a path with spaces"` too)
 *   #selection    the editor's selection
 *   #problems     the current diagnostics (errors and warnings first)
 *   #changes      the uncommitted diff
 *   #terminal     the last command's output
 *   @<symbol>     a workspace symbol's source
 * The composer completes and shows them; the host reads what each names when the message goes
 * and sends it as a text part after the message (the text itself goes as typed). Only a mention
 * at the start or after white space counts (an e-mail address or `a#b` is not one).
 */

export type MentionKind = 'file' | 'selection' | 'problems' | 'changes' | 'terminal' | 'symbol';

export interface Mention {
  kind: MentionKind;
  /** The path of `#file:`, the name of `@symbol`. */
  value?: string;
  /** As written in the message. */
  raw: string;
}

/** The keyword mentions, in the order the completion offers them. */
export const KEYWORD_MENTIONS = ['file', 'selection', 'problems', 'changes', 'terminal'] as const;

const MENTION = /(^|\s)(#(?:file:(?:"([^"\n]+)"|([^\s"]+))|selection|problems|changes|terminal)|@([A-Za-z_$][\w$.]*))(?=$|[\s,.;:!?)])/g;

/** The mentions of a message, each once, in order. */
export function parseMentions(text: string): Mention[] {
  const out: Mention[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    const raw = m[2]!;
    let mention: Mention;
    if (raw.startsWith('@')) mention = { kind: 'symbol', value: m[5]!.replace(/\.$/, ''), raw };
    else if (raw.startsWith('#file:')) mention = { kind: 'file', value: (m[3] ?? m[4] ?? '').replace(/[.,;:!?]$/, ''), raw };
    else mention = { kind: raw.slice(1) as MentionKind, raw };
    const key = `${mention.kind}:${mention.value ?? ''}`;
    if (seen.has(key) || (mention.kind === 'file' && !mention.value)) continue;
    seen.add(key);
    out.push(mention);
  }
  return out;
}

/** How a mention is written back into the message (quoted when the path has a space). */
export function mentionText(kind: MentionKind, value?: string): string {
  if (kind === 'symbol') return `@${value ?? ''}`;
  if (kind === 'file') return /\s/.test(value ?? '') ? `#file:"${value ?? ''}"` : `#file:${value ?? ''}`;
  return `#${kind}`;
}
