/**
 * Tools we did not write (MCP servers that VS Code runs, tools of other extensions) as function
 * tools of a turn: their schema converted for Gemini, each call through the approval policy, a
 * deadline on every call, results (text, images, other data) turned into function_result content
 * and capped so that one tool cannot flood the model.
 */
import type { Content } from '../protocol/types';
import { toGeminiParameters, functionName } from './schema';
import { ToolError, type JsonSchema, type ToolContext, type ToolDefinition, type ToolResult } from './types';
import { errorText } from '../../shared/errorText';

export interface ExternalToolInfo {
  /** The tool's name where it lives (`vscode.lm.tools`). */
  id: string;
  description: string;
  inputSchema: unknown;
  /** Who runs it, for the user: "MCP server notes", "the extension Foo". */
  source: string;
}

/** One piece of a tool's result. */
export type ExternalPart = { kind: 'text'; text: string } | { kind: 'data'; mimeType: string; data: Uint8Array } | { kind: 'other'; value: unknown };

export interface ExternalInvoker {
  /** Run the tool; rejects with a message for the model when it fails or is refused. */
  invoke(id: string, input: Record<string, unknown>, signal: AbortSignal): Promise<ExternalPart[]>;
}

export interface ExternalOptions {
  /** Names already used (our own tools): an external tool never shadows one. */
  taken: ReadonlySet<string>;
  /** Why this tool runs without asking (the user's allow list), or undefined: it asks. */
  preapproved(id: string): string | undefined;
  timeoutMs: number;
  /** Characters of text the model gets of one result; the rest is cut, with a mark saying so. */
  maxResultChars: number;
  /** Bytes of images (inline data) the model gets of one result. */
  maxImageBytes: number;
}

/** Function tools for the given external tools; tools that cannot be offered are named in `notes`. */
export function externalTools(infos: readonly ExternalToolInfo[], invoker: ExternalInvoker, opts: ExternalOptions): { tools: Array<ToolDefinition<never>>; notes: string[] } {
  const taken = new Set(opts.taken);
  const tools: Array<ToolDefinition<never>> = [];
  const notes: string[] = [];
  for (const info of infos) {
    const converted = toGeminiParameters(info.inputSchema);
    if (!converted.ok) {
      notes.push(`${info.id} (${info.source}) is not offered to Gemini: ${converted.reason}.`);
      continue;
    }
    if (converted.notes.length) notes.push(`${info.id} (${info.source}): ${converted.notes.join('; ')}.`);
    const name = functionName(info.id, taken);
    taken.add(name);
    tools.push({
      name,
      description: `${info.description || info.id} (a tool of ${info.source})`.slice(0, 4000),
      parameters: converted.parameters as JsonSchema & { type: 'object' },
      kind: 'external',
      openArguments: true,
      run: (args: Record<string, unknown>, ctx: ToolContext) => runExternal(info, invoker, opts, args, ctx),
    } as ToolDefinition<never>);
  }
  return { tools, notes };
}

async function runExternal(info: ExternalToolInfo, invoker: ExternalInvoker, opts: ExternalOptions, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
  const gate = await ctx.approvals.external(
    ctx.callId,
    { tool: info.id, source: info.source, args: JSON.stringify(args, null, 2), preapproved: opts.preapproved(info.id) },
    ctx.signal,
  );
  if (!gate.run) throw new ToolError(gate.reason);
  if (gate.reason) ctx.note(gate.reason);
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  // The deadline counts the tool's time, not a person's: when it passes, the user is asked in the
  // card (VS Code may be waiting in its own confirmation for them); only their "Cancel" ends the call.
  let asking: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  const seconds = Math.round(opts.timeoutMs / 1000);
  const overdue = new Promise<never>((_, reject) => {
    const arm = (): void => {
      timer = setTimeout(() => {
        asking = new AbortController();
        const stop = () => asking?.abort();
        ctx.signal.addEventListener('abort', stop, { once: true });
        void ctx.approvals.overdue(ctx.callId, { tool: info.id, source: info.source, seconds }, asking.signal).then((wait) => {
          ctx.signal.removeEventListener('abort', stop);
          if (asking?.signal.aborted) return; // answered (or stopped) meanwhile
          if (wait) return arm();
          // Settle the race first: the tool's own rejection on abort must not win it.
          reject(new ToolError(`${info.id} did not answer within ${seconds} s and the user cancelled it. Try something else, or ask the user to check ${info.source}.`));
          abort.abort();
        });
      }, opts.timeoutMs);
    };
    arm();
  });
  let onStop = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(new ToolError('Stopped by the user.'));
    ctx.signal.addEventListener('abort', onStop, { once: true });
  });
  // Whichever loses the race may still settle later: never an unhandled rejection.
  overdue.catch(() => undefined);
  stopped.catch(() => undefined);
  try {
    const parts = await Promise.race([invoker.invoke(info.id, args, abort.signal), overdue, stopped]);
    return resultOf(parts, opts);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(`${info.id} failed: ${errorText(err)}`);
  } finally {
    clearTimeout(timer);
    // An answer that came while the user was being asked takes the question away.
    asking?.abort();
    ctx.signal.removeEventListener('abort', onAbort);
    // A call that ended lets go of the Stop signal (a turn of many calls would hold each one).
    ctx.signal.removeEventListener('abort', onStop);
  }
}

/** A result as function_result content (text joined and capped; images inline within their own cap). */
export function resultOf(parts: readonly ExternalPart[], opts: Pick<ExternalOptions, 'maxResultChars' | 'maxImageBytes'>): ToolResult {
  const texts: string[] = [];
  const media: Content[] = [];
  const marks: string[] = [];
  let imageBytes = 0;
  for (const p of parts) {
    if (p.kind === 'text') texts.push(p.text);
    else if (p.kind === 'data') {
      const mime = p.mimeType.toLowerCase();
      if (mime.startsWith('text/') || mime.includes('json') || mime.includes('xml')) texts.push(new TextDecoder().decode(p.data));
      else if (/^(image|audio|video)\//.test(mime) || mime === 'application/pdf') {
        if (imageBytes + p.data.length > opts.maxImageBytes) {
          marks.push(`[a ${mime} of ${p.data.length} bytes was left out: more than ${opts.maxImageBytes} bytes of media in one result]`);
          continue;
        }
        imageBytes += p.data.length;
        const type = mime.startsWith('image/') ? 'image' : mime.startsWith('audio/') ? 'audio' : mime.startsWith('video/') ? 'video' : 'document';
        media.push({ type, data: Buffer.from(p.data).toString('base64'), mime_type: mime } as Content);
      } else marks.push(`[${p.data.length} bytes of ${mime} were left out: not a kind of data Gemini reads]`);
    } else {
      try {
        texts.push(JSON.stringify(p.value));
      } catch {
        marks.push('[a part of the result could not be read]');
      }
    }
  }
  let text = texts.join('\n');
  if (text.length > opts.maxResultChars) {
    const keep = opts.maxResultChars;
    text = `${text.slice(0, keep)}\n[… ${text.length - keep} more characters cut: the result was ${text.length} characters, more than the ${keep} a tool result may send]`;
  }
  if (marks.length) text = `${text}${text ? '\n' : ''}${marks.join('\n')}`;
  const mediaNote = media.length
    ? `${media.length} ${media.length === 1 ? 'attachment' : 'attachments'} (${media.map((m) => (m as { mime_type?: string }).mime_type).join(', ')})`
    : '';
  const shown = [text, mediaNote && `[${mediaNote}]`].filter(Boolean).join('\n') || '(empty result)';
  const content: Content[] = [...(text ? [{ type: 'text', text } as Content] : []), ...media];
  return { text: shown, content: content.length ? content : [{ type: 'text', text: '(empty result)' }] };
}
