/**
 * The approval policy of one turn. The user owns it: the settings come from user-level
 * configuration only and nothing the model writes can change them. Reads run without asking
 * (except sensitive files), edits show a diff (accept / reject / accept all for this turn),
 * commands show the command line and go through the shell classifier; sensitive targets always
 * ask, even with auto-approval or "accept all".
 */
import type { ApprovalRequest } from '../../shared/protocol';
import type { ApprovalPort } from '../ports';
import { classifyCommand } from './shell';
import type { ToolSettings } from './types';

export type Gate = { run: true; reason?: string } | { run: false; reason: string };

export class TurnApprovals {
  private acceptAllEdits = false;
  private seq = 0;

  constructor(
    private readonly port: ApprovalPort,
    private readonly settings: ToolSettings,
  ) {}

  private id(): string {
    return `ap_${Date.now().toString(36)}_${++this.seq}`;
  }

  /** A read of a sensitive file (e.g. .env) asks: its content would leave the machine. */
  async read(callId: string, display: string, sensitive: string | undefined, signal: AbortSignal): Promise<Gate> {
    if (!sensitive) return { run: true };
    const d = await this.port.ask(callId, { requestId: this.id(), kind: 'write', title: `Let Gemini read ${display}?`, detail: display, sensitive: `This is ${sensitive}; its content will be sent to the model.`, allowAcceptAll: false }, signal);
    return d === 'reject' ? { run: false, reason: `The user declined to share ${display}.` } : { run: true, reason: 'You approved reading this file.' };
  }

  async write(callId: string, req: { title: string; display: string; diff?: string; sensitive?: string }, signal: AbortSignal): Promise<Gate> {
    if (!req.sensitive) {
      if (this.settings.autoApproveEdits) return { run: true, reason: 'Applied without asking: edits are auto-approved in your settings (gemini.tools.autoApproveEdits).' };
      if (this.acceptAllEdits) return { run: true, reason: 'Applied without asking: you accepted all edits for this turn.' };
    }
    const request: ApprovalRequest = {
      requestId: this.id(),
      kind: 'edit',
      title: req.title,
      detail: req.display,
      diff: req.diff,
      sensitive: req.sensitive ? `This touches ${req.sensitive}: it always asks.` : undefined,
      allowAcceptAll: !req.sensitive,
    };
    const d = await this.port.ask(callId, request, signal);
    if (d === 'acceptAll') this.acceptAllEdits = true;
    if (d === 'reject') return { run: false, reason: `The user rejected this change to ${req.display}. The file was not modified.` };
    return { run: true, reason: d === 'acceptAll' ? 'You accepted this and all further edits of this turn.' : 'You approved this change.' };
  }

  async command(callId: string, commandLine: string, cwdDisplay: string, signal: AbortSignal): Promise<Gate> {
    const c = classifyCommand(commandLine, this.settings.commandPolicy);
    if (c.verdict === 'deny') return { run: false, reason: `${c.reason} The command was not run.` };
    if (c.verdict === 'allow') return { run: true, reason: c.reason };
    const d = await this.port.ask(callId, { requestId: this.id(), kind: 'command', title: `Run this command in ${cwdDisplay}?`, detail: commandLine, sensitive: c.reason, allowAcceptAll: false }, signal);
    return d === 'reject' ? { run: false, reason: 'The user declined to run this command. It was not run.' } : { run: true, reason: 'You approved this command.' };
  }
}
