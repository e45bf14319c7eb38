/**
 * History search (numbers, not pass/fail): the product's `HistoryIndex` over 5,000 generated
 * conversations (each a journal of a few turns), next to ripgrep run over the journal folder.
 * Rows: the first search of a window with no index yet (the index is built: every journal read
 * once), the first search of a new window (the index is on disk), a keystroke's search once the
 * window has searched, and the in-process engine (no ripgrep). Each row: wall time, peak memory,
 * longest event-loop stall.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryIndex } from '../../src/core/conversation/history';
import { ConversationStore } from '../../src/core/conversation/journal';
import { findRipgrep } from '../unit/tool-fakes';
import { measureCommand, measureHere, runCases, type Sample } from './host-work';

const COUNT = 5_000;
const DIR = join(tmpdir(), `gemini-bench-history-${COUNT}`);
const QUERY = 'eventsource backpressure';
const TOPICS = ['parse SSE', 'fix the flaky test', 'review this diff', 'explain the sandbox', 'rename a symbol', 'write a commit message', 'speed up the build', 'what is a monad'];

function fixture(): void {
  if (existsSync(join(DIR, '.done'))) return;
  rmSync(DIR, { recursive: true, force: true });
  const store = new ConversationStore(DIR);
  for (let c = 0; c < COUNT; c++) {
    const topic = TOPICS[c % TOPICS.length]!;
    const j = store.create({ id: `c${String(c).padStart(5, '0')}`, mode: 'stateful', model: 'gemini-3.5-flash', title: `${topic} #${c}`, created: 1_700_000_000_000 + c * 60_000 });
    for (let t = 0; t < 4; t++) {
      const at = 1_700_000_000_000 + c * 60_000 + t * 1000;
      j.append({
        r: 'turn',
        t: `t${t}`,
        at,
        input: [{ type: 'text', text: `Question ${t} about how to ${topic} in the project, with some detail (${c}).` }],
        model: 'gemini-3.5-flash',
      });
      const answer = `Here is how to ${topic}. `.repeat(40) + (c % 250 === 7 && t === 2 ? ` Mind the EventSource backpressure when the stream is slow.` : '') + ' Done.';
      j.append({ r: 'end', t: `t${t}`, at: at + 500, state: 'completed', steps: [{ type: 'model_output', content: [{ type: 'text', text: answer }] }], ids: [] });
    }
  }
  writeFileSync(join(DIR, '.done'), '');
}

const rg = findRipgrep();
const search = (h: HistoryIndex) => h.search(QUERY, () => undefined).then((hits) => `${hits.length} hits`);

const cases: Record<string, () => Promise<Sample>> = {
  'product: first search, no index yet (builds it)': () => {
    rmSync(join(DIR, 'index'), { recursive: true, force: true });
    return measureHere(() => search(new HistoryIndex(DIR, () => rg)));
  },
  'product: first search of a new window (index on disk)': async () => {
    const built = new HistoryIndex(DIR, () => rg);
    await built.refresh();
    await built.save();
    return measureHere(() => search(new HistoryIndex(DIR, () => rg)));
  },
  'product: a keystroke (window has searched before)': async () => {
    const h = new HistoryIndex(DIR, () => rg);
    await search(h);
    return measureHere(() => h.search('eventsource backpressure w', () => undefined).then((x) => `${x.length} hits`));
  },
  'product, no ripgrep: a keystroke (in-process engine)': async () => {
    const h = new HistoryIndex(DIR, () => undefined);
    await search(h);
    return measureHere(() => search(h));
  },
  'baseline: rg over the journal folder': () => measureCommand(rg!, ['-i', '-F', '-l', '--max-count', '1', '--no-config', '--', QUERY, DIR]),
};

void runCases(`History search over ${COUNT.toLocaleString('en')} conversations`, cases, async () => {
  if (!rg) throw new Error('VS Code’s ripgrep is needed: run `npm test` once to prepare the workbench');
  fixture();
  const h = new HistoryIndex(DIR, () => rg);
  await h.refresh();
  await h.save();
});
