/**
 * The fake's Deep Research agent (reference §3, §3.3): `agent: "deep-research-…"` with
 * `agent_config.type: "deep-research"`, run in the background. With `collaborative_planning`
 * the agent answers with a research plan and goes no further; the user confirms or edits it in
 * the next turn (chained with `previous_interaction_id`), and a turn without
 * `collaborative_planning` carries the plan out: thought summaries while it works (when
 * `thinking_summaries` is not "none"), searches, then a cited Markdown report.
 *
 * Imports nothing from src/.
 */
import type { Json, Reply } from './scenario';

export const DEEP_RESEARCH_AGENTS = ['deep-research-pro-preview-12-2025', 'deep-research-preview-04-2026', 'deep-research-max-preview-04-2026'];

export function isDeepResearch(agent: unknown): boolean {
  return typeof agent === 'string' && /^deep-research-/.test(agent);
}

export interface ResearchOptions {
  /** How long a research run takes (ms), spread over its steps. */
  durationMs: number;
}

/** The request problems the real agent answers with 400 INVALID_ARGUMENT (undefined: fine). */
export function researchRequestProblem(body: Json): string | undefined {
  if (!DEEP_RESEARCH_AGENTS.includes(body.agent as string)) return `Agent ${String(body.agent)} does not exist.`;
  if (body.background !== true) return 'Deep Research interactions must run in the background: set background to true.';
  if (body.store === false) return 'Deep Research interactions are stored: store=false is not supported.';
  if (body.generation_config !== undefined) return 'generation_config is not supported on agent interactions.';
  const cfg = body.agent_config;
  if (cfg !== undefined) {
    if (!cfg || typeof cfg !== 'object' || (cfg as Json).type !== 'deep-research') return 'agent_config.type must be "deep-research" for this agent.';
    const c = cfg as Json;
    if (c.collaborative_planning !== undefined && typeof c.collaborative_planning !== 'boolean') return 'agent_config.collaborative_planning must be a boolean.';
    if (c.thinking_summaries !== undefined && !['auto', 'none'].includes(c.thinking_summaries as string)) return 'agent_config.thinking_summaries must be "auto" or "none".';
    if (c.visualization !== undefined && !['off', 'auto'].includes(c.visualization as string)) return 'agent_config.visualization must be "off" or "auto".';
  }
  return undefined;
}

/** The user's text in an `input`: its text parts, also inside `user_input` steps, joined. */
export function userText(input: unknown): string {
  if (typeof input === 'string') return input;
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (o.type === 'text' && typeof o.text === 'string') texts.push(o.text);
      else if (o.type === 'user_input') walk(o.content);
    }
  };
  walk(input);
  return texts.join(' ');
}

function attachments(input: unknown): string[] {
  if (!Array.isArray(input)) return [];
  return (input as Json[]).filter((c) => c && typeof c === 'object' && ['document', 'image', 'audio', 'video'].includes(c.type as string)).map((c) => String(c.type));
}

/** What one research interaction does. `plan`: the plan this conversation has so far, if any. */
export function researchReply(body: Json, plan: { topic: string; text: string } | undefined, o: ResearchOptions): { reply: Reply; plan?: { topic: string; text: string } } {
  const cfg = (body.agent_config ?? {}) as Json;
  const said = userText(body.input).trim();
  const topic = plan?.topic ?? (said || 'the question');
  const thoughts = cfg.thinking_summaries !== 'none';
  const files = attachments(body.input);
  if (cfg.collaborative_planning === true) {
    const points = [`Survey what is established about ${topic}.`, 'Compare the main sources and where they disagree.', 'Summarise the findings with citations.'];
    if (plan) points.splice(2, 0, `Address the change you asked for: ${said}`);
    if (files.length) points.unshift(`Read the attached ${files.join(', ')} first.`);
    const text = `${plan ? 'Revised research plan' : 'Research plan'} for “${topic}”:\n\n${points.map((p, k) => `${k + 1}. ${p}`).join('\n')}\n\nConfirm the plan to start, or tell me what to change.`;
    const steps: Json[] = [];
    if (thoughts) steps.push({ type: 'thought', signature: 'dr-plan', summary: [{ type: 'text', text: 'Drafting a research plan.' }] });
    steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
    return { reply: { steps, delayMs: 30 }, plan: { topic, text } };
  }
  const sources = [
    { url: 'https://example.org/overview', title: 'An overview' },
    { url: 'https://example.com/study?id=7&lang=en', title: 'A study (2026)' },
    { url: 'https://example.net/critique', title: 'A critique' },
  ];
  const intro = `# Research report: ${topic}\n\n`;
  const s1 = `The overview describes ${topic} in general terms.`;
  const s2 = ' A 2026 study measured it directly.';
  const s3 = ' A critique questions the study’s sample.';
  const followed = plan ? '\n\nThis report follows the confirmed plan.' : '';
  const body1 = `${intro}## Findings\n\n${s1}${s2}${s3}${followed}\n\n## Conclusion\n\nThe evidence is mixed but informative.`;
  // Citation offsets are UTF-8 byte offsets into the text (reference §5).
  const bytes = (x: string) => Buffer.byteLength(x, 'utf8');
  const a = bytes(intro) + bytes('## Findings\n\n');
  const [b1, b2, b3] = [bytes(s1), bytes(s2), bytes(s3)];
  const annotations = [
    { type: 'url_citation', url: sources[0]!.url, title: sources[0]!.title, start_index: a, end_index: a + b1 },
    { type: 'url_citation', url: sources[1]!.url, title: sources[1]!.title, start_index: a + b1, end_index: a + b1 + b2 },
    { type: 'url_citation', url: sources[2]!.url, title: sources[2]!.title, start_index: a + b1 + b2, end_index: a + b1 + b2 + b3 },
  ];
  const steps: Json[] = [];
  const progress = [
    'Planning the searches.',
    `Searching for sources on ${topic}.`,
    'Reading three sources.',
    'Cross-checking the study against the critique.',
    'Writing the report.',
  ];
  if (thoughts) steps.push({ type: 'thought', signature: 'dr-1', summary: [{ type: 'text', text: progress[0]! }] });
  steps.push({ type: 'google_search_call', id: 'drs_1', arguments: { queries: [String(topic).slice(0, 80)] } });
  steps.push({
    type: 'google_search_result',
    call_id: 'drs_1',
    result: [
      {
        search_suggestions: `<div class="chips"><b>Searches:</b> ${String(topic)
          .slice(0, 80)
          .replace(/[<>&"]/g, '')}</div>`,
      },
    ],
  });
  if (thoughts) for (const p of progress.slice(1)) steps.push({ type: 'thought', signature: `dr-${p.length}`, summary: [{ type: 'text', text: p }] });
  steps.push({ type: 'model_output', content: [{ type: 'text', text: body1, annotations }] });
  return {
    reply: {
      steps,
      textChunk: 24,
      delayMs: Math.max(10, Math.round(o.durationMs / 40)),
      usage: { total_input_tokens: 5200, total_output_tokens: 2100, total_thought_tokens: 900, total_cached_tokens: 0, total_tokens: 8200 },
    },
  };
}
