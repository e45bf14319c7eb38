/**
 * How a conversation stands, for the sessions view and the "needs you" signals: one function of
 * its turns, whether it is answering here, and the approvals waiting in it.
 */
import type { TurnRecord } from './journal';

export const SESSION_STATUSES = ['new', 'streaming', 'approval', 'input', 'done', 'failed', 'stopped'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Whether the user is needed: an approval waits, or a plan, a question or a failure does. */
export function needsUser(status: SessionStatus): boolean {
  return status === 'approval' || status === 'input' || status === 'failed';
}

export function sessionStatus(turns: readonly TurnRecord[] | undefined, busy: boolean, approvals: number): SessionStatus {
  if (approvals > 0) return 'approval';
  if (busy) return 'streaming';
  const last = turns?.at(-1);
  if (!last) return 'new';
  switch (last.state) {
    case 'streaming':
    case 'in_progress':
      return 'streaming';
    case 'requires_action':
      return 'input';
    case 'completed':
      // A plan (plan first, or Deep Research's) waits for the user to start it.
      return last.plan || last.research === 'plan' ? 'input' : 'done';
    case 'incomplete':
      return 'done';
    case 'stopped':
    case 'cancelled':
    case 'interrupted':
      return 'stopped';
    default:
      return 'failed';
  }
}

/** Every token the conversation's turns used (as the API counted them). */
export function conversationTokens(turns: readonly TurnRecord[] | undefined): number {
  let n = 0;
  for (const t of turns ?? []) {
    const u = t.usage;
    if (!u) continue;
    n += u.total_tokens ?? (u.total_input_tokens ?? 0) + (u.total_output_tokens ?? 0) + (u.total_thought_tokens ?? 0) + (u.total_tool_use_tokens ?? 0);
  }
  return n;
}
