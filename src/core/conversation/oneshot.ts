/**
 * A single streamed interaction outside the chat (review, fix without tools, commit message,
 * image): sent with `store: false`, collects the model's text and media, reporting text as it
 * streams.
 */
import type { InteractionsClient, StreamOptions } from '../client/client';
import { ApiError } from '../client/errors';
import type { Content, CreateInteractionRequest, ImageContent } from '../protocol/types';
import { TurnAccumulator } from './accumulator';

export interface OneShotResult {
  text: string;
  images: ImageContent[];
  status: string;
  interactionId: string | undefined;
}

export async function runOneShot(
  client: InteractionsClient,
  request: CreateInteractionRequest,
  opts: StreamOptions & { onText?(textSoFar: string): void } = {},
): Promise<OneShotResult> {
  const acc = new TurnAccumulator();
  let text = '';
  // Nothing is kept on the server: a one-shot has no follow-up that would chain from it, and its
  // input (a staged diff, the files reviewed) should not stay there.
  for await (const ev of client.stream({ store: false, ...request, stream: true }, opts)) {
    for (const c of acc.apply(ev)) {
      if (c.kind === 'text.append' || (c.kind === 'content.add' && c.value.type === 'text')) {
        text = outputText(acc);
        opts.onText?.(text);
      }
    }
  }
  if (acc.errors.length || acc.status === 'failed') {
    throw new ApiError('interaction_failed', acc.errors.map((e) => e.message).join('; ') || 'The interaction failed.');
  }
  return { text: outputText(acc), images: outputImages(acc), status: acc.status ?? 'completed', interactionId: acc.interactionId };
}

/** The text of the model_output steps (thoughts and tool steps excluded). */
export function outputText(acc: { steps: Array<{ type: string }> }): string {
  return acc.steps
    .filter((s) => s.type === 'model_output')
    .flatMap((s) => ((s as { content?: Content[] }).content ?? []).filter((c) => c.type === 'text').map((c) => (c as { text: string }).text))
    .join('');
}

export function outputImages(acc: { steps: Array<{ type: string }> }): ImageContent[] {
  return acc.steps
    .filter((s) => s.type === 'model_output')
    .flatMap((s) => ((s as { content?: Content[] }).content ?? []).filter((c): c is ImageContent => c.type === 'image' && typeof (c as ImageContent).data === 'string'));
}
