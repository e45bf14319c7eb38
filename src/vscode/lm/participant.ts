/**
 * `@gemini` in VS Code's Chat view: each request is a Gemini interaction streamed into the
 * response (markdown as it arrives, progress while it thinks or runs a tool, citations as
 * references), chained to the previous answer of the same chat with `previous_interaction_id`.
 * Our workspace tools are offered under our approval policy; an approval is asked with a modal
 * dialog (the model cannot answer it). Slash commands: /explain and /fix (the active editor's
 * selection), /search (Google Search grounding), /agent (a remote agent task). A button moves the
 * exchange into our own panel, where the conversation goes on.
 */
import { ProjectInstructions } from '../instructions';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { StepChange } from '../../core/conversation/accumulator';
import { TurnEngine } from '../../core/conversation/engine';
import { chatTurnSettings } from '../../core/conversation/session';
import { ConversationStore, titleFrom } from '../../core/conversation/journal';
import { citationsFor } from '../../core/conversation/present';
import type { Annotation, Content, Step } from '../../core/protocol/types';
import { explainPrompt } from '../../core/review';
import { revealAnswerText, revealHidden } from '../../shared/hidden';
import { commandView, commandViewText } from '../../shared/commandView';
import type { ApprovalRequest } from '../../shared/protocol';
import type { ApprovalDecision } from '../../shared/vocab';
import type { ApiClientProvider } from '../api';
import type { ChatController } from '../chat/controller';
import { defaultChatSettings, setting } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import type { WorkspaceTools } from '../tools';
import { toLmError } from './provider';
import { l10n } from '../../shared/l10n';
import { isStepKind, type StepKind } from '../../shared/stepKinds';
import { errorText } from '../../shared/errorText';

export const PARTICIPANT_ID = 'gemini.participant';
const CONTINUE_COMMAND = 'gemini.continueInPanel';

interface GeminiResultMeta {
  interactionId?: string;
  model?: string;
  prompt?: string;
  steps?: Step[];
}

/** Up to this much of a referenced file goes with the prompt. */
const MAX_REFERENCE_CHARS = 60_000;

export class GeminiParticipant implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];

  private readonly instructions = new ProjectInstructions();

  constructor(
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
    private readonly chat: ChatController,
    private readonly tools: WorkspaceTools,
    private readonly store: ConversationStore,
    private readonly launchRemote: (task: string) => Promise<unknown>,
  ) {
    const p = vscode.chat.createChatParticipant(PARTICIPANT_ID, (req, ctx, stream, token) => this.handle(req, ctx, stream, token));
    p.iconPath = new vscode.ThemeIcon('sparkle');
    this.subs.push(
      p,
      vscode.commands.registerCommand(CONTINUE_COMMAND, (meta: unknown) => this.continueInPanel(meta)),
    );
  }

  private async handle(raw: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const request = withCommand(raw);
    if (!(await this.keys.has())) {
      stream.markdown(l10n.t('Gemini needs an API key first (it is kept in VS Code’s secret storage).'));
      stream.button({ command: 'gemini.setApiKey', title: l10n.t('Set API Key') });
      return { errorDetails: { message: l10n.t('No Gemini API key is set.') } };
    }
    if (request.command === 'agent') {
      if (!request.prompt.trim()) {
        stream.markdown(l10n.t('Say what the remote agent should do, for example `/agent add tests for the parser`.'));
        return {};
      }
      stream.progress(l10n.t('Starting a remote agent run…'));
      await this.launchRemote(request.prompt);
      stream.markdown(l10n.t('The run is set up in the **Remote Agent Runs** view; it goes on in the background and notifies you when it finishes.'));
      return {};
    }
    const text = await this.promptFor(request, stream);
    if (text === undefined) return {};
    const input: Content[] = [{ type: 'text', text }];
    const base = defaultChatSettings();
    const turnId = randomUUID();
    const turnTools =
      request.command === 'search'
        ? { declarations: [], runner: undefined, serverTools: [] }
        : await this.tools.forTurn(
            turnId,
            {
              update: (a) => {
                if (a.status === 'running') stream.progress(l10n.t('Running {0}…', a.name));
              },
              output: () => undefined,
            },
            { reveal: () => undefined, notice: (t) => stream.markdown(`\n\n> ${t}\n\n`), ask: (r, signal) => askModal(r, signal) },
            request.toolInvocationToken,
          );
    // The project's instruction files, as in the panel; each shows among the response's references.
    const ins = await this.instructions.forTurn(base.systemInstruction).catch(() => ({ systemInstruction: base.systemInstruction, used: [], uris: [] as vscode.Uri[] }));
    for (const uri of ins.uris) stream.reference(uri);
    const settings = chatTurnSettings(
      { ...base, systemInstruction: ins.systemInstruction, googleSearch: base.googleSearch || request.command === 'search' },
      turnTools.declarations,
      turnTools.serverTools,
    );
    // Stateful: chained to this chat's last answer. Stateless (the user's setting): the chat's text so far is sent again.
    const ctx = settings.mode === 'stateless' ? { history: textHistory(context) } : { previousInteractionId: lastInteraction(context) };
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let thinking = false;
    const refs = new Set<string>();
    try {
      const outcome = await new TurnEngine(this.api.get(), turnTools.runner).runTurn(
        input,
        settings,
        ctx,
        {
          changes: (changes: StepChange[], steps: Step[]) => {
            for (const c of changes) {
              if (c.kind === 'text.append') stream.markdown(plain(c.text));
              else if (c.kind === 'content.add' && c.value.type === 'text' && c.value.text) stream.markdown(plain(c.value.text));
              else if (c.kind === 'thought.append' && !thinking) {
                thinking = true;
                stream.progress(l10n.t('Thinking…'));
              } else if (c.kind === 'annotations.add') {
                const step = steps[c.step] as { content?: Content[] } | undefined;
                const t = (step?.content?.[c.content] as { text?: string } | undefined)?.text ?? '';
                for (const cite of citationsFor(t, c.annotations as Annotation[])) addReference(stream, refs, cite.url, cite.title);
              } else if (c.kind === 'step.done' && isStepKind(c.value.type)) {
                PARTICIPANT_STEPS[c.value.type](c.value as StepFields, { progress: (t) => stream.progress(t), reference: (url, title) => addReference(stream, refs, url, title) });
              }
            }
          },
        },
        abort.signal,
      );
      turnTools.finish?.();
      if (outcome.status === 'stopped' || token.isCancellationRequested) return {};
      if (outcome.error) throw outcome.error;
      const meta: GeminiResultMeta = { interactionId: outcome.chainFrom ?? outcome.interactionId, model: base.model, prompt: text, steps: outcome.steps };
      stream.button({ command: CONTINUE_COMMAND, title: l10n.t('Continue in the Gemini panel'), arguments: [meta] });
      return { metadata: meta };
    } catch (err) {
      if (token.isCancellationRequested) return {};
      this.log.warn(`@gemini request failed: ${errorText(err)}`);
      return { errorDetails: { message: toLmError(err).message } };
    } finally {
      sub.dispose();
    }
  }

  /** The text sent for this request: the prompt, the command's context, and referenced files (capped). */
  private async promptFor(request: vscode.ChatRequest, stream: vscode.ChatResponseStream): Promise<string | undefined> {
    let text = request.prompt;
    if (request.command === 'explain' || request.command === 'fix') {
      // The code in question: the selection the chat attached (VS Code adds it as a reference), else the editor's.
      const attached = request.references.map((r) => r.value).find((v): v is vscode.Location => v instanceof vscode.Location);
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      const doc = attached ? await vscode.workspace.openTextDocument(attached.uri) : editor?.document;
      if (!doc) {
        stream.markdown(l10n.t('Open a file (and select the code) to use /{0}.', request.command));
        return undefined;
      }
      const picked = attached?.range ?? (editor?.document === doc ? editor.selection : undefined);
      let sel: vscode.Range = !picked || picked.isEmpty ? new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length) : picked;
      // A selection that ends at the start of a line does not include that line.
      if (sel.end.character === 0 && sel.end.line > sel.start.line) sel = new vscode.Range(sel.start, doc.lineAt(sel.end.line - 1).range.end);
      const path = vscode.workspace.asRelativePath(doc.uri);
      stream.reference(new vscode.Location(doc.uri, sel));
      if (request.command === 'explain') {
        text =
          explainPrompt({
            path,
            languageId: doc.languageId,
            startLine: sel.start.line + 1,
            endLine: sel.end.line + 1,
            selection: doc.getText(sel).slice(0, MAX_REFERENCE_CHARS),
            before: '',
            after: '',
          }) + (request.prompt ? `\n\n${request.prompt}` : '');
      } else {
        const problems = vscode.languages
          .getDiagnostics(doc.uri)
          .filter((d) => d.range.intersection(sel))
          .map((d) => `- line ${d.range.start.line + 1}: ${d.message}`);
        const fence = doc.getText(sel).includes('```') ? '~~~~' : '```';
        text =
          `Fix the problems in \`${path}\` (lines ${sel.start.line + 1}–${sel.end.line + 1})${problems.length ? `:\n${problems.join('\n')}` : '.'}\n\n${fence}${doc.languageId}\n${doc.getText(sel).slice(0, MAX_REFERENCE_CHARS)}\n${fence}\n\n` +
          'Make the smallest correct change with the edit_file tool (the user reviews the diff), then say in one sentence what you changed.' +
          (request.prompt ? `\n\n${request.prompt}` : '');
      }
    }
    for (const ref of request.references) {
      const v = ref.value;
      // The selection /explain and /fix already quote.
      if ((request.command === 'explain' || request.command === 'fix') && v instanceof vscode.Location) continue;
      const uri = v instanceof vscode.Uri ? v : v instanceof vscode.Location ? v.uri : undefined;
      if (!uri) {
        if (typeof v === 'string') text += `\n\n${v}`;
        continue;
      }
      try {
        const doc = await vscode.workspace.openTextDocument(uri);
        const body = v instanceof vscode.Location ? doc.getText(v.range) : doc.getText();
        text += `\n\nAttached \`${vscode.workspace.asRelativePath(uri)}\`:\n\`\`\`\`\n${body.slice(0, MAX_REFERENCE_CHARS)}\n\`\`\`\``;
      } catch (err) {
        this.log.info(`A chat reference could not be read: ${errorText(err)}`);
      }
    }
    return text;
  }

  /** The exchange becomes a conversation in our panel, chained to the same interaction. */
  private async continueInPanel(raw: unknown): Promise<void> {
    const meta = (raw ?? {}) as GeminiResultMeta;
    if (!meta.interactionId || typeof meta.prompt !== 'string') return;
    const id = randomUUID().replace(/-/g, '').slice(0, 20);
    const input: Content[] = [{ type: 'text', text: meta.prompt }];
    const j = this.store.create({ id, mode: 'stateful', model: meta.model ?? setting('model'), title: titleFrom(input) });
    const now = Date.now();
    j.append({ r: 'turn', t: 't1', at: now, input, model: meta.model ?? setting('model') });
    j.append({ r: 'end', t: 't1', at: now, state: 'completed', chain: meta.interactionId, steps: Array.isArray(meta.steps) ? meta.steps : [], ids: [meta.interactionId] });
    this.chat.open(id);
    await this.chat.view.reveal(true);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

const COMMANDS = new Set(['explain', 'fix', 'search', 'agent']);

/** A slash command VS Code left in the prompt (typed after a sticky @gemini) counts as the command. */
function withCommand(request: vscode.ChatRequest): vscode.ChatRequest {
  if (request.command) return request;
  const m = /^\s*\/(\w+)\b\s*([\s\S]*)$/.exec(request.prompt);
  if (!m || !COMMANDS.has(m[1]!)) return request;
  return Object.assign(Object.create(request) as vscode.ChatRequest, { command: m[1], prompt: m[2] });
}

/** The interaction of this participant's last answer in the chat (to chain from). */
function lastInteraction(context: vscode.ChatContext): string | undefined {
  for (let k = context.history.length - 1; k >= 0; k--) {
    const t = context.history[k];
    if (t instanceof vscode.ChatResponseTurn && t.participant === PARTICIPANT_ID) {
      const id = (t.result.metadata as GeminiResultMeta | undefined)?.interactionId;
      if (typeof id === 'string') return id;
    }
  }
  return undefined;
}

/** The chat so far as text steps (stateless mode: the history is sent with each request). */
function textHistory(context: vscode.ChatContext): Step[] {
  const steps: Step[] = [];
  for (const t of context.history) {
    if (t instanceof vscode.ChatRequestTurn) steps.push({ type: 'user_input', content: [{ type: 'text', text: t.prompt }] });
    else if (t instanceof vscode.ChatResponseTurn) {
      const text = t.response
        .map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : ''))
        .join('')
        .trim();
      if (text) steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
    }
  }
  return steps;
}

/** Model text as markdown that runs nothing: no command links, no HTML. */
type StepFields = Record<string, unknown>;
interface StepOut {
  progress(text: string): void;
  reference(url: string, title?: string): void;
}
const names = (v: unknown) => (Array.isArray(v) ? (v as unknown[]).map(String).join(', ') : '');
const none = () => undefined;

/**
 * What a finished step shows in VS Code's chat besides the answer's text (which streams as it
 * comes): progress for the tools at work, references for what a search found. Every kind of the
 * registry; the compiler names a new one.
 */
const PARTICIPANT_STEPS: Record<StepKind, (s: StepFields, out: StepOut) => void> = {
  user_input: none,
  model_output: none,
  thought: none,
  function_call: (s, out) => out.progress(l10n.t('Running {0}…', String(s.name ?? ''))),
  function_result: none,
  code_execution_call: (_s, out) => out.progress(l10n.t('Running code…')),
  code_execution_result: none,
  google_search_call: (s, out) => out.progress(l10n.t('Searching: {0}', names((s.arguments as StepFields | undefined)?.queries))),
  google_search_result: (s, out) => {
    for (const r of (s.result as Array<{ url?: string; title?: string }> | undefined) ?? []) if (r && typeof r.url === 'string') out.reference(r.url, r.title);
  },
  url_context_call: (s, out) => out.progress(l10n.t('Reading {0}', names((s.arguments as StepFields | undefined)?.urls))),
  url_context_result: none,
  google_maps_call: (_s, out) => out.progress(l10n.t('Searching Google Maps…')),
  google_maps_result: none,
  mcp_server_tool_call: (s, out) => out.progress(l10n.t('Calling {0} on {1}…', String(s.name ?? ''), String(s.server_name ?? ''))),
  mcp_server_tool_result: none,
  file_search_call: (_s, out) => out.progress(l10n.t('Searching the file stores…')),
  file_search_result: none,
  retrieval_call: (_s, out) => out.progress(l10n.t('Retrieving…')),
  retrieval_result: none,
  processing_call: (_s, out) => out.progress(l10n.t('Processing media…')),
  processing_result: none,
  tool_search_call: (s, out) => out.progress(l10n.t('Looking for tools: {0}', names((s.arguments as StepFields | undefined)?.function_names))),
  tool_search_result: none,
};

function plain(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function addReference(stream: vscode.ChatResponseStream, seen: Set<string>, url: string, title?: string): void {
  if (seen.has(url) || !/^https?:\/\//i.test(url)) return;
  seen.add(url);
  try {
    stream.reference(vscode.Uri.parse(url, true));
  } catch {
    /* not a URL */
  }
  void title;
}

/** An approval in a modal dialog: only the user can answer it. */
async function askModal(r: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
  if (signal.aborted) return 'reject';
  // Shown exactly: hidden and control characters (and look-alike spaces in commands) made visible.
  const show = (t: string) => revealHidden(revealAnswerText(t), { spaces: r.kind === 'command' });
  const lines = r.diff ? r.diff.split('\n') : [];
  const diff = lines.length ? `\n\n${show(lines.slice(0, 40).join('\n'))}${lines.length > 40 ? `\n… ${l10n.t('({0} more lines)', lines.length - 40)}` : ''}` : '';
  // Commands and tool arguments: every character, long runs counted, look-alike letters named.
  const view = r.kind === 'command' || r.kind === 'tool' ? commandView(r.detail) : undefined;
  const shown = view ? `${l10n.t('{0} line(s), {1} character(s)', view.lines, view.chars)}\n${commandViewText(view)}` : show(r.detail);
  const where =
    r.kind !== 'command'
      ? ''
      : `\n\n${r.sandboxed ? l10n.t('Runs in the OS sandbox.') : l10n.t('Runs without the OS sandbox.')}${r.sandboxed && r.network ? ` ${l10n.t('With the network: the internet and services on this machine (local databases, dev servers) are reachable.')}` : ''}`;
  const detail = `${shown}${r.sensitive ? `\n\n${l10n.t('Sensitive: {0}', r.sensitive)}` : ''}${where}${diff}`;
  const allow = r.acceptLabel ?? (r.kind === 'command' ? l10n.t('Run') : r.kind === 'read' || r.kind === 'tool' ? l10n.t('Allow') : l10n.t('Apply'));
  const full = l10n.t('Show the Whole Diff');
  for (;;) {
    const pick = await vscode.window.showWarningMessage(l10n.t('Gemini: {0}', show(r.title)), { modal: true, detail }, ...(lines.length > 40 ? [allow, full] : [allow]));
    if (pick !== full || signal.aborted) return pick === allow && !signal.aborted ? 'accept' : 'reject';
    // The whole diff in an editor beside; then the same question again.
    const doc = await vscode.workspace.openTextDocument({ language: 'diff', content: show(r.diff ?? '') });
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }
}
