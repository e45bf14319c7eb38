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

test('URL attachments: the kind and MIME type from the path, sent as uri content; unknown types need a kind; unsafe URLs refused', async () => {
  const { urlAttachment, AttachmentError: E } = await import('../../src/core/attachments');
  assert.deepEqual(urlAttachment('1', 'https://example.com/talks/intro.mp3').content, { type: 'audio', uri: 'https://example.com/talks/intro.mp3', mime_type: 'audio/mp3' });
  assert.deepEqual(urlAttachment('2', 'https://cdn.example.com/v/clip.webm?x=1').content, {
    type: 'video',
    uri: 'https://cdn.example.com/v/clip.webm?x=1',
    mime_type: 'video/webm',
  });
  assert.deepEqual(urlAttachment('3', 'gs://bucket/scan.pdf').content, { type: 'document', uri: 'gs://bucket/scan.pdf', mime_type: 'application/pdf' });
  const a = urlAttachment('4', 'https://example.com/photo.PNG');
  assert.equal(a.kind, 'url');
  assert.equal(a.name, 'photo.PNG (URL)');
  assert.deepEqual(a.content, { type: 'image', uri: 'https://example.com/photo.PNG', mime_type: 'image/png' });
  // No extension: the user says what it is; no MIME type is made up.
  assert.throws(() => urlAttachment('5', 'https://example.com/stream'), /Say what the URL points to/);
  assert.deepEqual(urlAttachment('6', 'https://example.com/stream', { kind: 'audio' }).content, { type: 'audio', uri: 'https://example.com/stream' });
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/plain,hi', 'https://user:pw@example.com/a.mp3', 'not a url'])
    assert.throws(() => urlAttachment('x', bad), E, bad);
});

test('audio and video files are their own kinds', async () => {
  const { attachmentFromBytes } = await import('../../src/core/attachments');
  assert.equal(attachmentFromBytes('a', 'talk.mp3', new Uint8Array([1, 2, 3]), { maxBytes: 100 }).kind, 'audio');
  assert.equal(attachmentFromBytes('v', 'clip.mp4', new Uint8Array([1, 2, 3]), { maxBytes: 100 }).kind, 'video');
  assert.throws(() => attachmentFromBytes('big', 'long.wav', new Uint8Array(200), { maxBytes: 100 }), /limited to/);
});

test('audio and video: the formats Gemini reads (under the names browsers use too); others and oversized recordings refused with what to do', () => {
  const opts = { maxBytes: 100 };
  const bytes = new Uint8Array([1, 2, 3]);
  for (const [name, mime, kind] of [
    ['a.aiff', undefined, 'audio/aiff'],
    ['a.flac', undefined, 'audio/flac'],
    ['pasted', 'audio/mpeg', 'audio/mpeg'],
    ['pasted', 'audio/x-wav', 'audio/x-wav'],
    ['clip.3gp', undefined, 'video/3gpp'],
    ['clip.wmv', undefined, 'video/wmv'],
    ['pasted', 'video/quicktime', 'video/quicktime'],
    ['pasted', 'Audio/WAV; codecs=1', 'audio/wav'],
  ] as const) {
    const a = attachmentFromBytes('x', name, bytes, { ...opts, mimeType: mime });
    assert.equal(a.mimeType, kind, name);
    assert.equal((a.content as { mime_type: string }).mime_type, kind);
    assert.equal(a.kind, kind.startsWith('audio/') ? 'audio' : 'video');
  }
  assert.throws(
    () => attachmentFromBytes('w', 'old.wma', bytes, { ...opts, mimeType: 'audio/x-ms-wma' }),
    /“old\.wma” is audio\/x-ms-wma, a format Gemini does not read\. Audio: WAV/,
  );
  assert.throws(() => attachmentFromBytes('m', 'clip.mkv', bytes, { ...opts, mimeType: 'video/x-matroska' }), /a format Gemini does not read/);
  assert.throws(() => attachmentFromBytes('big', 'long.wav', new Uint8Array(200), opts), /a recording sent with the message is limited to 100 B.*by its URL instead/);
  assert.throws(
    () => attachmentFromBytes('big', 'big.txt', new Uint8Array(200), opts),
    (e: Error) => /limited to 100 B/.test(e.message) && !/recording/.test(e.message),
  );
});
