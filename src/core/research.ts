/**
 * Deep Research (reference §3, §3.3): a turn that goes to the Deep Research agent in the
 * background instead of a model. With collaborative planning the first turn asks for a plan
 * only; the user edits it (another plan turn) or confirms it (a run turn), in the same chain.
 * The finished report is saved as Markdown with its citations as numbered links.
 */
import type { Content, Step } from './protocol/types';
import type { TurnSettings } from './conversation/engine';
import { citationsFor } from './conversation/present';

export type ResearchPhase = 'plan' | 'run';

/** What "Start research" sends on a plan (the same chain, collaborative planning off). */
export const RESEARCH_START_TEXT = 'The plan is confirmed: go ahead with the research as planned.';

export interface ResearchOptions {
  agent: string;
  visualization: 'auto' | 'off';
}

/** The request settings of a Deep Research turn: the agent, its config, in the background, stored. */
export function researchTurnSettings(phase: ResearchPhase, o: ResearchOptions): TurnSettings {
  return {
    agent: o.agent,
    agentConfig: { type: 'deep-research', collaborative_planning: phase === 'plan', thinking_summaries: 'auto', visualization: o.visualization },
    background: true,
    mode: 'stateful',
    // The agent runs its own loop on the server; one interaction (and its continuations) per turn.
    maxSteps: 4,
  };
}

/** The report's text: every text part of the turn's model output, in order, with its citations. */
function reportParts(steps: Step[]): Array<{ text: string; cites: ReturnType<typeof citationsFor> }> {
  const out: Array<{ text: string; cites: ReturnType<typeof citationsFor> }> = [];
  for (const s of steps) {
    if (s.type !== 'model_output') continue;
    for (const c of (s as { content?: Content[] }).content ?? []) {
      if (c.type === 'text' && c.text) out.push({ text: c.text, cites: citationsFor(c.text, c.annotations) });
    }
  }
  return out;
}

/** Whether a turn has a report to save (some model text). */
export function hasReport(steps: Step[]): boolean {
  return reportParts(steps).some((p) => p.text.trim());
}

const escapeLinkText = (s: string) => s.replace(/[[\]\\]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
const safeUrl = (u: string) => (/^https?:\/\//i.test(u) ? u.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`) : undefined);

/**
 * The report as a Markdown document: a title line, the text with a numbered marker after each
 * cited passage (linking to its source), and the sources listed at the end. Only http(s)
 * sources become links.
 */
export function researchReportMarkdown(question: string, steps: Step[], at: Date): string {
  const sources: Array<{ url: string; title: string }> = [];
  const numberOf = (url: string, title: string | undefined) => {
    let k = sources.findIndex((s) => s.url === url);
    if (k < 0) k = sources.push({ url, title: title?.trim() || url }) - 1;
    return k + 1;
  };
  const body: string[] = [];
  for (const part of reportParts(steps)) {
    // Insert the markers from the end, so earlier offsets stay right.
    const marks = part.cites
      .map((c) => ({ at: Math.max(0, Math.min(part.text.length, c.end)), url: safeUrl(c.url), title: c.title }))
      .filter((m): m is { at: number; url: string; title: string | undefined } => m.url !== undefined);
    const numbered = marks.map((m) => ({ ...m, n: numberOf(m.url, m.title) }));
    let text = part.text;
    const byPos = new Map<number, number[]>();
    for (const m of numbered) byPos.set(m.at, [...(byPos.get(m.at) ?? []), m.n]);
    for (const pos of [...byPos.keys()].sort((a, b) => b - a)) {
      const ns = [...new Set(byPos.get(pos)!)].sort((a, b) => a - b);
      text = text.slice(0, pos) + ns.map((n) => `[[${n}]](${sources[n - 1]!.url})`).join('') + text.slice(pos);
    }
    body.push(text.trim());
  }
  const q = question.replace(/\s+/g, ' ').trim();
  const lines = [`<!-- Deep Research report, ${at.toISOString()} -->`, '', `> **Question:** ${q}`, '', body.join('\n\n'), ''];
  if (sources.length) {
    lines.push('## Sources', '');
    sources.forEach((s, k) => lines.push(`${k + 1}. [${escapeLinkText(s.title)}](${s.url})`));
    lines.push('');
  }
  return lines.join('\n');
}

/** A file name for the report: the question's first words, safe on every file system. */
export function reportFileName(question: string, at: Date): string {
  const slug =
    question
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'research';
  return `${at.toISOString().slice(0, 10)}-${slug}.md`;
}
