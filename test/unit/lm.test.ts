/** The LM API ↔ Interactions mapping of the `gemini` language model provider. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { estimateTokens, LmResponseMapper, lmRequest, modelInfos, SIGNATURE_MIME, toInputSteps, type LmPart } from '../../src/core/lm/convert';
import type { InteractionEvent } from '../../src/core/protocol/types';

const enc = (s: string) => new TextEncoder().encode(s);

test('the history becomes input steps: user text and images, assistant text, signature, call and result', () => {
  const png = new Uint8Array([137, 80, 78, 71]);
  const steps = toInputSteps([
    {
      role: 'user',
      parts: [
        { kind: 'text', text: 'What is in this image, and the weather?' },
        { kind: 'data', mimeType: 'image/png', data: png },
      ],
    },
    {
      role: 'assistant',
      parts: [
        { kind: 'text', text: 'Let me check.' },
        { kind: 'data', mimeType: SIGNATURE_MIME, data: enc('sig-1') },
        { kind: 'toolCall', callId: 'c1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'user',
      parts: [
        { kind: 'toolResult', callId: 'c1', content: [{ kind: 'text', text: 'Sunny' }] },
        { kind: 'text', text: 'Thanks' },
      ],
    },
  ]);
  assert.deepEqual(steps, [
    {
      type: 'user_input',
      content: [
        { type: 'text', text: 'What is in this image, and the weather?' },
        { type: 'image', data: 'iVBORw==', mime_type: 'image/png' },
      ],
    },
    { type: 'model_output', content: [{ type: 'text', text: 'Let me check.' }] },
    { type: 'thought', signature: 'sig-1' },
    { type: 'function_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } },
    { type: 'function_result', call_id: 'c1', name: 'get_weather', result: [{ type: 'text', text: 'Sunny' }] },
    { type: 'user_input', content: [{ type: 'text', text: 'Thanks' }] },
  ]);
});

test('a request is stateless, with function tools and the tool mode', () => {
  const r = lmRequest('gemini-3.5-flash', [{ role: 'user', parts: [{ kind: 'text', text: 'hi' }] }], {
    tools: [{ name: 't', description: 'd' }],
    required: true,
    maxOutputTokens: 100,
  });
  assert.equal(r.store, false);
  assert.equal(r.model, 'gemini-3.5-flash');
  assert.deepEqual(r.tools, [{ type: 'function', name: 't', description: 'd', parameters: { type: 'object', properties: {} } }]);
  assert.deepEqual(r.generation_config, { thinking_summaries: 'auto', tool_choice: 'any', max_output_tokens: 100 });
  assert.equal(lmRequest('m', [], {}).tools, undefined);
});

test('streamed events become text parts at once, a call when complete, a signature before its step', () => {
  const acc = new TurnAccumulator();
  const mapper = new LmResponseMapper();
  const ev = (e: Record<string, unknown>) => e as unknown as InteractionEvent;
  const events = [
    ev({ event_type: 'interaction.created', interaction: { id: 'v1_x', status: 'in_progress' } }),
    ev({ event_type: 'step.start', index: 0, step: { type: 'thought', signature: 'sig-9' } }),
    ev({ event_type: 'step.stop', index: 0 }),
    ev({ event_type: 'step.start', index: 1, step: { type: 'model_output' } }),
    ev({ event_type: 'step.delta', index: 1, delta: { type: 'text', text: 'Hel' } }),
    ev({ event_type: 'step.delta', index: 1, delta: { type: 'text', text: 'lo' } }),
    ev({ event_type: 'step.stop', index: 1 }),
    ev({ event_type: 'step.start', index: 2, step: { type: 'function_call', id: 'c7', name: 'f', arguments: {} } }),
    ev({ event_type: 'step.delta', index: 2, delta: { type: 'arguments_delta', arguments: '{"a":' } }),
    ev({ event_type: 'step.delta', index: 2, delta: { type: 'arguments_delta', arguments: '1}' } }),
    ev({ event_type: 'step.stop', index: 2 }),
    ev({ event_type: 'interaction.completed', interaction: { id: 'v1_x', status: 'requires_action' } }),
  ];
  const parts: LmPart[] = [];
  for (const e of events) parts.push(...mapper.map(acc.apply(e)));
  const shown = parts.map((p) => (p.kind === 'data' ? { kind: 'data', mimeType: p.mimeType, text: new TextDecoder().decode(p.data) } : p));
  assert.deepEqual(shown, [
    { kind: 'data', mimeType: SIGNATURE_MIME, text: 'sig-9' },
    { kind: 'text', text: 'Hel' },
    { kind: 'text', text: 'lo' },
    { kind: 'toolCall', callId: 'c7', name: 'f', input: { a: 1 } },
  ]);
});

test('models: the API list (text models only) or the configured ones offline; tokens estimated', () => {
  const listed = modelInfos(
    [
      { name: 'models/gemini-3.5-flash', displayName: 'Gemini 3.5 Flash', inputTokenLimit: 1000, outputTokenLimit: 100, supportedGenerationMethods: ['generateContent'] },
      { name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] },
      { name: 'models/gemini-3.1-flash-image', supportedGenerationMethods: ['generateContent'] },
    ],
    ['x'],
  );
  assert.deepEqual(
    listed.map((m) => [m.id, m.name, m.maxInputTokens, m.maxOutputTokens, m.toolCalling, m.imageInput]),
    [['gemini-3.5-flash', 'Gemini 3.5 Flash', 1000, 100, true, true]],
  );
  const offline = modelInfos(undefined, ['gemini-2.5-pro', 'gemini-2.5-pro']);
  assert.deepEqual(
    offline.map((m) => [m.id, m.name, m.maxInputTokens]),
    [['gemini-2.5-pro', 'Gemini 2.5 Pro', 1_048_576]],
  );
  assert.equal(estimateTokens('abcdefgh'), 2);
  assert.ok(estimateTokens({ role: 'user', parts: [{ kind: 'data', mimeType: 'image/png', data: new Uint8Array(10) }] }) > 1000);
});
