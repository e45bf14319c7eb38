/**
 * The composer's two lasting modes, and Deep Research's side of the chat: plan first (read-only
 * tools, a plan asked for) and Deep Research (the research agent, in the background) exclude each
 * other; Deep Research stays on for the window's chat across reloads. A research turn that ends
 * says so (a plan ready, a report done or failed), and its report can be saved.
 */
import * as vscode from 'vscode';
import type { ChatSession } from '../../core/conversation/session';
import type { TurnRecord } from '../../core/conversation/journal';
import { hasReport, reportFileName, researchReportMarkdown } from '../../core/research';
import { errorText } from '../../shared/errorText';
import { l10n } from '../../shared/l10n';
import { transientNotice } from '../notices';

const RESEARCH_KEY = 'gemini.researchMode';

export class ComposerModes {
  /** Plan first is on (for this window's chat; off again on Start or by the choice). */
  plan = false;
  private researchOn: boolean;

  /** `key`: where it is kept (each chat surface has its own). */
  constructor(
    private readonly state: vscode.Memento,
    private readonly key = RESEARCH_KEY,
  ) {
    this.researchOn = state.get<boolean>(key) === true;
  }

  /** Deep Research is on: messages go to the Deep Research agent in the background. */
  get research(): boolean {
    return this.researchOn;
  }

  setPlan(on: boolean): void {
    this.plan = on;
    if (on) this.setResearch(false);
  }

  setResearch(on: boolean): void {
    this.researchOn = on;
    void this.state.update(this.key, on || undefined);
    if (on) this.plan = false;
  }
}

export class ResearchReports {
  constructor(
    private readonly deps: {
      session(): ChatSession;
      chatVisible(): boolean;
      reveal(): void;
      toast(text: string, kind: 'info' | 'error'): void;
    },
  ) {}

  /** The question a research turn answers: the first message of its run of research turns. */
  question(turn: TurnRecord): string {
    const turns = this.deps.session().data?.turns ?? [];
    // A research turn continues the one before it only after a plan (an edit of it, or its start).
    let k = turns.indexOf(turn);
    while (k > 0 && turns[k - 1]!.research === 'plan') k--;
    const first = turns[k] ?? turn;
    return (
      first.input
        .filter((c) => c.type === 'text')
        .map((c) => (c as { text: string }).text)
        .join(' ')
        .trim() ||
      this.deps.session().data?.meta.title ||
      'research'
    );
  }

  ended(turn: TurnRecord): void {
    const name = `“${this.question(turn).replace(/\s+/g, ' ').slice(0, 60)}”`;
    const open = l10n.t('Open');
    const save = l10n.t('Save report…');
    if (turn.research === 'plan' && turn.state === 'completed') {
      // Until the plan is started, edited or seen in the chat: then this no longer applies and goes.
      const conversation = this.deps.session().conversationId;
      if (!this.deps.chatVisible())
        transientNotice(l10n.t('Gemini: the Deep Research plan for {0} is ready: open the Gemini chat to confirm it or say what to change.', name), () => {
          const last = this.deps.session().data?.turns.at(-1);
          return this.deps.session().conversationId === conversation && last?.id === turn.id && !this.deps.session().busy && !this.deps.chatVisible();
        });
    } else if (turn.research === 'run' && turn.state === 'completed' && hasReport(turn.steps)) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: Deep Research on {0} is done.', name), save, open).then((c) => {
        if (c === save) void this.saveReport(turn);
        if (c === open) this.deps.reveal();
      });
    } else if (turn.research === 'run' && (turn.state === 'failed' || turn.state === 'error' || turn.state === 'incomplete'))
      void vscode.window.showErrorMessage(l10n.t('Gemini: Deep Research on {0} did not finish: {1}', name, turn.error?.message ?? turn.state), open).then((c) => {
        if (c === open) this.deps.reveal();
      });
  }

  /** Save a research turn's report as Markdown (a save dialog in the workspace; sources as links). */
  async saveReport(turn: TurnRecord): Promise<vscode.Uri | undefined> {
    if (!hasReport(turn.steps)) {
      this.deps.toast(l10n.t('This research turn has no report to save yet.'), 'info');
      return undefined;
    }
    const question = this.question(turn);
    const at = new Date(turn.created);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = reportFileName(question, at);
    // Into the workspace's research/ folder when it has one, else its root.
    const dir =
      folder &&
      (await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, 'research')).then(
        (st) => st.type === vscode.FileType.Directory,
        () => false,
      ))
        ? vscode.Uri.joinPath(folder, 'research')
        : folder;
    const defaultUri = dir ? vscode.Uri.joinPath(dir, name) : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri, filters: { Markdown: ['md'] }, title: l10n.t('Save the Deep Research report') });
    if (!target) return undefined;
    try {
      await vscode.workspace.fs.writeFile(target, Buffer.from(researchReportMarkdown(question, turn.steps, at), 'utf8'));
    } catch (err) {
      this.deps.toast(l10n.t('The report could not be saved: {0}', errorText(err)), 'error');
      return undefined;
    }
    await vscode.window.showTextDocument(target, { preview: false });
    return target;
  }
}
