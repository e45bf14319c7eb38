/**
 * Gemini from anywhere in the editor: the code actions (Explain with Gemini, Fix with Gemini,
 * Apply Gemini suggestion), review into diagnostics, image generation and commit messages.
 */
import * as vscode from 'vscode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mimeFor, mimeToExtension } from '../core/attachments';
import { ApiError } from '../core/client/errors';
import { runOneShot } from '../core/conversation/oneshot';
import {
  FIX_SCHEMA,
  REVIEW_RESPONSE_FORMAT,
  ReviewFormatError,
  commitMessagePrompt,
  explainPrompt,
  filesInDiff,
  fixPrompt,
  parseReview,
  reviewChangesPrompt,
  reviewFilePrompt,
  type ReviewFinding,
} from '../core/review';
import { applyEdits } from '../core/tools/defs/edit_file';
import { validateArgs } from '../core/tools/types';
import type { Content, ImageResponseFormat } from '../core/protocol/types';
import type { ApiClientProvider } from './api';
import type { ChatController } from './chat/controller';
import { setting } from './config';
import { gitApi } from './adapters';
import type { Command } from './commands';
import type { Log } from './log';
import { l10n } from '../shared/l10n';
import { errorText } from '../shared/errorText';

const IMAGE_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '5:4', '4:5', '21:9'] as const;
const IMAGE_SIZES = ['512', '1K', '2K', '4K'] as const;

export const EXPLAIN_KIND = vscode.CodeActionKind.RefactorRewrite.append('gemini.explain');
const REVIEW_SOURCE = l10n.t('Gemini Review');

interface FixArgs {
  uri: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
  severity: number;
  source?: string;
}

/** Suggested replacements of the published review findings. */
class ReviewStore {
  readonly collection = vscode.languages.createDiagnosticCollection(REVIEW_SOURCE);
  private readonly suggestions = new Map<string, string>();

  key(uri: vscode.Uri, d: vscode.Diagnostic): string {
    return `${uri.toString()}#${d.range.start.line}-${d.range.end.line}#${d.message}`;
  }

  publish(byFile: Map<string, { uri: vscode.Uri; doc: vscode.TextDocument; findings: ReviewFinding[] }>): number {
    let n = 0;
    for (const { uri, doc, findings } of byFile.values()) {
      const diags: vscode.Diagnostic[] = [];
      for (const f of findings) {
        const start = Math.min(f.start_line, doc.lineCount) - 1;
        const end = Math.min(Math.max(f.end_line, f.start_line), doc.lineCount) - 1;
        const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
        const sev = f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
        const d = new vscode.Diagnostic(range, f.message, sev);
        d.source = REVIEW_SOURCE;
        if (f.suggested_replacement !== undefined) {
          d.code = 'has-suggestion';
          this.suggestions.set(this.key(uri, d), f.suggested_replacement);
        }
        diags.push(d);
        n++;
      }
      this.collection.set(uri, diags);
    }
    return n;
  }

  suggestion(uri: vscode.Uri, d: vscode.Diagnostic): string | undefined {
    return this.suggestions.get(this.key(uri, d));
  }

  dispose(): void {
    this.collection.dispose();
  }
}

export class GeminiActions implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, EXPLAIN_KIND];
  readonly review = new ReviewStore();
  private readonly proposals = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly chat: ChatController,
    private readonly api: ApiClientProvider,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, { providedCodeActionKinds: GeminiActions.kinds }),
      vscode.languages.registerCodeActionsProvider({ scheme: 'untitled' }, this, { providedCodeActionKinds: GeminiActions.kinds }),
      vscode.workspace.registerTextDocumentContentProvider('gemini-proposal', { provideTextDocumentContent: (uri) => this.proposals.get(uri.toString()) ?? '' }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Findings go stale when their lines change.
        if (this.review.collection.has(e.document.uri) && e.contentChanges.length) {
          const remaining = (this.review.collection.get(e.document.uri) ?? []).filter(
            (d) => !e.contentChanges.some((c) => c.range.intersection(d.range) || c.range.end.line < d.range.start.line),
          );
          this.review.collection.set(e.document.uri, remaining);
        }
      }),
    );
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    if (!range.isEmpty && (!ctx.only || ctx.only.contains(EXPLAIN_KIND) || EXPLAIN_KIND.contains(ctx.only))) {
      const a = new vscode.CodeAction(l10n.t('Explain with Gemini'), EXPLAIN_KIND);
      a.command = { command: 'gemini.explainSelection', title: l10n.t('Explain with Gemini'), arguments: [doc.uri, range] };
      out.push(a);
    }
    for (const d of ctx.diagnostics) {
      if (d.source === REVIEW_SOURCE) {
        const replacement = this.review.suggestion(doc.uri, d);
        if (replacement !== undefined) {
          const fix = new vscode.CodeAction(l10n.t('Apply Gemini suggestion'), vscode.CodeActionKind.QuickFix);
          fix.diagnostics = [d];
          fix.isPreferred = true;
          fix.edit = new vscode.WorkspaceEdit();
          const lastLine = d.range.end.line;
          fix.edit.replace(doc.uri, new vscode.Range(d.range.start.line, 0, lastLine, doc.lineAt(lastLine).text.length), replacement.replace(/\n$/, ''));
          out.push(fix);
        }
        continue;
      }
      if (d.severity > vscode.DiagnosticSeverity.Warning) continue;
      const a = new vscode.CodeAction(l10n.t('Fix with Gemini'), vscode.CodeActionKind.QuickFix);
      a.diagnostics = [d];
      const args: FixArgs = {
        uri: doc.uri.toString(),
        line: d.range.start.line,
        character: d.range.start.character,
        endLine: d.range.end.line,
        endCharacter: d.range.end.character,
        message: d.message,
        severity: d.severity,
        source: d.source,
      };
      a.command = { command: 'gemini.fixDiagnostic', title: l10n.t('Fix with Gemini'), arguments: [args] };
      out.push(a);
    }
    return out;
  }

  // ---------------------------------------------------------------- explain

  async explain(uri?: unknown, range?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    let sel = range instanceof vscode.Range ? range : editor?.selection;
    if (!doc || !sel || sel.isEmpty) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: select some code to explain.'));
      return;
    }
    // A selection that ends at the start of a line does not include that line.
    if (sel.end.character === 0 && sel.end.line > sel.start.line) sel = new vscode.Range(sel.start, doc.lineAt(sel.end.line - 1).range.end);
    const before = doc.getText(new vscode.Range(Math.max(0, sel.start.line - 5), 0, sel.start.line, 0));
    const afterEnd = Math.min(doc.lineCount - 1, sel.end.line + 5);
    const after = doc.getText(new vscode.Range(Math.min(sel.end.line + 1, doc.lineCount - 1), 0, afterEnd, doc.lineAt(afterEnd).text.length));
    const prompt = explainPrompt({
      path: vscode.workspace.asRelativePath(doc.uri),
      languageId: doc.languageId,
      startLine: sel.start.line + 1,
      endLine: sel.end.line + 1,
      selection: doc.getText(sel),
      before,
      after: sel.end.line + 1 <= afterEnd ? after : '',
    });
    await this.chat.view.reveal(false);
    await this.chat.send(prompt);
  }

  // ---------------------------------------------------------------- fix

  async fix(raw?: unknown): Promise<void> {
    const a = raw as FixArgs | undefined;
    let doc: vscode.TextDocument;
    let diag: { range: vscode.Range; message: string; severity: number; source?: string };
    if (a?.uri) {
      doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(a.uri));
      diag = { range: new vscode.Range(a.line, a.character, a.endLine, a.endCharacter), message: a.message, severity: a.severity, source: a.source };
    } else {
      // From the palette: the problem under the cursor, else on its line, else the nearest one.
      const ed = vscode.window.activeTextEditor;
      const all = ed ? vscode.languages.getDiagnostics(ed.document.uri).filter((x) => x.severity <= vscode.DiagnosticSeverity.Warning && x.source !== REVIEW_SOURCE) : [];
      const at = ed?.selection.active;
      const d =
        (at && all.find((x) => x.range.contains(at))) ??
        (at && all.find((x) => x.range.start.line <= at.line && x.range.end.line >= at.line)) ??
        (at ? [...all].sort((a, b) => Math.abs(a.range.start.line - at.line) - Math.abs(b.range.start.line - at.line))[0] : undefined);
      if (!ed || !d) {
        void vscode.window.showInformationMessage(l10n.t('Gemini: there is no error or warning in this file to fix.'));
        return;
      }
      doc = ed.document;
      diag = d;
    }
    const from = Math.max(0, diag.range.start.line - 8);
    const to = Math.min(doc.lineCount - 1, diag.range.end.line + 8);
    const excerpt = doc.getText(new vscode.Range(from, 0, to, doc.lineAt(to).text.length));
    const tools = this.chat.tools?.enabled().enabled === true;
    const prompt = fixPrompt({
      path: vscode.workspace.asRelativePath(doc.uri),
      languageId: doc.languageId,
      line: diag.range.start.line + 1,
      column: diag.range.start.character + 1,
      severity: diag.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
      message: diag.message,
      source: diag.source,
      excerpt,
      excerptStart: from + 1,
      toolsAvailable: tools,
    });
    if (tools) {
      // Through the chat: the model proposes the change with edit_file; the user sees the diff there.
      await this.chat.view.reveal(false);
      await this.chat.send(prompt);
      return;
    }
    await this.fixWithoutTools(doc, prompt);
  }

  /** Tools are off (e.g. Restricted Mode): ask for structured edits and preview them as a diff. */
  private async fixWithoutTools(doc: vscode.TextDocument, prompt: string): Promise<void> {
    const s = { model: setting('model') };
    const result = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini is proposing a fix…'), cancellable: true }, async (_p, token) => {
        const ctrl = new AbortController();
        token.onCancellationRequested(() => ctrl.abort());
        return runOneShot(
          this.api.get(),
          { model: s.model, input: prompt, response_format: { type: 'text', mime_type: 'application/json', schema: FIX_SCHEMA as unknown as Record<string, unknown> } },
          { signal: ctrl.signal },
        );
      })
      .then(
        (r) => r,
        (err) => this.reportError(err, 'propose a fix', l10n.t('Gemini could not propose a fix: {0}')),
      );
    if (!result) return;
    let parsed: { explanation: string; edits: Array<{ search: string; replace: string }> };
    try {
      parsed = JSON.parse(result.text);
      const problem = validateArgs(FIX_SCHEMA, parsed, 'fix');
      if (problem) throw new Error(problem);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: the proposed fix was not in the expected format ({0}). Nothing was changed.', errorText(err)));
      return;
    }
    let next: string;
    try {
      next = applyEdits(doc.getText(), parsed.edits, vscode.workspace.asRelativePath(doc.uri));
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: the proposed fix does not apply: {0}', errorText(err)));
      return;
    }
    const proposal = vscode.Uri.parse(`gemini-proposal:${doc.uri.path}?${Date.now()}`);
    this.proposals.set(proposal.toString(), next);
    const version = doc.version;
    await vscode.commands.executeCommand('vscode.diff', doc.uri, proposal, `${vscode.workspace.asRelativePath(doc.uri)} ↔ Gemini's fix`);
    const pick = await vscode.window.showInformationMessage(l10n.t('Gemini: {0}', parsed.explanation), l10n.t('Apply Fix'), l10n.t('Discard'));
    this.proposals.delete(proposal.toString());
    if (pick !== l10n.t('Apply Fix')) return;
    if (doc.version !== version) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: the file changed while the fix was shown; it was not applied.'));
      return;
    }
    const e = new vscode.WorkspaceEdit();
    e.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), next);
    await vscode.workspace.applyEdit(e);
  }

  // ---------------------------------------------------------------- review

  async reviewFile(uri?: unknown): Promise<number | undefined> {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: open a file to review.'));
      return undefined;
    }
    const rel = vscode.workspace.asRelativePath(doc.uri);
    return this.runReview(l10n.t('Reviewing {0}', rel), reviewFilePrompt(rel, doc.languageId, doc.getText()), new Map([[rel, doc.uri]]));
  }

  async reviewChanges(): Promise<number | undefined> {
    const api = await gitApi();
    const repos = api?.repositories ?? [];
    if (!repos.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: no git repository is open, so there are no changes to review.'));
      return undefined;
    }
    const files = new Map<string, vscode.Uri>();
    const diffs: string[] = [];
    for (const r of repos) {
      const d = [await r.diff(true), await r.diff(false)].filter(Boolean).join('\n');
      if (!d) continue;
      diffs.push(d);
      // The files come from the diff itself: the repository state may lag behind a change git already reports.
      for (const rel of filesInDiff(d)) {
        const uri = vscode.Uri.joinPath(r.rootUri, rel);
        files.set(vscode.workspace.asRelativePath(uri), uri);
      }
    }
    if (!diffs.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there are no uncommitted changes to review.'));
      return undefined;
    }
    return this.runReview(l10n.t('Reviewing {0} changed file(s)', files.size), reviewChangesPrompt(diffs.join('\n')), files);
  }

  private async runReview(title: string, prompt: string, allowed: Map<string, vscode.Uri>): Promise<number | undefined> {
    const s = { model: setting('model') };
    const text = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: {0}…', title), cancellable: true }, async (progress, token) => {
        const ctrl = new AbortController();
        token.onCancellationRequested(() => ctrl.abort());
        let last = 0;
        const r = await runOneShot(
          this.api.get(),
          { model: s.model, input: prompt, response_format: REVIEW_RESPONSE_FORMAT },
          {
            signal: ctrl.signal,
            onText: (t) => {
              if (t.length - last > 200) {
                progress.report({ message: l10n.t('{0} characters received', t.length) });
                last = t.length;
              }
            },
          },
        );
        return r.text;
      })
      .then(
        (t) => t,
        (err) => this.reportError(err, 'review', l10n.t('Gemini could not review: {0}')),
      );
    if (text === undefined) return undefined;
    let review: ReturnType<typeof parseReview>;
    try {
      review = parseReview(text);
    } catch (err) {
      const msg = err instanceof ReviewFormatError ? err.message : String(err);
      this.log.warn(`Review rejected: ${msg}`);
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0} No findings were published.', msg));
      return undefined;
    }
    const byFile = new Map<string, { uri: vscode.Uri; doc: vscode.TextDocument; findings: ReviewFinding[] }>();
    for (const [rel, uri] of allowed) byFile.set(rel, { uri, doc: await vscode.workspace.openTextDocument(uri), findings: [] });
    let skipped = 0;
    for (const f of review.findings) {
      const key = [...allowed.keys()].find((k) => k === f.file || k.endsWith(`/${f.file}`) || f.file.endsWith(`/${k}`));
      if (!key) {
        skipped++;
        continue;
      }
      byFile.get(key)!.findings.push(f);
    }
    const n = this.review.publish(byFile);
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(
      [
        n === 1 ? l10n.t('Gemini: 1 finding in the Problems panel.') : l10n.t('Gemini: {0} findings in the Problems panel.', n),
        skipped ? l10n.t('{0} about other files were ignored.', skipped) : '',
        review.summary ?? '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    return n;
  }

  // ---------------------------------------------------------------- image

  async generateImage(): Promise<vscode.Uri | undefined> {
    const prompt = await vscode.window.showInputBox({
      title: l10n.t('Gemini: Generate Image'),
      prompt: l10n.t('Describe the image (or the change to make to an input image).'),
      ignoreFocusOut: true,
    });
    if (!prompt?.trim()) return undefined;
    // The image's shape and size (response_format, seed 000 §6); the model's default unless picked.
    const ratio = await vscode.window.showQuickPick(
      [
        { label: l10n.t('Model default'), value: undefined as ImageResponseFormat['aspect_ratio'] },
        ...IMAGE_RATIOS.map((r) => ({ label: r, value: r as ImageResponseFormat['aspect_ratio'] })),
      ],
      { title: l10n.t('Gemini: Generate Image (aspect ratio)'), placeHolder: l10n.t('Aspect ratio of the image'), ignoreFocusOut: true },
    );
    if (!ratio) return undefined;
    const size = await vscode.window.showQuickPick(
      [
        { label: l10n.t('Model default'), value: undefined as ImageResponseFormat['image_size'] },
        ...IMAGE_SIZES.map((s) => ({ label: s, value: s as ImageResponseFormat['image_size'] })),
      ],
      { title: l10n.t('Gemini: Generate Image (size)'), placeHolder: l10n.t('Size of the image'), ignoreFocusOut: true },
    );
    if (!size) return undefined;
    const images = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp,gif}', '**/node_modules/**', 200);
    // Reference images (none checked: a new image): several can be given, e.g. a style and a subject.
    const refs = images.length
      ? await vscode.window.showQuickPick(
          images.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
          {
            title: l10n.t('Gemini: Generate Image (reference images)'),
            placeHolder: l10n.t('Check images to edit or take after (none: a new image)'),
            canPickMany: true,
            ignoreFocusOut: true,
          },
        )
      : [];
    if (!refs) return undefined;
    const input: Content[] = [{ type: 'text', text: prompt }];
    for (const r of refs) {
      const bytes = await vscode.workspace.fs.readFile(r.uri);
      input.push({ type: 'image', data: Buffer.from(bytes).toString('base64'), mime_type: mimeFor(r.uri.path, 'image/png') });
    }
    const format: ImageResponseFormat | undefined =
      ratio.value || size.value ? { type: 'image', ...(ratio.value ? { aspect_ratio: ratio.value } : {}), ...(size.value ? { image_size: size.value } : {}) } : undefined;
    const model = setting('imageModel');
    const result = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: generating an image with {0}…', model), cancellable: true }, async (_p, token) => {
        const ctrl = new AbortController();
        token.onCancellationRequested(() => ctrl.abort());
        return runOneShot(this.api.get(), { model, input, ...(format ? { response_format: format } : {}) }, { signal: ctrl.signal });
      })
      .then(
        (r) => r,
        (err) => this.reportError(err, 'generate an image', l10n.t('Gemini could not generate an image: {0}')),
      );
    if (!result) return undefined;
    const img = result.images[result.images.length - 1];
    if (!img?.data) {
      void vscode.window.showErrorMessage(
        result.text ? l10n.t('Gemini: the model returned no image. It said: “{0}”', result.text.slice(0, 300)) : l10n.t('Gemini: the model returned no image.'),
      );
      return undefined;
    }
    const bytes = Buffer.from(img.data, 'base64');
    const ext = mimeToExtension(img.mime_type ?? 'image/png');
    const dir = join(this.context.globalStorageUri.fsPath, 'images');
    mkdirSync(dir, { recursive: true });
    const preview = join(dir, `generated-${Date.now()}.${ext}`);
    writeFileSync(preview, bytes);
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(preview), { preview: true });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: l10n.t('Save the generated image'),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `gemini-image-${Date.now()}.${ext}`) : undefined,
      filters: { Images: [ext] },
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(l10n.t('Gemini: saved {0}.', vscode.workspace.asRelativePath(target)));
    return target;
  }

  // ---------------------------------------------------------------- commit message

  async commitMessage(arg?: unknown): Promise<string | undefined> {
    const api = await gitApi();
    const repos = api?.repositories ?? [];
    const rootArg = (arg as { rootUri?: vscode.Uri } | undefined)?.rootUri;
    const repo = repos.find((r) => rootArg && r.rootUri.fsPath === rootArg.fsPath) ?? repos[0];
    if (!repo) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: no git repository is open.'));
      return undefined;
    }
    const diff = await repo.diff(true);
    if (!diff.trim()) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: stage some changes first; the commit message describes the staged changes.'));
      return undefined;
    }
    const s = { model: setting('model') };
    const before = repo.inputBox.value;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.SourceControl, title: l10n.t('Gemini is writing a commit message…'), cancellable: true },
      async (_p, token) => {
        const ctrl = new AbortController();
        token.onCancellationRequested(() => ctrl.abort());
        try {
          const r = await runOneShot(
            this.api.get(),
            { model: s.model, input: commitMessagePrompt(diff, []) },
            {
              signal: ctrl.signal,
              onText: (t) => (repo.inputBox.value = t.trimStart()),
            },
          );
          const message = r.text
            .trim()
            .replace(/^```\w*\n?|\n?```$/g, '')
            .trim();
          repo.inputBox.value = message;
          return message;
        } catch (err) {
          repo.inputBox.value = before; // never leave a half-written message behind
          this.reportError(err, 'write a commit message', l10n.t('Gemini could not write a commit message: {0}'));
          return undefined;
        }
      },
    );
  }

  /** `shown` is the localized message, with `{0}` where the error goes. */
  private reportError(err: unknown, what: string, shown: string): undefined {
    if (err instanceof ApiError && err.kind === 'aborted') return undefined;
    const msg = err instanceof Error ? err.message : String(err);
    this.log.warn(`Could not ${what}: ${msg}`);
    const setKey = l10n.t('Set API Key');
    const actions = err instanceof ApiError && err.kind === 'auth' ? [setKey] : [];
    void vscode.window.showErrorMessage(shown.replace('{0}', msg), ...actions).then((a) => {
      if (a === setKey) void vscode.commands.executeCommand('gemini.setApiKey');
    });
    return undefined;
  }

  commands(): Command[] {
    return [
      { id: 'gemini.explainSelection', execute: (u, r) => this.explain(u, r) },
      { id: 'gemini.fixDiagnostic', execute: (a) => this.fix(a) },
      { id: 'gemini.reviewFile', execute: (u) => this.reviewFile(u) },
      { id: 'gemini.reviewChanges', execute: () => this.reviewChanges() },
      { id: 'gemini.clearReview', execute: () => this.review.collection.clear() },
      { id: 'gemini.generateImage', execute: () => this.generateImage() },
      { id: 'gemini.generateCommitMessage', execute: (a) => this.commitMessage(a) },
    ];
  }

  dispose(): void {
    this.review.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
