/**
 * A real stdio MCP server for the e2e tests, written with `@modelcontextprotocol/sdk`. VS Code
 * starts it from the test workspace's `.vscode/mcp.json`; its tools then appear on
 * `vscode.lm.tools` as `mcp_notes_<tool>`.
 *
 * The low-level `Server` is used (not `McpServer` with zod) so that each tool's JSON Schema and
 * annotations are exactly what a test wants, including schemas Gemini does not take as they are.
 *
 * Every call is appended to `$NOTES_DIR/calls.log` (one JSON line), so a test can prove what
 * ran and what did not.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.NOTES_DIR ?? join(process.cwd(), 'notes');
mkdirSync(dir, { recursive: true });

// A 2×2 red PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';

const tools: Tool[] = [
  {
    name: 'lookup_word',
    description: 'Look up the meaning of a word in the project glossary.',
    inputSchema: { type: 'object', properties: { word: { type: 'string', description: 'The word' } }, required: ['word'] },
    annotations: { readOnlyHint: true, title: 'Look up a word' },
  },
  {
    name: 'write_note',
    description: 'Write a note file into the notes folder.',
    inputSchema: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } }, required: ['title', 'body'] },
    annotations: { readOnlyHint: false, destructiveHint: false },
  },
  {
    name: 'draw_dot',
    description: 'Draw a red dot and return it as a PNG image.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'fail_always',
    description: 'A tool that always reports an error.',
    inputSchema: { type: 'object', properties: { why: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'hang_forever',
    description: 'A tool that never answers.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'huge_result',
    description: 'Returns about two million characters of text.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    // JSON Schema features Gemini's subset does not take as they are: $ref/$defs, type arrays,
    // const, additionalProperties, a numeric enum.
    name: 'odd_schema',
    description: 'Echoes its input; its schema uses $ref, type arrays and const.',
    inputSchema: {
      type: 'object',
      $defs: { level: { type: 'integer', enum: [1, 2, 3] } },
      properties: {
        label: { type: ['string', 'null'] },
        level: { $ref: '#/$defs/level' },
        kind: { const: 'echo' },
        extra: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['label'],
      additionalProperties: false,
    } as Tool['inputSchema'],
    annotations: { readOnlyHint: true },
  },
];

function log(name: string, args: unknown): void {
  appendFileSync(join(dir, 'calls.log'), JSON.stringify({ name, args, at: Date.now() }) + '\n');
}

const server = new Server({ name: 'notes', version: '1.0.0' }, { capabilities: { tools: {} } });

server.setRequestHandler(ListToolsRequestSchema, () => Promise.resolve({ tools }));

server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
  const args = (req.params.arguments ?? {}) as Record<string, unknown>;
  log(req.params.name, args);
  switch (req.params.name) {
    case 'lookup_word':
      return { content: [{ type: 'text', text: `GLOSSARY: "${String(args.word)}" means a small fast parser (from the notes server).` }] };
    case 'write_note': {
      const title = String(args.title).replace(/[^A-Za-z0-9_-]/g, '_');
      writeFileSync(join(dir, `${title}.txt`), String(args.body));
      return { content: [{ type: 'text', text: `Wrote ${title}.txt` }] };
    }
    case 'draw_dot':
      return {
        content: [
          { type: 'text', text: 'Here is a red dot.' },
          { type: 'image', data: PNG, mimeType: 'image/png' },
        ],
      };
    case 'fail_always':
      return { isError: true, content: [{ type: 'text', text: `NOTES ERROR: cannot do that (${String(args.why ?? 'no reason')}).` }] };
    case 'hang_forever':
      return new Promise<CallToolResult>(() => undefined);
    case 'huge_result':
      return { content: [{ type: 'text', text: 'HUGE-START ' + 'x'.repeat(2_000_000) + ' HUGE-END' }] };
    case 'odd_schema':
      return { content: [{ type: 'text', text: `ECHO ${JSON.stringify(args)}` }] };
    default:
      return { isError: true, content: [{ type: 'text', text: `Unknown tool ${req.params.name}` }] };
  }
});

void server.connect(new StdioServerTransport());
