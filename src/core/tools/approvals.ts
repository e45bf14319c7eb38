/**
 * The approval policy of one turn. The user owns it: the settings come from user-level
 * configuration only and nothing the model writes can change them. Reads run without asking
 * (except secret files), edits show a diff (accept / reject / accept all for this turn),
 * commands show the command line exactly and go through the shell classifier; sensitive targets
 * always ask, even with auto-approval or "accept all", and so does anything that leaves the
 * sandbox (network, paths outside the workspace, running unsandboxed). Every request carries a
 * nonce minted here (`randomUUID`): the chat's answer counts only for that pending request.
 */
import { randomUUID } from 'node:crypto';
import type { ApprovalRequest } from '../../shared/protocol';
import type { ApprovalPort } from '../ports';
import type { Classification } from './shell';
import type { ToolSettings } from './types';
import { l10n } from '../../shared/l10n';

export type Gate = { run: true; reason?: string } | { run: false; reason: string };

export class TurnApprovals {
  private acceptAllEdits = false;
  /** Tools of others the user allowed for the rest of this turn. */
  private readonly allowedTools = new Set<string>();

  constructor(
    private readonly port: ApprovalPort,
    private readonly settings: ToolSettings,
  ) {}

  /** A read of a secret file (e.g. .env) asks: its content would leave the machine. */
  async read(callId: string, display: string, secret: string | undefined, signal: AbortSignal): Promise<Gate> {
    if (!secret) return { run: true };
    const d = await this.port.ask(
      callId,
      {
        requestId: randomUUID(),
        kind: 'read',
        title: l10n.t('Let Gemini read {0}?', display),
        detail: display,
        sensitive: l10n.t('This is {0}; its content will be sent to the model.', secret),
        allowAcceptAll: false,
      },
      signal,
    );
    return d === 'reject' ? { run: false, reason: `The user declined to share ${display}.` } : { run: true, reason: 'You approved reading this file.' };
  }

  async write(callId: string, req: { title: string; display: string; diff?: string; sensitive?: string }, signal: AbortSignal): Promise<Gate> {
    if (!req.sensitive) {
      if (this.settings.autoApproveEdits) return { run: true, reason: 'Applied without asking: edits are auto-approved in your settings (gemini.tools.autoApproveEdits).' };
      if (this.acceptAllEdits) return { run: true, reason: 'Applied without asking: you accepted all edits for this turn.' };
    }
    const request: ApprovalRequest = {
      requestId: randomUUID(),
      kind: 'edit',
      title: req.title,
      detail: req.display,
      diff: req.diff,
      sensitive: req.sensitive ? l10n.t('This touches {0}: it always asks.', req.sensitive) : undefined,
      allowAcceptAll: !req.sensitive,
    };
    const d = await this.port.ask(callId, request, signal);
    if (d === 'acceptAll') this.acceptAllEdits = true;
    if (d === 'reject') return { run: false, reason: `The user rejected this change to ${req.display}. The file was not modified.` };
    return { run: true, reason: d === 'acceptAll' ? 'You accepted this and all further edits of this turn.' : 'You approved this change.' };
  }

  /**
   * What a sandboxed command left behind that waits for the user (execution-relevant files, links,
   * conflicts, mass deletions): always asks, whatever the auto-approval settings, and shows the diff.
   */
  async changes(callId: string, req: { count: number; lines: string; diff: string; landed: number }, signal: AbortSignal): Promise<Gate> {
    const d = await this.port.ask(
      callId,
      {
        requestId: randomUUID(),
        kind: 'edit',
        title: l10n.t('Let the command’s changes to {0} file(s) that other programs run or load land?', req.count),
        detail: req.lines,
        diff: req.diff,
        sensitive: l10n.t(
          'Git, your editor, its extensions, build tools or agents run or read these, so they always ask. Reject discards them. {0} ordinary file(s) already landed.',
          req.landed,
        ),
        allowAcceptAll: false,
      },
      signal,
    );
    return d === 'reject' ? { run: false, reason: 'The user rejected these changes; they were discarded.' } : { run: true, reason: 'The user approved these changes.' };
  }

  /**
   * A command: denied, allowed by the classifier (only inside the sandbox), or asked. Leaving the
   * sandbox (`escalations`) always asks and names what is asked for.
   */
  async command(
    callId: string,
    commandLine: string,
    cwdDisplay: string,
    c: Classification,
    where: { sandboxed: boolean; escalations: string[]; note?: string; network?: boolean; transactional?: boolean },
    signal: AbortSignal,
  ): Promise<Gate> {
    if (c.verdict === 'deny') return { run: false, reason: `${c.reason} The command was not run.` };
    if (c.verdict === 'allow' && !where.escalations.length) return { run: true, reason: c.reason };
    const notes: string[] = [];
    if (where.escalations.length) notes.push(l10n.t('It asks to leave the sandbox: {0}.', where.escalations.join('; ')));
    if (c.verdict === 'ask') notes.push(c.reason);
    if (where.note) notes.push(where.note);
    const title = where.sandboxed
      ? where.escalations.length
        ? l10n.t('Run this command in the sandbox with more access ({0})?', cwdDisplay)
        : l10n.t('Run this command in the sandbox ({0})?', cwdDisplay)
      : l10n.t('Run this command WITHOUT the OS sandbox ({0})?', cwdDisplay);
    const d = await this.port.ask(
      callId,
      {
        requestId: randomUUID(),
        kind: 'command',
        title,
        detail: commandLine,
        sensitive: notes.join(' '),
        allowAcceptAll: false,
        sandboxed: where.sandboxed,
        network: where.network,
        transactional: where.transactional,
        commands: c.commands.map((argv) => argv[0] ?? '').filter(Boolean),
      },
      signal,
    );
    return d === 'reject' ? { run: false, reason: 'The user declined to run this command. It was not run.' } : { run: true, reason: 'You approved this command.' };
  }

  /**
   * A call to a tool we did not write (an MCP server's or another extension's). It runs outside
   * the OS sandbox with the user's rights, and VS Code does not tell us whether it only reads, so
   * it asks, unless the user's own allow list names it (user settings only) or the user allowed
   * it for this turn.
   */
  /**
   * A call past its deadline: a person may be deciding in VS Code's own confirmation, so it is
   * not cancelled behind their back; they choose to keep waiting (true) or cancel it (false).
   */
  async overdue(callId: string, req: { tool: string; source: string; seconds: number }, signal: AbortSignal): Promise<boolean> {
    const d = await this.port.ask(
      callId,
      {
        requestId: randomUUID(),
        kind: 'tool',
        title: l10n.t('{0} has not answered for {1} s.', req.tool, req.seconds),
        detail: l10n.t('If VS Code is asking you to confirm it, answer there. Otherwise {0} may be stuck.', req.source),
        allowAcceptAll: false,
        acceptLabel: l10n.t('Keep waiting'),
        rejectLabel: l10n.t('Cancel the call'),
      },
      signal,
    );
    return d !== 'reject';
  }

  async external(callId: string, req: { tool: string; source: string; args: string; preapproved?: string }, signal: AbortSignal): Promise<Gate> {
    if (req.preapproved) return { run: true, reason: req.preapproved };
    if (this.allowedTools.has(req.tool)) return { run: true, reason: 'Ran without asking: you allowed this tool for the rest of this turn.' };
    const d = await this.port.ask(
      callId,
      {
        requestId: randomUUID(),
        kind: 'tool',
        title: l10n.t('Let Gemini call {0} ({1})?', req.tool, req.source),
        detail: req.args,
        sensitive: l10n.t('{0} runs it outside the OS sandbox, with your permissions. VS Code may ask again before a tool that changes things.', req.source),
        allowAcceptAll: true,
      },
      signal,
    );
    if (d === 'acceptAll') this.allowedTools.add(req.tool);
    return d === 'reject'
      ? { run: false, reason: `The user declined to run ${req.tool}. It was not called.` }
      : { run: true, reason: d === 'acceptAll' ? 'You allowed this tool for the rest of this turn.' : 'You approved this call.' };
  }
}
