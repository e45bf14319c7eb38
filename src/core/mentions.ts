/** What a mention is sent as (see src/shared/mentions.ts for the syntax): fenced, capped text. */

/** The text part a resolved mention is sent as: a heading naming it, then the content fenced. */
export function mentionBlock(heading: string, body: string, language = ''): string {
  let fence = '```';
  while (body.includes(fence)) fence += '`';
  return `${heading}\n${fence}${language}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** One diagnostic as a line of `#problems`. */
export interface ProblemLine {
  path: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
}

/** `#problems`: errors first, then warnings, information and hints, at most `max` lines. */
export function problemsText(problems: ProblemLine[], max = 200): string {
  const rank = { error: 0, warning: 1, info: 2, hint: 3 } as const;
  const sorted = [...problems].sort((a, b) => rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  const lines = sorted.slice(0, max).map((p) => `${p.path}:${p.line}:${p.column} ${p.severity}: ${p.message.replace(/\s*\n\s*/g, ' ')}${p.source ? ` (${p.source})` : ''}`);
  if (sorted.length > max) lines.push(`… and ${sorted.length - max} more`);
  return lines.join('\n');
}

/** Text cut to `max` characters, keeping the end (the latest output), with a mark. */
export function keepTail(text: string, max: number): string {
  return text.length <= max ? text : `[… ${text.length - max} earlier characters not sent]\n${text.slice(-max)}`;
}

/** The characters of a `#file:` query that a file's name must have, in order (those of its last segment). */
export function mentionChars(query: string): string[] {
  const last = query.replace(/\s+/g, '').split('/').pop() ?? '';
  // Characters a glob gives a meaning to are left out of it (the ranking still requires them).
  return [...last].filter((c) => !/[*?[\]{}!,\\]/.test(c)).slice(0, 24);
}

/**
 * A glob that finds, anywhere in the tree, the files whose name holds the query's characters in
 * order, in any case (`pars`: `[pP]*[aA]*[rR]*[sS]` in a name under any folder): the search for a `#file:` mention
 * is bounded by its results, not by the first files listed (a monorepo has far more than any
 * listing cap). The characters of a path query's last segment are used; `fuzzy` ranks the rest.
 */
export function mentionGlob(query: string): string | undefined {
  const chars = mentionChars(query);
  if (!chars.length) return undefined;
  const one = (c: string) => {
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : c;
  };
  return `**/*${chars.map(one).join('*')}*`;
}

/** Paths matching the query's characters in order, best first: the name before the folders, contiguous runs, short paths. */
export function fuzzy(paths: string[], query: string): string[] {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return paths.slice(0, 50);
  const scored: Array<[number, string]> = [];
  for (const p of paths) {
    const lower = p.toLowerCase();
    let i = 0;
    let score = 0;
    let run = 0;
    for (let k = 0; k < lower.length && i < q.length; k++) {
      if (lower[k] === q[i]) {
        i++;
        run++;
        score += run;
      } else run = 0;
    }
    if (i < q.length) continue;
    const name = lower.slice(lower.lastIndexOf('/') + 1);
    if (name.includes(q)) score += 50;
    if (name.startsWith(q)) score += 25;
    scored.push([score - p.length / 100, p]);
  }
  return scored.sort((a, b) => b[0] - a[0]).map(([, p]) => p);
}
