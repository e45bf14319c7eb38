/** Activation: build the services and register them. Nothing else happens here. */
// First: the translated strings, before any module that keeps one in a constant.
import './vscode/l10nInit';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { GeminiChatProvider } from './vscode/lm/provider';
import { NativeChat } from './vscode/lm/native';
import { GeminiParticipant } from './vscode/lm/participant';
import { GeminiActions } from './vscode/actions';
import { RemoteAgents } from './vscode/agents/agents';
import { CustomAgents } from './vscode/agents/customAgents';
import { ApiClientProvider } from './vscode/api';
import { ChatController } from './vscode/chat/controller';
import { ChatTabs } from './vscode/chat/chatTabs';
import { Sessions } from './vscode/chat/sessions';
import { Worktrees } from './vscode/chat/worktrees';
import { chatCommands, register } from './vscode/commands';
import { HistoryTree } from './vscode/history';
import { ApiKeyStore } from './vscode/keys';
import { Log } from './vscode/log';
import { WorkspaceTools } from './vscode/tools';
import { TurnInputs } from './vscode/turnInputs';
import { ExternalTools } from './vscode/externalTools';
import { setShellWasmDir } from './core/tools/shellParse';

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  const log = new Log();
  const keys = new ApiKeyStore(context.secrets);
  const api = new ApiClientProvider(keys, log, version);
  setShellWasmDir(join(context.extensionPath, 'dist'));
  // <user-data>/User/globalStorage/<extension id>: the editor's user data, hidden from sandboxed commands.
  const userData = dirname(dirname(dirname(context.globalStorageUri.fsPath)));
  const hidden = () => [userData, context.globalStorageUri.fsPath, context.logUri.fsPath, ...(context.storageUri ? [context.storageUri.fsPath] : [])];
  const external = new ExternalTools(context, log);
  const inputs = new TurnInputs(context.secrets, [external.onDidChange]);
  const tools = new WorkspaceTools(
    log,
    join((context.storageUri ?? context.globalStorageUri).fsPath, 'undo'),
    hidden,
    join(context.globalStorageUri.fsPath, 'tx'),
    inputs,
    external,
  );
  const customAgents = new CustomAgents(context, api, keys, log);
  const agents = new RemoteAgents(context, api, keys, log, (agent) => customAgents.secretEnv(agent));
  const runRemote = async (text: string) => void (await agents.launch(text));
  const chat = new ChatController(context, api, keys, log, { tools, runRemote });
  // More conversations, each in an editor tab, over the same store, leases and history.
  const tabs = new ChatTabs(chat, (tab) => new ChatController(context, api, keys, log, { tools, runRemote, tab, shared: chat.shared }), log);
  const sessions = new Sessions(
    tabs,
    {
      list: () => agents.store.list(),
      onDidChange: (listener) => ({ dispose: agents.store.onDidChange(() => listener()) }),
      open: (id) => agents.open(id),
    },
    log,
  );
  const worktrees = new Worktrees(context, tabs, log, (folders) => agents.launch(undefined, undefined, folders));
  const actions = new GeminiActions(context, chat, api, log);
  const history = new HistoryTree(chat.history, () => chat.session.conversationId);
  const native = new NativeChat(() => ({
    provider: new GeminiChatProvider(api, keys, log),
    participant: new GeminiParticipant(api, keys, log, chat, tools, chat.store, (task) => agents.launch(task)),
  }));
  context.subscriptions.push(
    log,
    keys,
    api,
    external,
    // The tabs' conversations are suspended before the sidebar's hands every lease over.
    sessions,
    worktrees,
    tabs,
    chat,
    tools,
    inputs,
    actions,
    agents,
    customAgents,
    history,
    native,
    external.onDidChange(() => tabs.all().forEach((c) => void c.view.host.refreshState())),
    vscode.window.registerTreeDataProvider('gemini.history', history),
  );
  register(context, [
    ...chatCommands({ chat, tabs, tools, keys, api, log, history }),
    { id: 'gemini.sessions.next', execute: () => sessions.next() },
    { id: 'gemini.newChatInWorktree', execute: () => worktrees.newChat() },
    { id: 'gemini.worktree.actions', execute: () => worktrees.actions() },
    { id: 'gemini.worktree.cleanup', execute: () => worktrees.cleanup() },
    { id: 'gemini.sessions.open', execute: (arg?: unknown) => sessions.open(arg) },
    ...actions.commands(),
    ...agents.commands(),
    ...customAgents.commands((agent) => agents.launch(undefined, agent)),
    ...external.commands(),
    // The walkthrough, from the palette.
    { id: 'gemini.openWalkthrough', execute: () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#gemini.start`, false) },
  ]);
  context.subscriptions.push(
    // The walkthrough's first step completes when a key is there (read only when it changes).
    keys.onDidChange(() => void keys.has().then((has) => vscode.commands.executeCommand('setContext', 'gemini.hasKey', has))),
    chat.onDidChangeConversations(() => history.refresh()),
    tabs.onDidChange(() => history.refresh()),
    // vscode://geminilabs.gemini-interactions/chat?prompt=…: a draft in a new chat, never sent by itself.
    vscode.window.registerUriHandler({ handleUri: (uri) => chat.openFromLink(uri) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gemini.useEnvironmentKey')) keys.refresh();
    }),
  );
  log.info(`Activated in ${Date.now() - started} ms (${vscode.env.appName} ${vscode.version}).`);
}

export function deactivate(): void {}
