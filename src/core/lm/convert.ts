/**
 * VS Code's Language Model API ↔ the Interactions API, for the `gemini` language model provider.
 * The LM API is stateless (every request carries the whole conversation), so each request is one
 * `store: false` interaction whose `input` is the history as steps: user messages become
 * `user_input`, assistant text `model_output`, tool calls `function_call` and tool results
 * `function_result`. Thought signatures travel back to VS Code as a data part of our own MIME
 * type and are put back in front of the call or answer they belong to when VS Code hands them to
 * us again. No `vscode` import here: the provider maps VS Code's part classes to these shapes.
 */
import type { StepChange } from '../conversation/accumulator';
import type { ApiModel, Content, CreateModelInteraction, FunctionTool, Step, ToolChoiceType } from '../protocol/types';

/** Our data part: the thought signature of the step that follows it (opaque to VS Code). */
export const SIGNATURE_MIME = 'application/vnd.gemini.thought-signature';

export type LmPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: Record<string, unknown> }
  | { kind: 'toolResult'; callId: string; content: LmPart[]; isError?: boolean }
  | { kind: 'data'; mimeType: string; data: Uint8Array }
  | { kind: 'unknown' };

export interface LmMessage {
  role: 'user' | 'assistant';
  parts: LmPart[];
  name?: string;
}

export interface LmTool {
  name: string;
  description: string;
  inputSchema?: object;
}

/** Images the model reads; other data parts (JSON, text) are given as text. */
const IMAGE_MIME = /^image\/(png|jpeg|webp|heic|heif|gif)$/;

const b64 = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');

function partContent(p: LmPart): Content | undefined {
  if (p.kind === 'text') return p.text ? { type: 'text', text: p.text } : undefined;
  if (p.kind === 'data') {
    if (IMAGE_MIME.test(p.mimeType)) return { type: 'image', data: b64(p.data), mime_type: p.mimeType };
    if (p.mimeType === SIGNATURE_MIME) return undefined;
    if (/^(text\/|application\/(json|xml))/.test(p.mimeType)) return { type: 'text', text: new TextDecoder().decode(p.data) };
  }
  return undefined;
}

function decodeSignature(p: LmPart): string | undefined {
  if (p.kind !== 'data' || p.mimeType !== SIGNATURE_MIME) return undefined;
  const s = new TextDecoder().decode(p.data);
  return s || undefined;
}

/** The conversation as Interactions `input` steps. A tool result's text and images become the function result. */
export function toInputSteps(messages: readonly LmMessage[]): Step[] {
  const steps: Step[] = [];
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === 'user') {
      const content: Content[] = [];
      const flushUser = () => {
        if (content.length) steps.push({ type: 'user_input', content: content.splice(0) });
      };
      for (const p of m.parts) {
        if (p.kind === 'toolResult') {
          flushUser();
          const result = p.content.map(partContent).filter((c): c is Content => !!c);
          const step: Step = { type: 'function_result', call_id: p.callId, name: names.get(p.callId), result: result.length ? result : '' };
          if (p.isError) (step as { is_error?: boolean }).is_error = true;
          steps.push(step);
        } else {
          const c = partContent(p);
          if (c) content.push(c);
        }
      }
      flushUser();
      continue;
    }
    // Assistant: text in one model_output per run of text; a signature part goes before what follows it.
    let output: Content[] = [];
    const flushOutput = () => {
      if (output.length) steps.push({ type: 'model_output', content: output });
      output = [];
    };
    for (const p of m.parts) {
      const sig = decodeSignature(p);
      if (sig) {
        flushOutput();
        steps.push({ type: 'thought', signature: sig });
      } else if (p.kind === 'toolCall') {
        flushOutput();
        names.set(p.callId, p.name);
        steps.push({ type: 'function_call', id: p.callId, name: p.name, arguments: p.input });
      } else {
        const c = partContent(p);
        if (c) output.push(c);
      }
    }
    flushOutput();
  }
  return steps;
}

/** Function declarations for the request (a tool without a schema takes an empty object). */
export function toFunctionTools(tools: readonly LmTool[]): FunctionTool[] {
  return tools.map((t) => ({
    type: 'function',
    name: t.name,
    description: t.description,
    parameters: t.inputSchema && Object.keys(t.inputSchema).length ? (t.inputSchema as Record<string, unknown>) : { type: 'object', properties: {} },
  }));
}

/** The stateless request for one LM API call. `required`: the model must call a tool (VS Code's ToolMode.Required). */
export function lmRequest(
  model: string,
  messages: readonly LmMessage[],
  opts: { tools?: readonly LmTool[]; required?: boolean; maxOutputTokens?: number; temperature?: number; systemInstruction?: string },
): CreateModelInteraction {
  const tools = opts.tools?.length ? toFunctionTools(opts.tools) : undefined;
  const toolChoice: ToolChoiceType | undefined = tools && opts.required ? 'any' : undefined;
  const generation = {
    thinking_summaries: 'auto' as const,
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(opts.maxOutputTokens ? { max_output_tokens: opts.maxOutputTokens } : {}),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
  };
  return {
    model,
    input: toInputSteps(messages),
    store: false,
    generation_config: generation,
    ...(tools ? { tools } : {}),
    ...(opts.systemInstruction ? { system_instruction: opts.systemInstruction } : {}),
  };
}

/**
 * Turns the accumulator's changes into the parts VS Code is given as they arrive: text deltas at
 * once, a tool call once its arguments are complete, and a thought's signature (as our data
 * part) before the step it belongs to.
 */
export class LmResponseMapper {
  private readonly emitted = new Set<number>();

  map(changes: readonly StepChange[]): LmPart[] {
    const out: LmPart[] = [];
    for (const c of changes) {
      if (c.kind === 'text.append') out.push({ kind: 'text', text: c.text });
      else if (c.kind === 'content.add' && c.value.type === 'text' && c.value.text) out.push({ kind: 'text', text: c.value.text });
      else if (c.kind === 'step.done' && !this.emitted.has(c.step)) {
        const s = c.value as Step & { signature?: string };
        if (s.type === 'thought' && s.signature) {
          this.emitted.add(c.step);
          out.push({ kind: 'data', mimeType: SIGNATURE_MIME, data: new TextEncoder().encode(s.signature) });
        } else if (s.type === 'function_call') {
          this.emitted.add(c.step);
          const f = s as { id: string; name: string; arguments?: Record<string, unknown> };
          out.push({ kind: 'toolCall', callId: f.id, name: f.name, input: f.arguments ?? {} });
        }
      }
    }
    return out;
  }
}

/** A token estimate without a network call: about four characters a token, a fixed cost per image. */
export function estimateTokens(x: string | LmMessage): number {
  if (typeof x === 'string') return Math.ceil(x.length / 4);
  let n = 4;
  for (const p of x.parts) n += partTokens(p);
  return n;
}

function partTokens(p: LmPart): number {
  switch (p.kind) {
    case 'text':
      return Math.ceil(p.text.length / 4);
    case 'toolCall':
      return Math.ceil((p.name.length + JSON.stringify(p.input).length) / 4) + 4;
    case 'toolResult':
      return p.content.reduce((n, c) => n + partTokens(c), 4);
    case 'data':
      return IMAGE_MIME.test(p.mimeType) ? 1100 : p.mimeType === SIGNATURE_MIME ? 0 : Math.ceil(p.data.byteLength / 4);
    default:
      return 0;
  }
}

// ---------------------------------------------------------------- models

export interface LmModelInfo {
  id: string;
  name: string;
  family: string;
  version: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  toolCalling: boolean;
  imageInput: boolean;
  tooltip: string;
}

/** Known limits, for the offline fallback (the API's list wins when it answers). */
const KNOWN: Record<string, { input: number; output: number }> = {
  'gemini-3.5-flash': { input: 1_048_576, output: 65_536 },
  'gemini-3.5-flash-lite': { input: 1_048_576, output: 65_536 },
  'gemini-3.1-pro-preview': { input: 1_048_576, output: 65_536 },
  'gemini-3-flash-preview': { input: 1_048_576, output: 65_536 },
  'gemini-2.5-pro': { input: 1_048_576, output: 65_536 },
  'gemini-2.5-flash': { input: 1_048_576, output: 65_536 },
};

function prettyName(id: string): string {
  return id
    .split('-')
    .map((w) => (/^\d/.test(w) ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}

function info(id: string, m: ApiModel | undefined): LmModelInfo {
  const known = KNOWN[id];
  const input = m?.inputTokenLimit ?? known?.input ?? 1_048_576;
  const output = m?.outputTokenLimit ?? known?.output ?? 65_536;
  return {
    id,
    name: m?.displayName ?? prettyName(id),
    family: id.replace(/-(preview|latest|\d{2}-\d{2,4}|exp.*)$/, ''),
    version: m?.version ?? id,
    maxInputTokens: input,
    maxOutputTokens: output,
    toolCalling: true,
    imageInput: true,
    tooltip: `${m?.description ? `${m.description} ` : ''}Gemini through the Interactions API (${Math.round(input / 1024)}K tokens in, ${Math.round(output / 1024)}K out). Your key stays in VS Code's secret storage.`,
  };
}

/**
 * The models the provider offers: from the API's list (Gemini text models that can generate
 * content), else the configured model list with known limits (offline, or the list refused).
 */
export function modelInfos(apiModels: ApiModel[] | undefined, configured: readonly string[]): LmModelInfo[] {
  if (apiModels?.length) {
    const usable = apiModels.filter((m) => {
      const id = (m.name ?? '').replace(/^models\//, '');
      const methods = m.supportedGenerationMethods;
      return /^gemini-/.test(id) && !/(image|tts|audio|embedding|live|veo|imagen|lyria)/.test(id) && (!methods || methods.includes('generateContent'));
    });
    if (usable.length) return usable.map((m) => info((m.name ?? '').replace(/^models\//, ''), m));
  }
  return [...new Set(configured)].map((id) => info(id, undefined));
}
