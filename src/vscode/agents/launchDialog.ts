/** The questions before a remote run starts: the task, the agent, what is sent (and what is left out), how to start. */
import * as vscode from 'vscode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planSnapshot } from '../../core/agents/snapshot';
import { formatBytes } from '../../core/attachments';
import type { ApiClientProvider } from '../api';
import { setting } from '../config';
import type { ApiKeyStore } from '../keys';
import { l10n } from '../../shared/l10n';

export interface LaunchChoice {
  task: string;
  agent: string;
  folder: vscode.WorkspaceFolder | undefined;
  budget: number | undefined;
  network: 'enabled' | 'disabled';
  includeSecrets: boolean;
}

/** Ask what to run, on which agent, with which files, and how; undefined when the user stops. */
export async function askLaunch(
  taskArg: unknown,
  keys: ApiKeyStore,
  api: ApiClientProvider,
  preset: { agent?: string; folders?: vscode.WorkspaceFolder[] } = {},
): Promise<LaunchChoice | undefined> {
  if (!vscode.workspace.isTrusted) {
    // Restricted Mode: the snapshot would run git in an untrusted folder and upload its files.
    void vscode.window.showWarningMessage(
      l10n.t('Gemini: remote agent tasks are off in Restricted Mode. Trust this folder first (Workspaces: Manage Workspace Trust) to send it to a remote agent.'),
    );
    return undefined;
  }
  if (!(await keys.has())) {
    void vscode.window.showWarningMessage(l10n.t('Gemini: set your API key first.'), l10n.t('Set API Key')).then((a) => a && vscode.commands.executeCommand('gemini.setApiKey'));
    return undefined;
  }
  const task =
    typeof taskArg === 'string' && taskArg.trim()
      ? taskArg.trim()
      : (
          await vscode.window.showInputBox({
            title: l10n.t('Run Task on Remote Agent (1/5): the task'),
            prompt: l10n.t('What should the agent do? It works on a copy of your workspace in a cloud sandbox.'),
            ignoreFocusOut: true,
          })
        )?.trim();
  if (!task) return undefined;
  // Agent: the one asked for (Custom Agents view), or a pick of the configured default and the saved agents.
  const agent = preset.agent ?? (await pickAgent(api));
  if (!agent) return undefined;
  // What to send.
  // A worktree conversation sends its worktree; otherwise the workspace folders are offered.
  const folders = preset.folders ?? (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const sendPick = await vscode.window.showQuickPick(
    [
      ...folders.map((f) => ({
        label: l10n.t('$(folder) Snapshot of “{0}”', f.name),
        description: l10n.t('uncommitted and untracked (not ignored) files included'),
        folder: f as vscode.WorkspaceFolder | undefined,
      })),
      { label: l10n.t('$(circle-slash) No files'), description: l10n.t('the agent starts from an empty environment'), folder: undefined },
    ],
    { title: l10n.t('Run Task on Remote Agent (3/5): what to send'), placeHolder: l10n.t('Your branch and index are never touched.'), ignoreFocusOut: true },
  );
  if (!sendPick) return undefined;
  let includeSecrets = false;
  if (sendPick.folder) {
    const choice = await confirmUpload(sendPick.folder);
    if (!choice) return undefined;
    includeSecrets = choice.includeSecrets;
  }
  const opts = await vscode.window.showQuickPick(
    [
      { label: l10n.t('$(play) Start the run'), detail: l10n.t('Network access allowed, no token budget.'), budget: undefined as number | undefined, network: 'enabled' as const },
      { label: l10n.t('$(shield) Start without network access'), detail: l10n.t('The sandbox cannot reach the internet.'), budget: undefined, network: 'disabled' as const },
      {
        label: l10n.t('$(dashboard) Start with a token budget…'),
        detail: l10n.t('Stop the run when it has used a given number of tokens.'),
        budget: -1,
        network: 'enabled' as const,
      },
    ],
    {
      title: l10n.t('Run Task on Remote Agent (5/5): start {0}?', agent),
      placeHolder: l10n.t('One run can consume a large number of tokens (often hundreds of thousands, sometimes millions). Pick how to start, or Escape to cancel.'),
      ignoreFocusOut: true,
    },
  );
  if (!opts) return undefined;
  let budget = opts.budget;
  if (budget === -1) {
    const v = await vscode.window.showInputBox({
      title: l10n.t('Token budget for this run'),
      prompt: l10n.t('Maximum total tokens (agent_config.max_total_tokens).'),
      value: '500000',
      ignoreFocusOut: true,
      validateInput: (x) => (/^\d+$/.test(x.trim()) && Number(x) > 0 ? undefined : l10n.t('A positive whole number.')),
    });
    if (!v) return undefined;
    budget = Number(v);
  }
  return { task, agent, folder: sendPick.folder, budget, network: opts.network, includeSecrets };
}

/** The configured default agent and the saved agents of the API project. */
async function pickAgent(api: ApiClientProvider): Promise<string | undefined> {
  const defaultAgent = setting('agent');
  const custom = await api
    .get()
    .listAgents({ pageSize: 50 })
    .then((l) => (l.agents ?? []).map((a) => ({ id: String(a.id ?? ''), description: a.description as string | undefined })).filter((a) => a.id && a.id !== defaultAgent))
    .catch(() => [] as Array<{ id: string; description?: string }>);
  const agentPick = await vscode.window.showQuickPick(
    [
      { label: defaultAgent, description: l10n.t('default (setting gemini.agents.agent)') },
      ...custom.map((a) => ({ label: a.id, description: a.description ?? l10n.t('custom agent') })),
    ],
    { title: l10n.t('Run Task on Remote Agent (2/5): agent'), placeHolder: l10n.t('Which agent runs the task?'), ignoreFocusOut: true },
  );
  if (!agentPick) return undefined;
  return agentPick.label;
}

/**
 * Show what the snapshot will hold before anything leaves the machine: how many files, their
 * size, and the secret files (.env*, keys, credentials) left out unless the user includes them.
 */
async function confirmUpload(folder: vscode.WorkspaceFolder): Promise<{ includeSecrets: boolean } | undefined> {
  // The list of names goes into a file of its own (a monorepo's half a million names are never held here).
  const dir = mkdtempSync(join(tmpdir(), 'gemini-plan-'));
  try {
    return await confirmPlan(folder, join(dir, 'files.txt'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function confirmPlan(folder: vscode.WorkspaceFolder, listFile: string): Promise<{ includeSecrets: boolean } | undefined> {
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: listing the files to send…') }, () =>
    planSnapshot(folder.uri.fsPath, listFile),
  );
  type Item = vscode.QuickPickItem & { act: 'send' | 'secrets' | 'list' };
  for (;;) {
    const items: Item[] = [
      {
        label: l10n.t('$(cloud-upload) Send {0} file(s) ({1})', plan.files, formatBytes(plan.bytes)),
        detail: [
          plan.secrets.length
            ? l10n.t('Left out (secret files): {0}{1}', plan.secrets.slice(0, 8).join(', '), plan.secrets.length > 8 ? ', …' : '')
            : l10n.t('No secret files (.env*, keys, credentials) were found.'),
          ...(plan.redacted.length
            ? [l10n.t('Sent with their credential values removed: {0}{1}', plan.redacted.slice(0, 8).join(', '), plan.redacted.length > 8 ? ', …' : '')]
            : []),
        ].join(' '),
        act: 'send',
      },
      ...(plan.secrets.length
        ? [
            {
              label: l10n.t('$(key) Send them together with the {0} secret file(s)', plan.secrets.length),
              detail: plan.secrets.slice(0, 8).join(', '),
              act: 'secrets' as const,
            },
          ]
        : []),
      { label: l10n.t('$(list-flat) Show the list of files…'), detail: l10n.t('Opens the list in an editor; then choose here.'), act: 'list' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: l10n.t('Run Task on Remote Agent (4/5): what is sent from “{0}”', folder.name),
      placeHolder: l10n.t('These files go to the agent’s cloud environment.'),
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.act === 'send') return { includeSecrets: false };
    if (pick.act === 'secrets') return { includeSecrets: true };
    // A read-only document: nothing to save when it is closed.
    const text = [
      l10n.t('Files sent from {0} ({1}):', folder.name, plan.files),
      readFileSync(plan.list, 'utf8').trimEnd(),
      '',
      l10n.t('Secret files left out ({0}):', plan.secrets.length),
      ...plan.secrets,
      ...(plan.redacted.length ? ['', l10n.t('Configuration files sent with their credential values removed ({0}):', plan.redacted.length), ...plan.redacted] : []),
    ].join('\n');
    const uri = vscode.Uri.from({ scheme: LIST_SCHEME, path: `/${folder.name}/${Date.now()}/files to send.txt` });
    lists.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }
}

const LIST_SCHEME = 'gemini-snapshot-list';
/** The lists open in this window, by document (each dropped when its document closes). */
const lists = new Map<string, string>();

/** The read-only documents that show what a snapshot would send. */
export function registerSnapshotLists(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(LIST_SCHEME, { provideTextDocumentContent: (uri) => lists.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === LIST_SCHEME) lists.delete(d.uri.toString());
    }),
  );
}
