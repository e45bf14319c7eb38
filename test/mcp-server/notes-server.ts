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
 *
 * With `NOTES_CATALOG=<n>` it is instead a server named `catalog` (or `NOTES_NAME`) with n generated tools shaped
 * like a real API's (a verb, a noun, four documented parameters): what Tool Retrieval is for.
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

const VERBS = ['list', 'create', 'delete', 'update', 'search', 'get', 'close', 'merge'];
const NOUNS = ['issues', 'pull_requests', 'branches', 'releases', 'labels', 'milestones', 'comments', 'reviews', 'workflows', 'secrets', 'webhooks', 'deployments'];
/** `n` catalog tools: `list_issues`, `create_issues`, … with a numeric suffix past the combinations. */
function catalogTools(n: number): Tool[] {
  return Array.from({ length: n }, (_, k) => {
    const verb = VERBS[k % VERBS.length]!;
    const noun = NOUNS[Math.floor(k / VERBS.length) % NOUNS.length]!;
    const round = Math.floor(k / (VERBS.length * NOUNS.length));
    return {
      name: `${verb}_${noun}${round ? `_${round}` : ''}`,
      description: `${verb[0]!.toUpperCase()}${verb.slice(1)} the ${noun.replace('_', ' ')} of a repository. Use it when the user asks about the repository's ${noun.replace('_', ' ')}; it returns JSON with one object per item, paginated.`,
      inputSchema: {
        type: 'object',
        properties: {
          owner: { type: 'string', description: 'The account that owns the repository (a user or an organization).' },
          repo: { type: 'string', description: 'The repository name, without the owner.' },
          page: { type: 'integer', description: 'The page of results, from 1.' },
          per_page: { type: 'integer', description: 'Results per page, at most 100.' },
        },
        required: ['owner', 'repo'],
      },
      annotations: { readOnlyHint: true },
    };
  });
}

const catalog = Number(process.env.NOTES_CATALOG ?? 0);

const notesTools: Tool[] = [
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

const tools = catalog > 0 ? catalogTools(catalog) : notesTools;
const server = new Server({ name: catalog > 0 ? (process.env.NOTES_NAME ?? 'catalog') : 'notes', version: '1.0.0' }, { capabilities: { tools: {} } });

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
      if (catalog > 0 && tools.some((t) => t.name === req.params.name)) return { content: [{ type: 'text', text: `CATALOG ${req.params.name} ${JSON.stringify(args)}: []` }] };
      return { isError: true, content: [{ type: 'text', text: `Unknown tool ${req.params.name}` }] };
  }
});

void server.connect(new StdioServerTransport());
