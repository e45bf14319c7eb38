/**
 * Subagents: a turn hands three tasks to children that run in parallel, each visible in its call
 * card and each answering as the call's result; Stop while they run stops all four.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, functionResultFor, functionResultText, lastAnswerText, sampleUntil, sendChat, useWorkbench, waitForTurnState } from './harness';
import { functionCall, text, type Json } from '../fake-api/scenario';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({ files: { 'src/app.ts': 'export const answer = 42;\n', 'README.md': '# Sub\n' } }, { chat: true }, (t) => ({ wb, p, chat } = t));

const isChild = (body: Json) => JSON.stringify(body.system_instruction ?? '').includes('You are a subagent');
const children = () => wb.fake.creates().filter((r) => isChild(r.body as Json));

test('three subagents run in parallel, each shown in its card, each answer returned as its call’s result', async () => {
  wb.fake.reset();
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  wb.fake.setScenario({
    replies: [
      {
        whenInputIncludes: 'Investigate three things',
        steps: [
          functionCall('delegate_task', { task: 'TASK-A: where is the answer defined?' }, 'fc_a'),
          functionCall('delegate_task', { task: 'TASK-B: what does the README say?', instruction: 'Quote it.' }, 'fc_b'),
          functionCall('delegate_task', { task: 'TASK-C: list the sources.', tools: ['list_directory'] }, 'fc_c'),
        ],
      },
      { whenInputIncludes: 'TASK-A', steps: [text('Alpha finding: src/app.ts line 1.')], hold },
      { whenInputIncludes: 'TASK-B', steps: [text('Bravo finding: the README is a title.')], hold },
      { whenInputIncludes: 'TASK-C', steps: [text('Charlie finding: one source file.')], hold },
      { whenInputIncludes: 'function_result', steps: [text('All three reported.')] },
    ],
  });
  await sendChat(chat, 'Investigate three things');
  // All three children are running at once before any has answered.
  await sampleUntil(
    chat,
    async () => children().length,
    (n) => n === 3,
    20_000,
  );
  const bodies = children().map((r) => r.body as Json);
  for (const b of bodies) {
    assert.equal(b.store, false, 'a child is its own stateless interaction');
    assert.equal(b.previous_interaction_id, undefined);
    const tools = ((b.tools as Json[] | undefined) ?? []).map((t) => t.name);
    assert.ok(!tools.includes('delegate_task'), 'a child cannot delegate again');
    assert.ok(!tools.some((n) => ['edit_file', 'create_file', 'delete_file', 'run_command'].includes(String(n))), `read-only by default: ${tools.join(', ')}`);
  }
  const c = bodies.find((b) => JSON.stringify(b.input).includes('TASK-C'))!;
  assert.deepEqual(
    ((c.tools as Json[]) ?? []).map((t) => t.name),
    ['list_directory'],
    'the tools it was given, and only those',
  );
  assert.match(JSON.stringify(bodies.find((b) => JSON.stringify(b.input).includes('TASK-B'))!.system_instruction), /Quote it\./);
  release();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('All three reported.'),
    30_000,
  );
  assert.match(functionResultText(functionResultFor(wb, 'fc_a')), /Alpha finding: src\/app\.ts line 1\./);
  assert.match(functionResultText(functionResultFor(wb, 'fc_b')), /Bravo finding/);
  assert.match(functionResultText(functionResultFor(wb, 'fc_c')), /Charlie finding/);
  const cards = chat.locator('.tool-call', { hasText: 'delegate_task' });
  assert.equal(await cards.count(), 3);
  for (let k = 0; k < 3; k++) assert.match(await cards.nth(k).innerText(), /Subagent: TASK-[ABC][\s\S]*Answer/);
  assert.equal(wb.fake.creates().length, 5, 'the parent, three children, the parent’s next step');
  const footer = await waitForTurnState(chat, (f) => /Tokens:/.test(f));
  assert.match(footer, /Tokens:/);
});

test('Stop while three subagents run stops all four (the parent and every child): no step after it', async () => {
  wb.fake.reset();
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  wb.fake.setScenario({
    replies: [
      {
        whenInputIncludes: 'Start two helpers',
        steps: [
          functionCall('delegate_task', { task: 'TASK-X: look around.' }, 'fc_x'),
          functionCall('delegate_task', { task: 'TASK-Y: look elsewhere.' }, 'fc_y'),
          functionCall('delegate_task', { task: 'TASK-Z: look again.' }, 'fc_z'),
        ],
      },
      { whenInputIncludes: 'TASK-X', steps: [text('X done.')], hold },
      { whenInputIncludes: 'TASK-Y', steps: [text('Y done.')], hold },
      { whenInputIncludes: 'TASK-Z', steps: [text('Z done.')], hold },
      { whenInputIncludes: 'function_result', steps: [text('Never sent.')] },
    ],
  });
  await sendChat(chat, 'Start two helpers');
  await sampleUntil(
    chat,
    async () => children().length,
    (n) => n === 3,
    20_000,
  );
  await chat.locator('#stop').click();
  await waitForTurnState(chat, (f) => /Stopped/.test(f), 20_000);
  release();
  await p.page.waitForTimeout(1500);
  assert.equal(wb.fake.creates().length, 4, 'nothing was sent after Stop (the parent and its three children only)');

  const cards = chat.locator('.turn').last().locator('.tool-call', { hasText: 'delegate_task' });
  assert.equal(await cards.count(), 3);
  for (let k = 0; k < 3; k++) assert.doesNotMatch(await cards.nth(k).innerText(), /[XYZ] done/);
});
