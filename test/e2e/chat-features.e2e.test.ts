/** The chat panel in the real workbench: every step type, code and image actions, faults, export. */
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, settledFile, useWorkbench, waitForTurnState } from './harness';
import { citedAnswer, continuationReplies, DEMO_PNG, everyStepReply, textReply } from '../fake-api/library';
import { SEED_S0, SEED_S3, functionCall, text, type Reply, type Variant } from '../fake-api/scenario';

/** A code block's action, as a user reaches it: the shared toolbar joins the block under the pointer. */
async function codeAction(frame: import('playwright-core').Frame, act: 'copy' | 'insert' | 'newFile'): Promise<void> {
  await frame.locator('.code-block').first().hover();
  await frame.locator(`.code-block button[data-act="${act}"]`).first().click();
}

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({ files: { 'src/app.ts': 'export const answer = 42;\n', 'README.md': '# Sample\n' } }, { chat: true }, (t) => ({ wb, p, chat } = t));
async function newChat(): Promise<void> {
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
}
beforeEach(async () => {
  wb.fake.reset();
  await newChat();
});

/** Send a prompt with the given fake replies and wait until its turn is on screen. */
async function ask(reply: Reply | Reply[], prompt = 'question'): Promise<void> {
  wb.fake.setScenario({ replies: Array.isArray(reply) ? reply : [reply] });
  const before = await chat.locator('.turn').count();
  await sendChat(chat, prompt);
  await chat.waitForFunction((n) => document.querySelectorAll('.turn').length > n, before, { timeout: 10_000 });
}

async function lastTurnText(): Promise<string> {
  return chat.evaluate(() => {
    const t = document.querySelectorAll('.turn');
    return (t[t.length - 1] as HTMLElement | undefined)?.innerText ?? '';
  });
}

async function waitDone(): Promise<string> {
  const footer = await waitForTurnState(chat, (f) => /Tokens:/.test(f) || /error|Stopped|Retry/i.test(f), 30_000);
  // The turn is closed and the composer is idle again (Send shows, Stop hides).
  await chat.waitForFunction(() => !document.getElementById('send')!.hidden, undefined, { timeout: 10_000 });
  return footer;
}

/** The Options panel (server tools, stateless, model settings), opened if it is closed. */
async function options(): Promise<void> {
  if (await chat.locator('#options-panel').isHidden()) await chat.locator('#options').click();
}

describe('rendering every step type', () => {
  test('thought collapsed, opens on click; search, code, url context, citations, image, unsupported step, usage', async () => {
    await ask(everyStepReply());
    await waitDone();
    const thought = chat.locator('details.thought').first();
    assert.equal(await thought.evaluate((d) => (d as HTMLDetailsElement).open), false);
    await thought.locator('summary').click();
    assert.equal(await thought.evaluate((d) => (d as HTMLDetailsElement).open), true);
    assert.match(await thought.innerText(), /Let me search, run code and read a page/);
    const text = await lastTurnText();
    assert.match(text, /Searched: euro 2024 winner · euro 2024 final score/);
    assert.match(text, /Code execution/);
    assert.match(text, /print\(2 \+ 1\)/);
    assert.match(text, /Output\s+3/);
    assert.match(text, /https:\/\/example\.com\/a/);
    assert.match(text, /paywall/);
    assert.match(text, /Unsupported step: future_step_kind/);
    assert.match(text, /Tokens: in 100 · cached 10 · thought 50 · out 200/);
    assert.equal(await chat.locator('.image-content img').count(), 1);
  });

  test('google_search citations: a numbered link after the cited span, a sources list, the widget only in a sandboxed frame', async () => {
    await ask(everyStepReply());
    await waitDone();
    const c = citedAnswer();
    const cite = chat.locator('a.citation').first();
    assert.equal(await cite.innerText(), '[1]');
    assert.equal(await cite.getAttribute('data-href'), 'https://www.uefa.com/euro2024/final');
    // The marker sits right after the cited span.
    const before = await cite.evaluate((a) => a.previousSibling?.textContent ?? '');
    assert.ok(before.endsWith(c.cited), `text before the marker: ${JSON.stringify(before)}`);
    assert.match(await chat.locator('.sources').innerText(), /UEFA: Euro 2024 final/);
    const frame = chat.locator('iframe.search-suggestions');
    // No scripts inside (same origin only so the page can catch a chip's click and ask the host).
    assert.equal(await frame.getAttribute('sandbox'), 'allow-same-origin');
    assert.equal(await chat.locator('.chips:has-text("euro 2024 winner")').count(), 0, 'widget HTML is not in our DOM');
  });

  test('every seed variant of the stream renders the same', async () => {
    const variants: Variant[] = [{}, SEED_S3, SEED_S0, { done: true, lineEnding: '\r\n' }];
    const rendered: string[] = [];
    for (const variant of variants) {
      await newChat();
      await ask({ ...everyStepReply(), variant, faults: { chunks: [3, 17, 64] } });
      await waitDone();
      rendered.push((await lastTurnText()).replace(/Tokens:.*$/m, ''));
    }
    for (const r of rendered.slice(1)) assert.equal(r, rendered[0]);
  });
});

describe('code blocks', () => {
  test('Insert puts the code at the cursor in the editor; Save as new file opens it', async () => {
    await p.openFile('src/app.ts');
    await ask(textReply('Use this:\n\n```ts\nexport const inserted = "from Gemini";\n```\n'));
    await waitDone();
    await codeAction(chat, 'insert');
    const deadline = Date.now() + 10_000;
    while (!(await p.editorText()).includes('from Gemini') && Date.now() < deadline) await p.page.waitForTimeout(100);
    assert.match(await p.editorText(), /export const inserted = "from Gemini";export const answer = 42;/);
    await codeAction(chat, 'newFile');
    await p.page.locator('.tab', { hasText: 'Untitled' }).first().waitFor({ timeout: 10_000 });
    assert.match(await p.editorText(), /export const inserted/);
  });
});

describe('images', () => {
  test('an image answer is shown inline and saved to the workspace', async () => {
    await p.page.keyboard.press('Escape');
    await ask({
      steps: [
        {
          type: 'model_output',
          content: [
            { type: 'text', text: 'Here:' },
            { type: 'image', mime_type: 'image/png', data: DEMO_PNG },
          ],
        },
      ],
    });
    await waitDone();
    const img = chat.locator('.image-content img');
    await img.waitFor();
    assert.ok((await img.getAttribute('src'))!.startsWith('data:image/png;base64,'));
    await chat.locator('.image-content button', { hasText: 'Save to workspace' }).click();
    const target = join(wb.workspace, 'generated.png');
    await p.saveAs(target);
    const saved = await settledFile(target);
    assert.ok(saved, `saved as generated.png; the workspace has ${JSON.stringify(readdirSync(wb.workspace))}`);
    assert.deepEqual(saved, Buffer.from(DEMO_PNG, 'base64'));
  });
});

describe('long answers, faults and control', () => {
  test('a requires_continuation answer is joined seamlessly', async () => {
    await ask(continuationReplies('This answer is long, so it arrives in two hops; ', 'the second hop finishes it.'));
    await waitDone();
    assert.equal(await chat.locator('.turn .model-output').count(), 1);
    assert.equal((await lastAnswerText(chat)).trim(), 'This answer is long, so it arrives in two hops; the second hop finishes it.');
    const [, second] = wb.fake.creates();
    assert.equal((second!.body as { continuation_token: string }).continuation_token, 'cont-token-1');
  });

  test('a dropped stream is resumed with last_event_id and never re-created', async () => {
    const answer = 'Resumed streams lose nothing and repeat nothing, even when the connection drops in the middle.';
    await ask({ ...textReply(answer), textChunk: 5, faults: { dropAfterEvents: 6 } });
    await waitDone();
    assert.equal((await lastAnswerText(chat)).trim(), answer);
    assert.match(await lastTurnText(), /Connection lost .*resuming the stream from event/);
    assert.equal(wb.fake.creates().length, 1);
    assert.ok(wb.fake.requests.some((r) => r.query.stream === 'true' && r.query.last_event_id));
  });

  test('429 with Retry-After is shown to the user while waiting, then succeeds', async () => {
    await ask([{ http: { status: 429, retryAfter: 2 } }, textReply('After the wait.')]);
    await chat.locator('.notice', { hasText: /rate limited \(429\), retrying in 2 s/ }).waitFor({ timeout: 5_000 });
    await waitDone();
    assert.equal((await lastAnswerText(chat)).trim(), 'After the wait.');
  });

  test('a long Retry-After is reported with the time and Retry works', async () => {
    await ask([{ http: { status: 429, retryAfter: 90 } }, textReply('Second try worked.')]);
    const footer = await waitForTurnState(chat, (f) => /Retry/.test(f));
    assert.match(footer, /Rate limited by the Gemini API \(429\)\. Try again in 1 min 30 s/);
    await chat.locator('.retry-btn').click();
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (v) => v.trim() === 'Second try worked.',
    );
  });

  test('500 then success is retried without the user noticing an error', async () => {
    await ask([{ http: { status: 500 } }, textReply('Recovered.')]);
    await waitDone();
    assert.equal((await lastAnswerText(chat)).trim(), 'Recovered.');
  });

  test('Stop aborts the stream and keeps what arrived; Escape in the input stops too', async () => {
    const long = 'word '.repeat(400);
    await ask({ ...textReply(long), delayMs: 30, textChunk: 5 });
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (v) => v.length > 20,
    );
    await chat.locator('#stop').click();
    const footer = await waitForTurnState(chat, (f) => /Stopped/.test(f));
    assert.match(footer, /Retry/);
    const partial = await lastAnswerText(chat);
    assert.ok(partial.length > 0 && partial.length < long.length);
    await p.page.waitForTimeout(300);
    assert.equal(await lastAnswerText(chat), partial, 'nothing arrives after Stop');
    // Escape while streaming.
    await ask({ ...textReply(long), delayMs: 30, textChunk: 5 }, 'again');
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (v) => v.length > 20,
    );
    // Enter while the answer streams sends nothing now: the message is queued (and shown).
    const creates = wb.fake.creates().length;
    await chat.locator('#input').fill('a next question');
    await chat.locator('#input').press('Enter');
    await chat.locator('#queue .queue-item', { hasText: 'a next question' }).waitFor({ timeout: 5_000 });
    assert.equal(wb.fake.creates().length, creates);
    await chat.locator('#input').press('Escape');
    await waitForTurnState(chat, (f) => /Stopped/.test(f));
    // After a stop the queued message waits for the user (it is not sent on its own).
    await p.page.waitForTimeout(500);
    assert.equal(wb.fake.creates().length, creates);
    assert.match(await lastTurnText(), /queued message\(s\) are waiting/);
    await chat.locator('#queue .queue-item', { hasText: 'a next question' }).getByRole('button', { name: 'Remove from the queue' }).click();
    await chat.waitForFunction(() => document.getElementById('queue')!.hidden);
  });

  test('an in-stream error event and a malformed stream show clear errors with Retry', async () => {
    await ask({ ...textReply('partial'), errorEvent: { code: 'INTERNAL', message: 'The model hit an internal error.' } });
    let footer = await waitForTurnState(chat, (f) => /Retry/.test(f));
    assert.match(footer, /The model hit an internal error/);
    await newChat();
    await ask({ ...textReply('x y z'), faults: { malformedAt: 3 } });
    footer = await waitForTurnState(chat, (f) => /Retry/.test(f));
    assert.match(footer, /malformed JSON in a "step\.\w+" event/);
  });

  test('edit and resend the last message (Up arrow), the composer keeps Shift+Enter newlines', async () => {
    await ask(textReply('first answer'), 'first question');
    await waitDone();
    wb.fake.setScenario({ replies: [textReply('edited answer')] });
    await chat.locator('#input').press('ArrowUp');
    assert.equal(await chat.locator('#input').inputValue(), 'first question');
    await chat.locator('#input').fill('edited');
    await chat.locator('#input').press('Shift+Enter');
    await chat.locator('#input').type('question');
    await chat.locator('#input').press('Enter');
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (v) => v.trim() === 'edited answer',
    );
    assert.equal(await chat.locator('.turn').count(), 1, 'the edited turn replaced the old one');
    assert.deepEqual((wb.fake.creates().pop()!.body as { input: unknown }).input, [{ type: 'text', text: 'edited\nquestion' }]);
  });

  test('multi-turn chains with previous_interaction_id; model, thinking and tool toggles go into the request', async () => {
    await ask(textReply('one'), 'first');
    await waitDone();
    await chat.locator('#model').selectOption('gemini-3.1-pro-preview');
    await chat.locator('#thinking').selectOption('high');
    await options();
    await chat.locator('#toggle-googleSearch').click();
    await chat.locator('#toggle-codeExecution').click();
    await ask(textReply('two'), 'second');
    await waitDone();
    const [b1, b2] = wb.fake.creates().map((r) => r.body as Record<string, unknown>);
    void b1;
    assert.match(String(b2!.previous_interaction_id), /^v1_/);
    assert.equal(b2!.model, 'gemini-3.1-pro-preview');
    assert.deepEqual(b2!.generation_config, { thinking_level: 'high', thinking_summaries: 'auto' });
    const tools = b2!.tools as Array<{ type: string; name?: string }>;
    assert.deepEqual(
      tools.filter((t) => t.type !== 'function'),
      [{ type: 'google_search' }, { type: 'code_execution' }],
    );
    assert.ok(
      tools.some((t) => t.type === 'function' && t.name === 'read_file'),
      'the workspace tools are declared too',
    );
    // Back to defaults, sent at once: every change lands before the message; a quick double
    // click on a toggle leaves it off.
    await chat.locator('#model').selectOption('gemini-3.5-flash');
    await chat.locator('#thinking').selectOption('default');
    await options();
    await chat.locator('#toggle-googleSearch').click();
    await chat.locator('#toggle-codeExecution').click();
    await chat.locator('#toggle-urlContext').dblclick();
    await ask(textReply('three'), 'third');
    await waitDone();
    const b3 = wb.fake.creates().pop()!.body as Record<string, unknown>;
    assert.equal(b3.model, 'gemini-3.5-flash');
    assert.equal((b3.generation_config as { thinking_level?: string } | undefined)?.thinking_level, undefined);
    assert.deepEqual(
      (b3.tools as Array<{ type: string }>).filter((t) => t.type !== 'function'),
      [],
    );
    assert.equal(await chat.locator('#toggle-urlContext').getAttribute('aria-pressed'), 'false');
  });
});

describe('export', () => {
  test('Export Chat writes the conversation as Markdown', async () => {
    await ask(everyStepReply(), 'Who won Euro 2024?');
    await waitDone();
    await p.command('Gemini: Export Chat');
    await p.answerQuickInput('Markdown', { pickRow: 'Markdown' });
    const target = join(wb.workspace, 'exported-chat.md');
    await p.saveAs(target);
    const md = (await settledFile(target))?.toString('utf8') ?? '';
    assert.match(md, /^# Who won Euro 2024\?/);
    assert.match(md, /## You\n\nWho won Euro 2024\?/);
    assert.match(md, /Spain beat England 2–1 in Berlin/);
    assert.match(md, /\[UEFA: Euro 2024 final\]\(https:\/\/www\.uefa\.com\/euro2024\/final\)/);
  });
});

describe('queued messages', () => {
  test('Enter while an answer streams queues the message; the queue can be reordered and edited; each goes when the answer before it ends', async () => {
    wb.fake.setScenario({
      replies: [textReply('The first answer streams for a while. '.repeat(12), { delayMs: 40, textChunk: 8 }), textReply('Answer to third.'), textReply('Answer to second.')],
    });
    await sendChat(chat, 'first');
    await chat.waitForFunction(() => !(document.getElementById('stop') as HTMLElement).hidden);
    for (const t of ['second', 'third', 'scratch']) {
      await chat.locator('#input').fill(t);
      await chat.locator('#input').press('Enter');
    }
    await chat.waitForFunction(() => document.querySelectorAll('#queue .queue-item').length === 3);
    assert.equal(await chat.locator('#input').inputValue(), '', 'the box is free for the next message');
    // "third" moves above "second"; "scratch" goes back into the box to be edited.
    await chat.locator('#queue .queue-item', { hasText: 'third' }).getByRole('button', { name: 'Move up' }).click();
    await chat.locator('#queue .queue-item', { hasText: 'scratch' }).getByRole('button', { name: /^Edit/ }).click();
    await chat.waitForFunction(() => (document.getElementById('input') as HTMLTextAreaElement).value === 'scratch');
    await chat.locator('#input').fill('');
    assert.deepEqual(await chat.locator('#queue .queue-text').allInnerTexts(), ['third', 'second']);
    assert.equal(wb.fake.creates().length, 1, 'nothing queued was sent while the answer streamed');
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (t) => t.includes('Answer to second.'),
      30_000,
    );
    await chat.waitForFunction(() => document.getElementById('queue')!.hidden);
    const prompts = wb.fake.creates().map((r) => JSON.stringify((r.body as { input: unknown }).input));
    assert.equal(prompts.length, 3);
    assert.match(prompts[0]!, /first/);
    assert.match(prompts[1]!, /third/);
    assert.match(prompts[2]!, /second/);
  });
});

describe('steering a running turn', () => {
  test('"Steer now" on a queued message sends it with the next function results: the model changes course in the same turn', async () => {
    wb.fake.setScenario({
      replies: [
        { steps: [text('Reading the whole file first. '.repeat(12)), functionCall('read_file', { path: 'README.md' }, 'fc_steer')], delayMs: 40, textChunk: 8 },
        textReply('Changed course: just the title, “Sample”.'),
      ],
    });
    await sendChat(chat, 'Summarize the README in detail');
    await chat.waitForFunction(() => !(document.getElementById('stop') as HTMLElement).hidden);
    await chat.locator('#input').fill('Only the title, please');
    await chat.locator('#input').press('Enter');
    const row = chat.locator('#queue .queue-item', { hasText: 'Only the title' });
    await row.getByRole('button', { name: /^Steer now/ }).click();
    await row.locator('.queue-steer').waitFor({ timeout: 5_000 });
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (t) => t.includes('Changed course'),
      30_000,
    );
    await waitDone();
    const creates = wb.fake.creates();
    assert.equal(creates.length, 2, 'one turn: the steer went with the results, not as a turn of its own');
    const follow = (creates[1]!.body as { input: Array<Record<string, unknown>> }).input;
    assert.deepEqual(
      follow.map((s) => s.type),
      ['function_result', 'user_input'],
    );
    assert.equal(follow[0]!.call_id, 'fc_steer');
    assert.deepEqual(follow[1]!.content, [{ type: 'text', text: 'Only the title, please' }]);
    assert.match(await lastTurnText(), /You steered: Only the title, please/);
    assert.equal(await chat.locator('#queue').isHidden(), true, 'the queue is empty');
  });
});

describe('plan first', () => {
  test('plan first offers only read-only tools and asks for a plan; "Start" continues the same conversation with every tool', async () => {
    await chat.locator('#send-mode').selectOption('plan');
    await chat.waitForFunction(() => document.body.classList.contains('plan-mode'));
    await ask(textReply('1. Rename `answer` in src/app.ts.\n2. Run the tests.'), 'Rename answer to result');
    await waitDone();
    const names = (body: unknown) => ((body as { tools?: Array<{ type: string; name?: string }> }).tools ?? []).filter((t) => t.type === 'function').map((t) => t.name);
    const [planned] = wb.fake.creates().map((r) => r.body as { system_instruction?: string; tools?: unknown });
    const offered = names(planned);
    assert.ok(offered.includes('read_file') && offered.includes('search_text'), JSON.stringify(offered));
    for (const w of ['edit_file', 'create_file', 'delete_file', 'run_command']) assert.ok(!offered.includes(w), `${w} is not offered in plan mode`);
    assert.match(planned!.system_instruction ?? '', /Plan mode: do not change anything yet/);
    assert.match(await lastTurnText(), /Plan first: read-only tools, a plan asked for/);
    // Start: the same conversation goes on, now with every tool, and plan first is off again.
    wb.fake.setScenario({ replies: [textReply('Done as planned.')] });
    await chat.locator('.turn').last().locator('.plan-start').click();
    await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 2, undefined, { timeout: 10_000 });
    await waitDone();
    const started = wb.fake.creates()[1]!.body as { input: unknown; previous_interaction_id?: string; system_instruction?: string };
    assert.ok(started.previous_interaction_id, 'chained to the plan');
    assert.deepEqual(started.input, [{ type: 'text', text: 'Go ahead: carry out the plan above.' }]);
    for (const w of ['edit_file', 'run_command', 'read_file']) assert.ok(names(started).includes(w), `${w} is offered once started`);
    assert.doesNotMatch(started.system_instruction ?? '', /Plan mode/);
    await chat.waitForFunction(() => !document.body.classList.contains('plan-mode'));
    assert.equal(await chat.locator('#send-mode').inputValue(), 'chat');
    assert.equal(await chat.locator('.plan-start').count(), 0, 'only a finished plan that is the last turn offers Start');
  });
});

describe('attachments by URL', () => {
  test('an audio URL attached from the menu reaches the request as uri content with its MIME type (nothing downloaded here)', async () => {
    await chat.locator('#attach').click();
    await chat.locator('#attach-menu button[data-kind="url"]').click();
    await p.answerQuickInput('https://example.com/talks/intro.mp3');
    const chip = chat.locator('#attachments .chip-url');
    await chip.waitFor({ timeout: 10_000 });
    assert.match(await chip.innerText(), /intro\.mp3 \(URL\) \(audio\/mp3\)/);
    await ask(textReply('It is a talk about parsers.'), 'What is this recording about?');
    await waitDone();
    const input = (wb.fake.creates()[0]!.body as { input: unknown }).input;
    assert.ok(JSON.stringify(input).includes(JSON.stringify({ type: 'audio', uri: 'https://example.com/talks/intro.mp3', mime_type: 'audio/mp3' })), JSON.stringify(input));
  });
});

/** A 0.1 s, 8 kHz, 8-bit mono WAV tone (a real recording Chromium can play). */
function tinyWav(): string {
  const samples = Buffer.from(Array.from({ length: 800 }, (_, k) => 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * k) / 8000))));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + samples.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36);
  h.writeUInt32LE(samples.length, 40);
  return Buffer.concat([h, samples]).toString('base64');
}

/** Drop a file on the composer, the way the browser hands it over. */
async function drop(name: string, type: string, base64: string): Promise<void> {
  await chat.evaluate(
    ([name, type, base64]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      document.getElementById('composer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, type, base64] as const,
  );
}

describe('audio and video attachments', () => {
  test('a dropped WAV is an audio attachment with a preview in VS Code’s media player; it goes inline with its MIME type and the turn plays it; a format Gemini does not read is refused', async () => {
    const wav = tinyWav();
    await drop('tone.wav', 'audio/wav', wav);
    const chip = chat.locator('#attachments .chip-audio');
    await chip.waitFor({ timeout: 10_000 });
    assert.equal(await chip.getAttribute('aria-label'), 'Audio attachment tone.wav');
    // The preview opens the recording in VS Code (its media preview plays audio).
    await chip.locator('.preview-btn').click();
    await p.page.locator('.tabs-container .tab', { hasText: '.wav' }).first().waitFor({ timeout: 15_000 });
    // A format Gemini does not read: a clear message, the composer keeps what it had.
    await drop('old.wma', 'audio/x-ms-wma', wav);
    await chat.waitForFunction(() => /old\.wma.*a format Gemini does not read/.test(document.getElementById('toast')!.textContent ?? ''), undefined, { timeout: 10_000 });
    assert.equal(await chat.locator('#attachments .chip').count(), 1);
    await ask(textReply('A short tone.'), 'What is this sound?');
    await waitDone();
    const input = (wb.fake.creates()[0]!.body as { input: Array<Record<string, string>> }).input;
    const audio = input.find((c) => c.type === 'audio');
    assert.deepEqual(audio, { type: 'audio', data: wav, mime_type: 'audio/wav' });
    // The sent turn shows the recording as a player of those bytes (a blob: URL, nothing remote), and it loads.
    const player = chat.locator('.user-msg audio.media-player').last();
    assert.match((await player.getAttribute('src')) ?? '', /^blob:/);
    await chat.waitForFunction(
      () => {
        const a = Array.from(document.querySelectorAll('.user-msg audio.media-player')).pop() as HTMLAudioElement | undefined;
        return !!a && a.readyState >= 1 && Math.abs(a.duration - 0.1) < 0.02;
      },
      undefined,
      { timeout: 10_000 },
    );
  });
});

describe('model settings and stateless mode', () => {
  test('the model settings and the stateless toggle go into the request; a bad value is refused with a message; the mode is fixed once the chat has started', async () => {
    await options();
    await chat.locator('#model-settings').click();
    await chat.locator('#gen-temperature').fill('5');
    await chat.locator('#gen-apply').click();
    assert.match(await chat.locator('#gen-error').innerText(), /Temperature must be between 0 and 2/);
    assert.equal(await chat.locator('#gen-popover').isVisible(), true, 'stays open to be corrected');
    await chat.locator('#gen-temperature').fill('0.3');
    await chat.locator('#gen-max').fill('256');
    await chat.locator('#gen-stop').fill('END, STOP');
    await chat.locator('#gen-seed').fill('7');
    await chat.locator('#gen-tool-choice').selectOption('none');
    await chat.locator('#gen-apply').click();
    await chat.locator('#gen-popover').waitFor({ state: 'hidden' });
    await chat.waitForFunction(() => document.getElementById('model-settings')?.getAttribute('aria-label') === 'Model settings (5 set)');
    await chat.locator('#toggle-stateless').click();
    await chat.waitForFunction(() => document.getElementById('toggle-stateless')?.getAttribute('aria-pressed') === 'true');
    await ask(textReply('First answer.'), 'first question');
    await waitDone();
    await chat.waitForFunction(() => document.getElementById('toggle-stateless')?.getAttribute('aria-disabled') === 'true', undefined, { timeout: 5000 });
    await ask(textReply('Second answer.'), 'second question');
    await waitDone();
    const [a, b] = wb.fake.creates().map((r) => r.body as { generation_config: Record<string, unknown>; store?: boolean; previous_interaction_id?: string; input: unknown });
    for (const body of [a!, b!]) {
      assert.equal(body.generation_config.temperature, 0.3);
      assert.equal(body.generation_config.max_output_tokens, 256);
      assert.deepEqual(body.generation_config.stop_sequences, ['END', 'STOP']);
      assert.equal(body.generation_config.seed, 7);
      assert.equal(body.generation_config.tool_choice, 'none');
      assert.equal(body.store, false, 'stateless: nothing kept on the server');
      assert.equal(body.previous_interaction_id, undefined);
    }
    assert.match(JSON.stringify(b!.input), /first question[\s\S]*First answer\.[\s\S]*second question/, 'the history is sent again');
    // Reset: the API's defaults again.
    await options();
    await chat.locator('#model-settings').click();
    await chat.locator('#gen-reset').click();
    await chat.waitForFunction(() => document.getElementById('model-settings')?.getAttribute('aria-label') === 'Model settings');
  });
});

describe('accessibility', () => {
  test('the chat passes axe-core (WCAG 2.2 A/AA and best practice) with every step type on screen: no violation at any impact', async () => {
    await ask(everyStepReply(), 'Who won Euro 2024?');
    await waitDone();
    await ask(textReply('# Answer\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```\n'), 'Show me a table');
    await waitDone();
    const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // Evaluated through the debugger protocol: the webview's CSP (no inline script) does not apply.
    await chat.evaluate(source);
    const result = await chat.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> };
        }
      ).axe;
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      return r.violations.map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')})`,
      );
    });
    assert.deepEqual(result, []);
    // Turns are named by what was asked.
    const names = await chat.locator('.turn').evaluateAll((ts) => ts.map((t) => t.getAttribute('aria-label')));
    assert.deepEqual(names, ['You asked: Who won Euro 2024?', 'You asked: Show me a table']);
  });
});
