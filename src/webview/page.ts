/**
 * The page's state, in one explicit object: what the host last said (the panel state, the
 * attachments, the queue), what the user is doing (editing a message), and what is kept in
 * the webview's own state across reloads (the draft; in a run tab, which run).
 */
import type { AttachmentView, PanelState, QueuedView, WebviewMessage } from '../shared/protocol';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** What the webview keeps in VS Code's webview state (restored after a reload). */
export interface SavedState {
  draft: string;
  /** In a run tab: which run, so VS Code can restore the tab after a reload. */
  runId?: string;
  /** In a chat editor tab: the tab's key (its conversation is found by it after a reload). */
  tab?: string;
}

export interface PageState {
  /** The host's last panel state (undefined until `init`). */
  panel: PanelState | undefined;
  attachments: AttachmentView[];
  /** The queued messages last shown (rendered again when busy changes: Send now). */
  queue: QueuedView[];
  /** The message being edited: the turn it replaces (another window may add turns meanwhile). */
  editing: { turnId: string | undefined } | undefined;
  /** In a run tab: the run's id (kept in the saved state). */
  runId: string | undefined;
  /** In a chat editor tab: the tab's key (kept in the saved state). */
  tab: string | undefined;
}

export interface Page {
  readonly state: PageState;
  post(msg: WebviewMessage): void;
  /** Keep the draft (and the run id) in the webview state. */
  saveDraft(draft: string): void;
  saved(): SavedState | undefined;
}

export function createPage(vscode: VsCodeApi): Page {
  const state: PageState = { panel: undefined, attachments: [], queue: [], editing: undefined, runId: undefined, tab: undefined };
  return {
    state,
    post: (msg) => vscode.postMessage(msg),
    saveDraft: (draft) => vscode.setState({ draft, runId: state.runId, tab: state.tab } satisfies SavedState),
    saved: () => {
      const s = vscode.getState() as SavedState | undefined;
      return s && typeof s.draft === 'string' ? s : undefined;
    },
  };
}

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the chat page has no #${id}`);
  return el;
}
