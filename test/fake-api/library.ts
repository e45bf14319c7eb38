/** Named replies shared by the unit, fake-server and e2e tests. */
import { DEMO_PNG } from './demo-responder';
import type { Json, Reply } from './scenario';

export { DEMO_PNG };

/** UTF-8 byte length (the unit of annotation offsets). */
export const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** An answer with multi-byte characters and a citation whose byte offsets are exact. */
export function citedAnswer(): { text: string; cited: string; annotation: Json } {
  const before = 'Résumé: España ganó la Euro 2024 🏆. ';
  const cited = 'Spain beat England 2–1 in Berlin';
  const text = `${before}${cited}. Ünïcödé ✓ and emoji 👩‍💻 survive.`;
  return {
    text,
    cited,
    annotation: {
      type: 'url_citation',
      url: 'https://www.uefa.com/euro2024/final',
      title: 'UEFA: Euro 2024 final',
      start_index: bytes(before),
      end_index: bytes(before) + bytes(cited),
    },
  };
}

/** Every step type the chat renders, in one interaction (completed, no client action needed). */
export function everyStepReply(): Reply {
  const c = citedAnswer();
  return {
    steps: [
      { type: 'thought', signature: 'sig-thought-Ω-1', summary: [{ type: 'text', text: 'Let me search, run code and read a page. Ça va ✓.' }] },
      { type: 'google_search_call', id: 'gs_1', arguments: { queries: ['euro 2024 winner', 'euro 2024 final score'] } },
      { type: 'google_search_result', call_id: 'gs_1', result: [{ search_suggestions: '<div class="chips">euro 2024 winner</div>' }] },
      { type: 'code_execution_call', id: 'ce_1', arguments: { language: 'python', code: 'print(2 + 1)' } },
      { type: 'code_execution_result', call_id: 'ce_1', result: '3\n' },
      { type: 'url_context_call', id: 'uc_1', arguments: { urls: ['https://example.com/a', 'https://example.com/b'] } },
      {
        type: 'url_context_result',
        call_id: 'uc_1',
        result: [
          { url: 'https://example.com/a', status: 'success' },
          { url: 'https://example.com/b', status: 'paywall' },
        ],
      },
      { type: 'model_output', content: [{ type: 'text', text: c.text, annotations: [c.annotation] }] },
      {
        type: 'model_output',
        content: [
          { type: 'text', text: 'And an image:' },
          { type: 'image', mime_type: 'image/png', data: DEMO_PNG },
        ],
      },
      { type: 'future_step_kind', id: 'x_1', payload: { anything: [1, 2, 3] } },
    ],
    usage: { total_input_tokens: 100, total_output_tokens: 200, total_thought_tokens: 50, total_cached_tokens: 10, total_tokens: 360 },
  };
}

/** A function call with streamed arguments (requires_action). */
export function functionCallReply(name = 'get_weather', args: Json = { location: 'Boston, MA', units: 'fahrenheit' }, id = 'fc_1'): Reply {
  return {
    steps: [
      { type: 'thought', signature: `sig-${id}`, summary: [{ type: 'text', text: `I should call ${name}.` }] },
      { type: 'function_call', id, name, arguments: args },
    ],
    argsChunk: 7,
  };
}

/** Two parallel calls in one interaction. */
export function parallelCallsReply(): Reply {
  return {
    steps: [
      { type: 'thought', signature: 'sig-par', summary: [] },
      { type: 'function_call', id: 'fc_a', name: 'get_weather', arguments: { location: 'Paris' } },
      { type: 'function_call', id: 'fc_b', name: 'get_weather', arguments: { location: 'Tokyo' } },
    ],
  };
}

export function textReply(text: string, extra: Partial<Reply> = {}): Reply {
  return { steps: [{ type: 'model_output', content: [{ type: 'text', text }] }], ...extra };
}

/** A long answer split in two hops by `requires_continuation`. */
export function continuationReplies(first: string, second: string, token = 'cont-token-1'): Reply[] {
  return [
    { steps: [{ type: 'model_output', content: [{ type: 'text', text: first }] }], status: 'requires_continuation', continuationToken: token },
    { steps: [{ type: 'model_output', content: [{ type: 'text', text: second }] }] },
  ];
}
