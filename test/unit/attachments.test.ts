import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttachmentError, attachmentFromBytes, checkTotal, mimeFor, selectionAttachment } from '../../src/core/attachments';

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC', 'base64');

test('mime types by extension', () => {
  assert.equal(mimeFor('a.PNG'), 'image/png');
  assert.equal(mimeFor('report.pdf'), 'application/pdf');
  assert.equal(mimeFor('data.csv'), 'text/csv');
  assert.equal(mimeFor('x.unknownext'), 'application/octet-stream');
});

test('images and documents become media content with the right mime_type; text becomes a fenced block', () => {
  const img = attachmentFromBytes('1', 'shot.png', png, { maxBytes: 1e6 });
  assert.equal(img.kind, 'image');
  assert.deepEqual(img.content, { type: 'image', data: png.toString('base64'), mime_type: 'image/png' });
  const pdf = attachmentFromBytes('2', 'doc.pdf', Buffer.from('%PDF-1.4\n'), { maxBytes: 1e6 });
  assert.deepEqual(pdf.content, { type: 'document', data: Buffer.from('%PDF-1.4\n').toString('base64'), mime_type: 'application/pdf' });
  const ts = attachmentFromBytes('3', 'src/a.ts', Buffer.from('const a = 1;\n'), { maxBytes: 1e6, languageId: 'typescript' });
  assert.deepEqual(ts.content, { type: 'text', text: 'File: src/a.ts\n```typescript\nconst a = 1;\n```' });
});

test('too large and unreadable binaries are refused with a clear message', () => {
  assert.throws(
    () => attachmentFromBytes('1', 'big.txt', Buffer.alloc(2048, 97), { maxBytes: 1024 }),
    (e: unknown) => e instanceof AttachmentError && /2\.0 KB.*1\.0 KB/.test(e.message),
  );
  assert.throws(
    () => attachmentFromBytes('1', 'a.bin', Buffer.from([0, 1, 2, 0, 255]), { maxBytes: 1024 }),
    (e: unknown) => e instanceof AttachmentError && /binary/.test(e.message),
  );
  assert.throws(
    () =>
      checkTotal([attachmentFromBytes('1', 'a.txt', Buffer.alloc(600, 97), { maxBytes: 1e6 }), attachmentFromBytes('2', 'b.txt', Buffer.alloc(600, 97), { maxBytes: 1e6 })], 1000),
    /1\.2 KB/,
  );
});

test('a selection carries its path and line range; fences never collide with the content', () => {
  const a = selectionAttachment('s', 'src/x.md', 'has ``` inside', 'markdown', { start: 3, end: 4 }, 1e6);
  assert.equal((a.content as { text: string }).text, 'File: src/x.md (lines 3-4)\n~~~~markdown\nhas ``` inside\n~~~~');
});
