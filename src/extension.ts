/** Activation: build the services and register them. Nothing else happens here. */
// First: the translated strings, before any module that keeps one in a constant.
import './vscode/l10nInit';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { GeminiChatProvider, LM_VENDOR } from './vscode/lm/provider';
import { GeminiParticipant } from './vscode/lm/participant';
import { GeminiActions } from './vscode/actions';
import { RemoteAgents } from './vscode/agents/agents';
import { CustomAgents } from './vscode/agents/customAgents';
import { ApiClientProvider } from './vscode/api';
import { ChatController } from './vscode/chat/controller';
import { chatCommands, register } from './vscode/commands';
import { HistoryTree } from './vscode/history';
import { ApiKeyStore } from './vscode/keys';
import { Log } from './vscode/log';
import { WorkspaceTools } from './vscode/tools';
import { ExternalTools } from './vscode/externalTools';
import { setShellWasmDir } from './core/tools/shellParse';

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  const log = new Log();
  const keys = new ApiKeyStore(context.secrets);
  const api = new ApiClientProvider(keys, log, version);
  const chat = new ChatController(context, api, keys, log);
  setShellWasmDir(join(context.extensionPath, 'dist'));
  // <user-data>/User/globalStorage/<extension id>: the editor's user data, hidden from sandboxed commands.
  const userData = dirname(dirname(dirname(context.globalStorageUri.fsPath)));
  const hidden = () => [userData, context.globalStorageUri.fsPath, context.logUri.fsPath, ...(context.storageUri ? [context.storageUri.fsPath] : [])];
  const tools = new WorkspaceTools(log, join((context.storageUri ?? context.globalStorageUri).fsPath, 'undo'), hidden, join(context.globalStorageUri.fsPath, 'tx'));
  chat.tools = tools;
  const external = new ExternalTools(context, log);
  tools.external = external;
  const actions = new GeminiActions(context, chat, api, log);
  const agents = new RemoteAgents(context, api, keys, log);
  const customAgents = new CustomAgents(context, api, keys, log);
  agents.secretEnv = (agent) => customAgents.secretEnv(agent);
  chat.runRemote = async (text) => {
    await agents.launch(text);
  };
  const history = new HistoryTree(chat.history, () => chat.session.conversationId);
  // Gemini in VS Code's own AI surfaces: the model picker / LM API, and @gemini in the Chat view.
  // Only while VS Code's own AI features are on (the user's "chat.disableAIFeatures"): registering
  // them in a workbench whose chat is off offers nothing, and VS Code may answer with its chat setup.
  let native: vscode.Disposable | undefined;
  const syncNative = () => {
    const off = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures', false);
    if (off) {
      native?.dispose();
      native = undefined;
    } else if (!native) {
      const lm = new GeminiChatProvider(api, keys, log);
      const participant = new GeminiParticipant(api, keys, log, chat, tools, chat.store, (task) => agents.launch(task));
      native = vscode.Disposable.from(lm, participant, vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, lm));
    }
  };
  syncNative();
  context.subscriptions.push(
    { dispose: () => native?.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chat.disableAIFeatures')) syncNative();
    }),
  );
  context.subscriptions.push(
    external,
    external.onDidChange(() => void chat.view.host.refreshState()),
  );
  context.subscriptions.push(log, keys, api, chat, tools, actions, agents, customAgents, history, vscode.window.registerTreeDataProvider('gemini.history', history));
  register(context, [
    ...chatCommands({ chat, tools, keys, api, log, history }),
    ...actions.commands(),
    ...agents.commands(),
    ...customAgents.commands((agent) => agents.launch(undefined, agent)),
    ...external.commands(),
  ]);
  context.subscriptions.push(
    // The walkthrough's first step completes when a key is there (read only when it changes).
    keys.onDidChange(() => void keys.has().then((has) => vscode.commands.executeCommand('setContext', 'gemini.hasKey', has))),
    vscode.commands.registerCommand('gemini.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#gemini.start`, false),
    ),
    chat.onDidChangeConversations(() => history.refresh()),
    // vscode://geminilabs.gemini-interactions/chat?prompt=…: a draft in a new chat, never sent by itself.
    vscode.window.registerUriHandler({ handleUri: (uri) => chat.openFromLink(uri) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gemini.useEnvironmentKey')) keys.refresh();
    }),
  );
  log.info(`Activated in ${Date.now() - started} ms (${vscode.env.appName} ${vscode.version}).`);
}

export function deactivate(): void {}
