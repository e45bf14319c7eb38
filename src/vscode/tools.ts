/**
 * Workspace tools in the chat: one runner per turn, approvals answered in the chat, activity
 * shown on each call, "Undo changes of this turn", and everything off in Restricted Mode.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import type { ApprovalDecision } from '../core/ports';
import { CommandSandbox } from '../core/tools/commandSandbox';
import { PathResolver } from '../core/tools/paths';
import { ChildProcessRunner } from '../core/tools/process';
import { ALL_TOOLS, WorkspaceToolRunner, clientToolSearch, toolDeclarations, type ToolEnvironment } from '../core/tools/registry';
import { loadSkillTool } from '../core/tools/defs/load_skill';
import { DELEGATE_TOOL, subagentTool } from '../core/tools/subagents';
import { CliGit } from '../core/git/cliGit';
import { basename } from 'node:path';
import { skillsInstruction, type Skill, type SkillProblem } from '../core/skills';
import { PREPARED_MAX_AGE_MS, Prepared } from '../core/prepared';
import { AgentSkills } from './skills';
import { planToolRetrieval, type ToolSearchMode } from '../core/tools/toolRetrieval';
import { RipgrepSearch } from '../core/tools/ripgrep';
import type { ToolDefinition, ToolSettings } from '../core/tools/types';
import { UndoStore, restoreSnapshots, type Snapshot } from '../core/tools/undo';
import type { ToolReporter, TurnTools } from '../core/conversation/session';
import type { ToolsProvider, ToolsUi } from './chat/controller';
import { setting } from './config';
import { CommandTerminal, VsDocuments, VsGit, VsLanguage, excludeGlobs, ripgrepPath } from './adapters';
import type { ExternalForTurn, ExternalTools } from './externalTools';
import type { TurnInputs } from './turnInputs';
import type { Log } from './log';
import { l10n } from '../shared/l10n';
import { errorText } from '../shared/errorText';

/** Our own tools' names (an MCP or extension tool of the same name is offered under another). */
const OUR_NAMES: ReadonlySet<string> = new Set(ALL_TOOLS.map((t) => t.name));

/** What a turn's tools are made from that does not depend on the turn (prepared ahead). */
interface ToolsAhead {
  workspace: boolean;
  external: ExternalForTurn;
  found: { skills: Skill[]; problems: SkillProblem[] };
}

/** Settings that decide what runs without asking: read from user settings only, never a workspace. */
export function toolSettings(): ToolSettings {
  return {
    autoApproveEdits: setting('autoApproveEdits'),
    commandPolicy: { allow: setting('allowCommands'), ask: setting('askCommands'), deny: setting('denyCommands') },
    commandTimeoutMs: setting('commandTimeoutSeconds') * 1000,
    maxCommandOutputBytes: setting('maxCommandOutputKB') * 1024,
    commandOutputLimitBytes: setting('commandOutputLimitKB') * 1024,
    maxReadBytes: 200_000,
    maxReadLines: 2000,
  };
}

export class WorkspaceTools implements ToolsProvider, vscode.Disposable {
  private readonly pending = new Map<string, (d: ApprovalDecision) => void>();
  private readonly undo = new Map<string, Snapshot[]>();
  private readonly docs = new VsDocuments();
  private readonly language = new VsLanguage();
  private readonly git = new VsGit();
  private readonly process = new ChildProcessRunner();
  readonly terminal = new CommandTerminal();

  lastCommand(): ReturnType<CommandTerminal['last']> {
    return this.terminal.last();
  }
  private readonly paths = new PathResolver(() =>
    (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath })),
  );
  private search: RipgrepSearch | undefined;
  readonly sandbox: CommandSandbox;
  private sandboxNoticeShown = false;
  private readonly skills = new AgentSkills();
  /** What a turn's tools are made from that does not depend on the turn, made ahead (see `prepare`). */
  private readonly ahead: Prepared<ToolsAhead>;

  openSkill(display: string): Promise<boolean> {
    return this.skills.open(display);
  }

  private readonly undoStore: UndoStore;
  /** MCP servers, tools of other extensions and remote MCP servers the user picked. */
  private readonly external: ExternalTools | undefined;

  /**
   * `undoDir`: where snapshots are kept so a turn can be undone after a reload. `txBase`: where
   * sandboxed commands' transactions live (the extension's own storage, hidden from commands).
   */
  constructor(
    private readonly log: Log,
    undoDir: string,
    /** Folders of the editor and of this extension that sandboxed commands must not see. */
    hidden: () => string[],
    txBase: string,
    /** When what a turn's inputs are made from changed (prepared values are made again). */
    readonly inputs: TurnInputs,
    external?: ExternalTools,
  ) {
    this.external = external;
    this.ahead = new Prepared(inputs.generation, PREPARED_MAX_AGE_MS);
    this.undoStore = new UndoStore(undoDir);
    this.sandbox = new CommandSandbox({
      enabled: () => setting('sandboxEnabled'),
      home: homedir(),
      hiddenExtra: hidden,
      txBase,
      additions: () => ({ homePaths: setting('sandboxHomePaths'), envNames: setting('sandboxEnvironment') }),
      rgPath: ripgrepPath(),
    });
  }

  enabled(): { enabled: boolean; reason?: string } {
    if (!vscode.workspace.isTrusted)
      return { enabled: false, reason: l10n.t('Restricted Mode: workspace tools (read, edit, run) are off in this untrusted workspace. Chat and explanations still work.') };
    if (!setting('toolsEnabled')) return { enabled: false, reason: l10n.t('Workspace tools are turned off (setting “gemini.tools.enabled”).') };
    if (!(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file'))
      return { enabled: false, reason: l10n.t('Open a folder to let Gemini use workspace tools.') };
    return { enabled: true };
  }

  /**
   * Make ahead what the next turn's tools are made from (the user is writing a message), so that
   * sending does not wait for it. Not for a worktree conversation: its folder is not watched.
   */
  prepare(opts: { readOnly?: boolean; root?: string }): void {
    if (opts.root) return;
    this.ahead.prepare(this.aheadKey(opts.readOnly), () => this.makeAhead(!!opts.readOnly, undefined, () => undefined, undefined, true));
  }

  /** What prepared tools are kept under: the mode, and the tools VS Code offers when some are picked (that list has no change event). */
  private aheadKey(readOnly: boolean | undefined): string {
    if (readOnly) return 'read-only';
    return this.external?.picksVsCodeTools() ? `all\n${vscode.lm.tools.map((t) => t.name).join('\n')}` : 'all';
  }

  /**
   * The picked MCP and extension tools, and the skills, for a turn (`own`: a worktree conversation's
   * folder). `ahead`: undefined rather than start an MCP server nobody asked for yet.
   */
  private async makeAhead(
    readOnly: boolean,
    own: string | undefined,
    notice: (text: string) => void,
    token: vscode.ChatParticipantToolToken | undefined,
    ahead: boolean,
  ): Promise<ToolsAhead | undefined> {
    const workspace = this.enabled().enabled;
    // Plan first: only our tools that read; no MCP or extension tools (what they change is unknown).
    const external = this.external && !readOnly ? await this.external.forTurn(OUR_NAMES, notice, token, ahead) : { tools: [], serverTools: [], notes: [] };
    if (!external) return undefined;
    // Agent Skills: their names and descriptions go with the turn, their bodies load on use.
    return { workspace, external, found: workspace ? this.skills.discover(own) : { skills: [], problems: [] } };
  }

  async forTurn(turnId: string, report: ToolReporter, ui: ToolsUi, toolInvocationToken?: vscode.ChatParticipantToolToken): Promise<TurnTools> {
    const notice = (t: string) => ui.notice(t);
    // A worktree conversation works in its own folder: its tools, search, git and commands see that folder only.
    const own = ui.root;
    // Prepared while the user wrote (or made now and kept for the next turn), unless the turn is bound to a chat request or a worktree.
    const prepared =
      !own && !toolInvocationToken ? await this.ahead.get(this.aheadKey(ui.readOnly), () => this.makeAhead(!!ui.readOnly, undefined, notice, undefined, false)) : undefined;
    const { workspace, external, found } = prepared ?? (await this.makeAhead(!!ui.readOnly, own, notice, toolInvocationToken, false))!;
    for (const n of external.notes) ui.notice(n);
    for (const p of this.skills.newProblems(found.problems)) {
      this.log.warn(`Skill ${p.display} is not offered: ${p.message}`);
      ui.notice(l10n.t('The skill {0} is not offered: {1}', p.display, p.message));
    }
    const skillTool = found.skills.length ? [loadSkillTool(found.skills, (s) => report.skill?.(s.display)) as unknown as ToolDefinition<never>] : [];
    const tools = [...(workspace ? ALL_TOOLS.filter((t) => !ui.readOnly || t.kind === 'read') : []), ...skillTool, ...external.tools];
    if (!tools.length) return { declarations: [], runner: undefined, serverTools: external.serverTools };
    this.search ??= new RipgrepSearch(ripgrepPath(), excludeGlobs);
    const env: ToolEnvironment = {
      paths: own ? new PathResolver(() => [{ name: basename(own), path: own }]) : this.paths,
      docs: this.docs,
      language: this.language,
      git: own ? new CliGit(own) : this.git,
      search: this.search,
      process: this.process,
      terminal: this.terminal,
      sandbox: this.sandbox,
      settings: toolSettings(),
      undoBackups: this.undoStore.blobs(turnId),
      activity: report,
      approvals: {
        ask: (_callId, request, signal) =>
          ui.ask?.(request, signal) ??
          new Promise<ApprovalDecision>((resolve) => {
            const done = (d: ApprovalDecision) => {
              this.pending.delete(request.requestId);
              signal.removeEventListener('abort', onAbort);
              ui.waiting?.(request.requestId, false);
              resolve(d);
            };
            const onAbort = () => done('reject');
            if (signal.aborted) return done('reject');
            signal.addEventListener('abort', onAbort, { once: true });
            this.pending.set(request.requestId, done);
            if (ui.waiting) ui.waiting(request.requestId, true);
            else ui.reveal();
          }),
      },
    };
    // Subagents: children get a subset of this turn's tools; what they ask is asked on the parent's call.
    const children = ui.subagents
      ? subagentTool({
          tools: () => tools,
          model: () => ui.subagents!.model(),
          engine: (r) => ui.subagents!.engine(r),
          runner: (subset, callId) => new WorkspaceToolRunner({ ...env, activity: subagentReporter(report, callId) }, subset),
        })
      : undefined;
    const runner = new WorkspaceToolRunner(env, children && tools.length ? [...tools, children.tool as unknown as ToolDefinition<never>] : tools);
    // Once per window: say why commands ask when there is no sandbox, and how to get one.
    void this.sandbox.status().then((st) => {
      if ((st.available && st.transactional) || this.sandboxNoticeShown || !workspace) return;
      this.sandboxNoticeShown = true;
      if (st.available) {
        this.log.warn(`Commands run in the OS sandbox, but their writes cannot be held for review: ${st.why}.`);
        ui.notice(
          l10n.t(
            'Every command asks before it runs: the sandbox cannot hold a command’s writes for review here ({0}). It needs Linux 5.11 or later with unprivileged user namespaces and util-linux.',
            st.why ?? '',
          ),
        );
        return;
      }
      this.log.warn(`Commands run without an OS sandbox: ${st.reason}.`);
      ui.notice(l10n.t('Commands ask before they run: {0}. {1}', st.reason, st.howTo));
    });
    // Tool Retrieval: many tools picked, the others' definitions are deferred and searched for.
    const ours = runner.tools.filter((t) => t.kind !== 'external');
    const others = runner.tools.filter((t) => t.kind === 'external');
    const plan = planToolRetrieval(toolDeclarations(ours), toolDeclarations(others), external.serverTools, {
      mode: setting('toolSearch') as ToolSearchMode,
      threshold: setting('toolSearchThreshold'),
    });
    runner.deferred = plan.deferred;
    if (plan.active && setting('toolSearch') === 'client') runner.addTool(clientToolSearch(plan.deferred));
    return {
      declarations: plan.declarations,
      serverTools: plan.serverTools,
      instruction: skillsInstruction(found.skills),
      runner,
      usage: () => children?.usage(),
      finish: () => {
        if (!runner.undo.files) return undefined;
        const snaps = runner.undo.toJSON();
        this.undo.set(turnId, snaps);
        try {
          this.undoStore.save(turnId, snaps);
        } catch (err) {
          this.log.warn(`Could not save the undo snapshots of turn ${turnId} (undo works until the window reloads): ${errorText(err)}`);
        }
        return { available: true, files: runner.undo.files };
      },
    };
  }

  pickedExternal(): number {
    return this.external?.pickedCount() ?? 0;
  }

  handleApproval(requestId: string, decision: ApprovalDecision): void {
    const answer = this.pending.get(requestId);
    // Only an answer carrying the nonce of a pending request counts; anything else is logged and dropped.
    if (!answer) {
      this.log.warn(`Ignored an approval answer (${decision}) for a request that is not pending (${requestId.length > 40 ? `${requestId.slice(0, 40)}…` : requestId}).`);
      return;
    }
    answer(decision);
  }

  async undoTurn(turnId: string): Promise<{ text: string; keep?: boolean }> {
    let snaps = this.undo.get(turnId);
    if (!snaps) {
      try {
        snaps = this.undoStore.load(turnId);
      } catch (err) {
        return { text: l10n.t('The saved snapshots of that turn cannot be read: {0}', errorText(err)) };
      }
    }
    if (!snaps) return { text: l10n.t('There is nothing to undo for that turn: it was already undone, or its snapshots were pruned (the newest 50 turns with changes are kept).') };
    // A conversation can be reopened in another window: only restore files inside this workspace.
    const inside: Snapshot[] = [];
    const outside: string[] = [];
    for (const s of snaps) {
      if (await this.paths.contains(s.abs)) inside.push(s);
      else outside.push(s.display);
    }
    if (!inside.length)
      return {
        text: l10n.t("Not undone: the files of that turn ({0}) are not in this window's workspace folders. Open that workspace to undo them.", outside.join(', ')),
        keep: true,
      };
    const { restored, failed } = await restoreSnapshots(inside, this.docs);
    this.undo.delete(turnId);
    this.undoStore.delete(turnId);
    for (const o of outside) failed.push(l10n.t("{0}: not in this window's workspace folders", o));
    this.log.info(`Undo of turn ${turnId}: restored ${restored.length} file(s)${failed.length ? `, failed: ${failed.join('; ')}` : ''}.`);
    if (failed.length) return { text: l10n.t('Restored {0} file(s); could not restore: {1}', restored.length, failed.join('; ')) };
    return { text: l10n.t('Restored {0} file(s): {1}.', restored.length, restored.join(', ')) };
  }

  dispose(): void {
    for (const resolve of this.pending.values()) resolve('reject');
    this.terminal.dispose();
  }
}

/**
 * A child's tool activity, shown on the parent's `delegate_task` call: an approval it waits for
 * appears there (answered as any other), and its commands' output streams there.
 */
function subagentReporter(report: ToolReporter, callId: string): ToolReporter {
  let waiting = false;
  return {
    update: (a) => {
      if (a.status === 'waiting' || a.approval) {
        waiting = true;
        report.update({ callId, name: DELEGATE_TOOL, status: 'waiting', approval: a.approval, reason: l10n.t('A subagent asks to use {0}.', a.name) });
      } else if (waiting) {
        waiting = false;
        report.update({ callId, name: DELEGATE_TOOL, status: 'running', approval: undefined });
      }
    },
    output: (_child, text) => report.output(callId, text),
  };
}
