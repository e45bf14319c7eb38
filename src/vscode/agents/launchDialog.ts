/** The questions before a remote run starts: the task, the agent, what is sent (and what is left out), how to start. */
import * as vscode from 'vscode';
import { planSnapshot } from '../../core/agents/snapshot';
import { formatBytes } from '../../core/attachments';
import type { ApiClientProvider } from '../api';
import { setting } from '../config';
import type { ApiKeyStore } from '../keys';

export interface LaunchChoice {
  task: string;
  agent: string;
  folder: vscode.WorkspaceFolder | undefined;
  budget: number | undefined;
  network: 'enabled' | 'disabled';
  includeSecrets: boolean;
}

/** Ask what to run, on which agent, with which files, and how; undefined when the user stops. */
export async function askLaunch(taskArg: unknown, keys: ApiKeyStore, api: ApiClientProvider): Promise<LaunchChoice | undefined> {
  if (!vscode.workspace.isTrusted) {
    // Restricted Mode: the snapshot would run git in an untrusted folder and upload its files.
    void vscode.window.showWarningMessage(
      'Gemini: remote agent tasks are off in Restricted Mode. Trust this folder first (Workspaces: Manage Workspace Trust) to send it to a remote agent.',
    );
    return undefined;
  }
  if (!(await keys.has())) {
    void vscode.window.showWarningMessage('Gemini: set your API key first.', 'Set API Key').then((a) => a && vscode.commands.executeCommand('gemini.setApiKey'));
    return undefined;
  }
  const task =
    typeof taskArg === 'string' && taskArg.trim()
      ? taskArg.trim()
      : (
          await vscode.window.showInputBox({
            title: 'Run Task on Remote Agent (1/4): the task',
            prompt: 'What should the agent do? It works on a copy of your workspace in a cloud sandbox.',
            ignoreFocusOut: true,
          })
        )?.trim();
  if (!task) return undefined;
  // Agent: the configured default and the custom agents from the agents API.
  const defaultAgent = setting('agent');
  const custom = await api
    .get()
    .listAgents({ pageSize: 50 })
    .then((l) => (l.agents ?? []).map((a) => ({ id: String(a.id ?? ''), description: a.description as string | undefined })).filter((a) => a.id && a.id !== defaultAgent))
    .catch(() => [] as Array<{ id: string; description?: string }>);
  const agentPick = await vscode.window.showQuickPick(
    [{ label: defaultAgent, description: 'default (setting gemini.agents.agent)' }, ...custom.map((a) => ({ label: a.id, description: a.description ?? 'custom agent' }))],
    { title: 'Run Task on Remote Agent (2/4): agent', placeHolder: 'Which agent runs the task?', ignoreFocusOut: true },
  );
  if (!agentPick) return undefined;
  // What to send.
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const sendPick = await vscode.window.showQuickPick(
    [
      ...folders.map((f) => ({
        label: `$(folder) Snapshot of “${f.name}”`,
        description: 'uncommitted and untracked (not ignored) files included',
        folder: f as vscode.WorkspaceFolder | undefined,
      })),
      { label: '$(circle-slash) No files', description: 'the agent starts from an empty environment', folder: undefined },
    ],
    { title: 'Run Task on Remote Agent (3/4): what to send', placeHolder: 'Your branch and index are never touched.', ignoreFocusOut: true },
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
      { label: '$(play) Start the run', detail: 'Network access allowed, no token budget.', budget: undefined as number | undefined, network: 'enabled' as const },
      { label: '$(shield) Start without network access', detail: 'The sandbox cannot reach the internet.', budget: undefined, network: 'disabled' as const },
      { label: '$(dashboard) Start with a token budget…', detail: 'Stop the run when it has used a given number of tokens.', budget: -1, network: 'enabled' as const },
    ],
    {
      title: `Run Task on Remote Agent (5/5): start ${agentPick.label}?`,
      placeHolder: 'One run can consume a large number of tokens (often hundreds of thousands, sometimes millions). Pick how to start, or Escape to cancel.',
      ignoreFocusOut: true,
    },
  );
  if (!opts) return undefined;
  let budget = opts.budget;
  if (budget === -1) {
    const v = await vscode.window.showInputBox({
      title: 'Token budget for this run',
      prompt: 'Maximum total tokens (agent_config.max_total_tokens).',
      value: '500000',
      validateInput: (x) => (/^\d+$/.test(x.trim()) && Number(x) > 0 ? undefined : 'A positive whole number.'),
    });
    if (!v) return undefined;
    budget = Number(v);
  }
  return { task, agent: agentPick.label, folder: sendPick.folder, budget, network: opts.network, includeSecrets };
}

/**
 * Show what the snapshot will hold before anything leaves the machine: how many files, their
 * size, and the secret files (.env*, keys, credentials) left out unless the user includes them.
 */
async function confirmUpload(folder: vscode.WorkspaceFolder): Promise<{ includeSecrets: boolean } | undefined> {
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemini: listing the files to send…' }, () =>
    planSnapshot(folder.uri.fsPath),
  );
  type Item = vscode.QuickPickItem & { act: 'send' | 'secrets' | 'list' };
  for (;;) {
    const items: Item[] = [
      {
        label: `$(cloud-upload) Send ${plan.files.length} file${plan.files.length === 1 ? '' : 's'} (${formatBytes(plan.bytes)})`,
        detail: plan.secrets.length
          ? `Left out (secret files): ${plan.secrets.slice(0, 8).join(', ')}${plan.secrets.length > 8 ? ', …' : ''}`
          : 'No secret files (.env*, keys, credentials) were found.',
        act: 'send',
      },
      ...(plan.secrets.length
        ? [
            {
              label: `$(key) Send them together with the ${plan.secrets.length} secret file${plan.secrets.length === 1 ? '' : 's'}`,
              detail: plan.secrets.slice(0, 8).join(', '),
              act: 'secrets' as const,
            },
          ]
        : []),
      { label: '$(list-flat) Show the list of files…', detail: 'Opens the list in an editor; then choose here.', act: 'list' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `Run Task on Remote Agent (4/5): what is sent from “${folder.name}”`,
      placeHolder: 'These files go to the agent’s cloud environment.',
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.act === 'send') return { includeSecrets: false };
    if (pick.act === 'secrets') return { includeSecrets: true };
    const doc = await vscode.workspace.openTextDocument({
      content: [`Files sent from ${folder.name} (${plan.files.length}):`, ...plan.files, '', `Secret files left out (${plan.secrets.length}):`, ...plan.secrets].join('\n'),
    });
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  }
}
