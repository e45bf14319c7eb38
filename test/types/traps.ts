/**
 * Type-level traps (typechecked by `npm test`, nothing runs): each `@ts-expect-error` below must
 * be an error, so a table that forgot a kind fails the build. If one of them stopped being an
 * error (the trap opened), tsc reports the unused directive.
 */
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';
import type { StepKind } from '../../src/shared/stepKinds';
import type { StepType } from '../../src/core/protocol/types';
import type { MessageHandlers } from '../../src/vscode/webview/host';
import type { HostHandlers } from '../../src/webview/dispatch';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;

// The registry of step kinds and the wire types name the same kinds.
same<Same<StepKind, StepType>>();

type Validators<U extends { type: string }> = { [K in U['type']]: (m: Record<string, unknown>) => Extract<U, { type: K }> | undefined };

// A validator table without one kind does not compile (the router's guarantee reaches the validators).
// @ts-expect-error the 'openSkill' validator is missing
export const missingValidator: Validators<WebviewMessage> = {} as Omit<Validators<WebviewMessage>, 'openSkill'>;
// @ts-expect-error the 'skills' validator is missing
export const missingHostValidator: Validators<HostMessage> = {} as Omit<Validators<HostMessage>, 'skills'>;

// A step view table without one kind does not compile.
// @ts-expect-error no view for tool_search_result
export const missingView: Record<StepKind, unknown> = {} as Omit<Record<StepKind, unknown>, 'tool_search_result'>;

// The page's dispatch table must handle every host message, as the host's must every webview message.
// @ts-expect-error the page does not handle 'linkDraft'
export const missingPageHandler: HostHandlers = {} as Omit<HostHandlers, 'linkDraft'>;
// @ts-expect-error the host does not handle 'attachmentOptions'
export const missingHostHandler: MessageHandlers = {} as Omit<MessageHandlers, 'attachmentOptions'>;
