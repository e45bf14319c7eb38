/**
 * Replies for the offline demo: what a user types decides which kind of interaction the fake
 * plays back, so every step type can be tried by hand.
 *   "search …"  → google_search call/result with citations
 *   "image …"   → an inline PNG
 *   "code …"    → code execution call and output
 *   "url …"     → url_context call/result
 *   "read …"    → a read_file function call (the workspace tools answer it)
 *   "long …"    → a long markdown answer with code blocks
 *   anything else → a thought and a short streamed markdown answer
 */
import type { Json, Reply } from './scenario';

// A 32×32 blue/white checkerboard PNG.
export const DEMO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAAN0lEQVR42mNwav2CFf3HAUhVzzBqwagFQ8ACahmES/2oBaMWDAULRouKUQtGLRitD0YtGLUAiAACd3CI+eKxfQAAAABJRU5ErkJggg==';

function lastUserText(body: Json): string {
  const input = body.input;
  if (typeof input === 'string') return input;
  const texts: string[] = [];
  const items = Array.isArray(input) ? input : [];
  for (const it of items as Json[]) {
    if (it.type === 'text') texts.push(String(it.text));
    if (it.type === 'user_input' && Array.isArray(it.content)) for (const c of it.content as Json[]) if (c.type === 'text') texts.push(String(c.text));
    if (it.type === 'function_result') return `__function_result__${JSON.stringify(it.result).slice(0, 400)}`;
  }
  return texts[texts.length - 1] ?? '';
}

export function demoResponder(body: Json): Reply {
  const prompt = lastUserText(body);
  const lower = prompt.toLowerCase();
  const delayMs = 25;
  if (prompt.startsWith('__function_result__')) {
    return {
      delayMs,
      steps: [{ type: 'model_output', content: [{ type: 'text', text: `I read it. Here is what the tool returned:\n\n\`\`\`\n${prompt.slice(19, 300)}\n\`\`\`` }] }],
    };
  }
  if (lower.startsWith('search')) {
    const answer = 'Spain won Euro 2024, beating England 2–1 in the final in Berlin.';
    return {
      delayMs,
      steps: [
        { type: 'google_search_call', id: 'gs_1', arguments: { queries: ['Euro 2024 winner', 'Euro 2024 final score'] } },
        {
          type: 'google_search_result',
          call_id: 'gs_1',
          result: [{ search_suggestions: '<div style="font-family:sans-serif"><b>Search suggestions:</b> Euro 2024 winner</div>' }],
        },
        {
          type: 'model_output',
          content: [
            { type: 'text', text: answer, annotations: [{ type: 'url_citation', url: 'https://www.uefa.com/euro2024/', title: 'uefa.com', start_index: 0, end_index: 19 }] },
          ],
        },
      ],
    };
  }
  if (lower.startsWith('image')) {
    return {
      delayMs,
      steps: [
        {
          type: 'model_output',
          content: [
            { type: 'text', text: 'Here is a tiny generated image:' },
            { type: 'image', mime_type: 'image/png', data: DEMO_PNG },
          ],
        },
      ],
    };
  }
  if (lower.startsWith('code')) {
    return {
      delayMs,
      steps: [
        { type: 'code_execution_call', id: 'ce_1', arguments: { language: 'python', code: 'print(sum(range(101)))' } },
        { type: 'code_execution_result', call_id: 'ce_1', result: '5050\n' },
        { type: 'model_output', content: [{ type: 'text', text: 'The sum of 0..100 is **5050**.' }] },
      ],
    };
  }
  if (lower.startsWith('url')) {
    return {
      delayMs,
      steps: [
        { type: 'url_context_call', id: 'uc_1', arguments: { urls: ['https://example.com/'] } },
        { type: 'url_context_result', call_id: 'uc_1', result: [{ url: 'https://example.com/', status: 'success' }] },
        { type: 'model_output', content: [{ type: 'text', text: 'The page at example.com is a placeholder domain page.' }] },
      ],
    };
  }
  if (lower.startsWith('read')) {
    const path = prompt.split(/\s+/)[1] ?? 'README.md';
    return {
      delayMs,
      steps: [
        { type: 'thought', signature: 'demo-sig', summary: [{ type: 'text', text: `I should read ${path}.` }] },
        { type: 'function_call', id: 'fc_demo', name: 'read_file', arguments: { path } },
      ],
    };
  }
  if (lower.startsWith('long')) {
    const parts: string[] = ['# A longer answer', ''];
    for (let i = 1; i <= 12; i++) {
      parts.push(`## Section ${i}`, '', `Paragraph ${i} explains a detail with **bold**, *italic* and \`inline code\`. `.repeat(3), '');
      if (i % 3 === 0) parts.push('```ts', `export function step${i}(x: number): number {`, `  return x * ${i};`, '}', '```', '');
    }
    return { delayMs: 10, textChunk: 12, steps: [{ type: 'model_output', content: [{ type: 'text', text: parts.join('\n') }] }] };
  }
  return {
    delayMs,
    steps: [
      { type: 'thought', signature: 'demo-sig', summary: [{ type: 'text', text: 'The user said something; I will answer briefly (offline demo).' }] },
      {
        type: 'model_output',
        content: [
          {
            type: 'text',
            text: `This is the **offline demo** (fake Interactions API). You said:\n\n> ${prompt.replace(/\n/g, '\n> ')}\n\nTry messages starting with \`search\`, \`image\`, \`code\`, \`url\`, \`read README.md\` or \`long\`.\n\n\`\`\`ts\nconst streamed = true;\n\`\`\``,
          },
        ],
      },
    ],
  };
}
