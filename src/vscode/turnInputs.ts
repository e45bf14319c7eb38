/**
 * The generation of what a turn's prepared inputs (src/core/prepared.ts) are made from, bumped
 * when any of it may have changed: a setting, workspace trust or folders, a secret (a remote MCP
 * server's headers), the tools the user picked, or a file in a skill folder (the workspace's, and
 * the user's own). Nothing here reads those files: it only says that what was read before may be
 * old. VS Code has no event for its list of tools: the prepared tools are keyed by the names on
 * it. Instruction files are few: they are checked at each send instead (src/vscode/instructions.ts).
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_SKILL_DIRS, USER_SKILL_DIRS } from '../core/skills';

export class TurnInputs implements vscode.Disposable {
  private gen = 0;
  private subs: vscode.Disposable[] | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly more: Array<vscode.Event<unknown>> = [],
    private readonly home = homedir(),
  ) {}

  /** The current generation: a value made in an older one may be out of date. Watching starts at the first call. */
  readonly generation = (): number => {
    this.subs ??= this.watch();
    return this.gen;
  };

  private watch(): vscode.Disposable[] {
    const bump = () => void this.gen++;
    const subs: vscode.Disposable[] = [
      vscode.workspace.onDidChangeConfiguration(bump),
      vscode.workspace.onDidGrantWorkspaceTrust(bump),
      vscode.workspace.onDidChangeWorkspaceFolders(bump),
      this.secrets.onDidChange(bump),
      ...this.more.map((e) => e(bump)),
    ];
    const watch = (pattern: vscode.GlobPattern) => {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      subs.push(w, w.onDidCreate(bump), w.onDidChange(bump), w.onDidDelete(bump));
    };
    // Skills at the workspace's roots.
    watch(`**/{${PROJECT_SKILL_DIRS.join(',')}}/**`);
    // The user's skill folders (each watched on its own: never the whole home folder).
    for (const d of USER_SKILL_DIRS) watch(new vscode.RelativePattern(vscode.Uri.file(join(this.home, ...d.split('/'))), '**'));
    return subs;
  }

  dispose(): void {
    for (const s of this.subs?.splice(0) ?? []) s.dispose();
  }
}
