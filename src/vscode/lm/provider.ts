/**
 * The `gemini` language model provider: Gemini models in VS Code's model picker and for any
 * extension through `vscode.lm.selectChatModels({ vendor: 'gemini' })`. Each request is one
 * stateless (`store: false`) streamed interaction built by core/lm/convert; parts stream back as
 * they arrive; cancellation aborts the request; failures are LanguageModelErrors that say what
 * to do. The key is the one in SecretStorage; a request without one asks for it once per window
 * (listing the models never asks).
 */
import * as vscode from 'vscode';
import { ApiError } from '../../core/client/errors';
import { TurnAccumulator } from '../../core/conversation/accumulator';
import { estimateTokens, LmResponseMapper, lmRequest, modelInfos, type LmMessage, type LmModelInfo, type LmPart } from '../../core/lm/convert';
import type { ApiClientProvider } from '../api';
import { setting } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export const LM_VENDOR = 'gemini';

type Info = vscode.LanguageModelChatInformation;

/** VS Code's parts as core's plain shapes. */
export function fromVsParts(parts: readonly unknown[]): LmPart[] {
  return parts.map((p): LmPart => {
    if (p instanceof vscode.LanguageModelTextPart) return { kind: 'text', text: p.value };
    if (p instanceof vscode.LanguageModelToolCallPart) return { kind: 'toolCall', callId: p.callId, name: p.name, input: (p.input ?? {}) as Record<string, unknown> };
    if (p instanceof vscode.LanguageModelToolResultPart) return { kind: 'toolResult', callId: p.callId, content: fromVsParts(p.content) };
    if (p instanceof vscode.LanguageModelDataPart) return { kind: 'data', mimeType: p.mimeType, data: p.data };
    // Duck-typed (parts made by another copy of the API classes).
    const o = p as { value?: unknown; callId?: unknown; name?: unknown; input?: unknown; content?: unknown; mimeType?: unknown; data?: unknown };
    if (typeof o?.value === 'string') return { kind: 'text', text: o.value };
    if (typeof o?.callId === 'string' && typeof o.name === 'string') return { kind: 'toolCall', callId: o.callId, name: o.name, input: (o.input ?? {}) as Record<string, unknown> };
    if (typeof o?.callId === 'string' && Array.isArray(o.content)) return { kind: 'toolResult', callId: o.callId, content: fromVsParts(o.content as unknown[]) };
    if (typeof o?.mimeType === 'string' && o.data instanceof Uint8Array) return { kind: 'data', mimeType: o.mimeType, data: o.data };
    return { kind: 'unknown' };
  });
}

export function fromVsMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): LmMessage[] {
  return messages.map((m) => ({ role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user', parts: fromVsParts(m.content), name: m.name }));
}

function toVsPart(p: LmPart): vscode.LanguageModelResponsePart | undefined {
  if (p.kind === 'text') return new vscode.LanguageModelTextPart(p.text);
  if (p.kind === 'toolCall') return new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input);
  if (p.kind === 'data') return new vscode.LanguageModelDataPart(p.data, p.mimeType);
  return undefined;
}

/** An API failure as the LM API's error, with a message that says what to do. */
export function toLmError(err: unknown): Error {
  if (err instanceof vscode.LanguageModelError) return err;
  const e = err instanceof ApiError ? err : undefined;
  const message = errorText(err);
  if (e?.kind === 'auth') return vscode.LanguageModelError.NoPermissions(`Gemini: ${message} Run “Gemini: Set API Key” to fix it.`);
  if (e?.kind === 'rate_limited' || e?.kind === 'quota') {
    const wait = e.retryAfterMs ? l10n.t(' Try again in {0} s.', Math.ceil(e.retryAfterMs / 1000)) : '';
    return vscode.LanguageModelError.Blocked(l10n.t('Gemini: {0}{1}', message, wait));
  }
  if (e?.kind === 'not_found') return vscode.LanguageModelError.NotFound(`Gemini: ${message}`);
  const out = new vscode.LanguageModelError(l10n.t('Gemini: {0}', message));
  return out;
}

export class GeminiChatProvider implements vscode.LanguageModelChatProvider<Info>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private models: LmModelInfo[] | undefined;
  private askedForKey = false;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
  ) {
    this.subs = [
      keys.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gemini.models') || e.affectsConfiguration('gemini.apiBaseUrl')) this.refresh();
      }),
    ];
  }

  private refresh(): void {
    this.models = undefined;
    this.changed.fire();
  }

  async provideLanguageModelChatInformation(_options: vscode.PrepareLanguageModelChatModelOptions, token: vscode.CancellationToken): Promise<Info[]> {
    if (!this.models) {
      let listed: Awaited<ReturnType<ReturnType<ApiClientProvider['get']>['listModels']>> | undefined;
      if (await this.keys.has()) {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        listed = await this.api
          .get()
          .listModels({ signal: abort.signal })
          .catch((err: Error) => {
            this.log.info(`Model list unavailable, using the configured models: ${err.message}`);
            return undefined;
          })
          .finally(() => sub.dispose());
      }
      // Never a prompt from here (VS Code asks for the list on its own, e.g. after the key changes):
      // without a key the configured models are listed, and a request asks for the key.
      this.models = modelInfos(listed, setting('models'));
    }
    return this.models.map((m) => ({
      id: m.id,
      name: m.name,
      family: m.family,
      version: m.version,
      tooltip: m.tooltip,
      detail: 'Gemini',
      maxInputTokens: m.maxInputTokens,
      maxOutputTokens: m.maxOutputTokens,
      capabilities: { toolCalling: m.toolCalling, imageInput: m.imageInput },
    }));
  }

  async provideLanguageModelChatResponse(
    model: Info,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    if (!(await this.keys.has())) {
      if (!this.askedForKey) {
        this.askedForKey = true;
        await vscode.commands.executeCommand('gemini.setApiKey');
      }
      if (!(await this.keys.has())) throw vscode.LanguageModelError.NoPermissions(l10n.t('Gemini: no API key is set. Run “Gemini: Set API Key”.'));
    }
    const opts = (options.modelOptions ?? {}) as { maxOutputTokens?: unknown; temperature?: unknown };
    const request = lmRequest(model.id, fromVsMessages(messages), {
      tools: options.tools?.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
      required: options.toolMode === vscode.LanguageModelChatToolMode.Required,
      maxOutputTokens: typeof opts.maxOutputTokens === 'number' ? opts.maxOutputTokens : undefined,
      temperature: typeof opts.temperature === 'number' ? opts.temperature : undefined,
      systemInstruction: setting('systemInstruction') || undefined,
    });
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const acc = new TurnAccumulator();
    const mapper = new LmResponseMapper();
    try {
      for await (const ev of this.api.get().stream({ ...request, stream: true }, { signal: abort.signal })) {
        for (const part of mapper.map(acc.apply(ev))) {
          const p = toVsPart(part);
          if (p) progress.report(p);
        }
      }
      if (acc.errors.length || acc.status === 'failed') throw new ApiError('interaction_failed', acc.errors.map((e) => e.message).join('; ') || 'The interaction failed.');
    } catch (err) {
      if (token.isCancellationRequested) return;
      this.log.warn(`Language model request failed: ${errorText(err)}`);
      throw toLmError(err);
    } finally {
      sub.dispose();
    }
  }

  provideTokenCount(_model: Info, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    return Promise.resolve(typeof text === 'string' ? estimateTokens(text) : estimateTokens(fromVsMessages([text])[0]!));
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
