/**
 * Media processing options (§6.1): each option's wire form, the checks made before sending
 * (form, and bounds against a real file's pages and sheets), and what the chip says.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateRawSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { MediaOptionsError, applyMediaOptions, mediaFamily, optionsSummary, parseOffset, parsePages } from '../../src/core/mediaOptions';
import { mediaFacts } from '../../src/core/mediaFacts';
import { AttachmentError } from '../../src/core/attachments';
import { cleanMediaOptions, parseWebviewMessage } from '../../src/shared/protocol';
import type { Content } from '../../src/core/protocol/types';

const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const pdf: Content = { type: 'document', data: 'JVBERi0=', mime_type: PDF };
const sheet: Content = { type: 'document', data: 'UEsD', mime_type: XLSX };
const audio: Content = { type: 'audio', uri: 'https://example.com/call.mp3', mime_type: 'audio/mp3' };
const video: Content = { type: 'video', uri: 'https://example.com/demo.mp4', mime_type: 'video/mp4' };

/** A zip with stored or deflated entries, written by hand (the test needs no zip writer). */
function zip(entries: Record<string, string>, deflate = true): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const raw = Buffer.from(text);
    const body = deflate ? deflateRawSync(raw) : raw;
    const nameBuf = Buffer.from(name);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, body);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

async function pdfWith(pages: number, useObjectStreams: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let k = 0; k < pages; k++) doc.addPage([200, 200]).drawText(`page ${k + 1}`);
  return doc.save({ useObjectStreams });
}

describe('the wire form of each option (§6.1)', () => {
  test('a document page range with layers and a resolution', () => {
    const out = applyMediaOptions(pdf, { pages: '3-5', pageLayers: ['page_text'], resolution: 'low' }, { pages: 12 }, 'q3.pdf');
    assert.deepEqual(out, {
      type: 'document',
      data: 'JVBERi0=',
      mime_type: PDF,
      resolution: 'low',
      processing: { type: 'static', page_options: { start_page: 3, end_page: 5, content_layers: ['page_text'] } },
    });
    assert.equal(optionsSummary(out), 'pp. 3–5 · page_text · low resolution');
  });

  test('one page, a page to the end, layers alone', () => {
    assert.deepEqual((applyMediaOptions(pdf, { pages: '4' }) as { processing: unknown }).processing, { type: 'static', page_options: { start_page: 4, end_page: 4 } });
    assert.deepEqual((applyMediaOptions(pdf, { pages: '4-' }) as { processing: unknown }).processing, { type: 'static', page_options: { start_page: 4 } });
    assert.deepEqual((applyMediaOptions(pdf, { pageLayers: ['page_image', 'page_text'] }) as { processing: unknown }).processing, {
      type: 'static',
      page_options: { content_layers: ['page_image', 'page_text'] },
    });
  });

  test('spreadsheet sheet, cells and layers', () => {
    const out = applyMediaOptions(sheet, { sheet: 2, cells: 'a1:d10', sheetLayers: ['data', 'formulas'] }, { sheets: 3 }, 'q3.xlsx');
    assert.deepEqual((out as { processing: unknown }).processing, {
      type: 'static',
      spreadsheet_options: { sheet_index: 2, visible_cells: 'A1:D10', content_layers: ['data', 'formulas'] },
    });
    assert.equal(mediaFamily(sheet), 'spreadsheet');
  });

  test('audio offsets in the forms people write, sent as seconds', () => {
    const out = applyMediaOptions(audio, { start: '10.5s', end: '0:30' });
    assert.deepEqual(out, { ...audio, processing: { type: 'static', start_offset: '10.5s', end_offset: '30s' } });
    assert.equal(optionsSummary(out), '0:10.5–0:30');
    for (const [t, s] of [
      ['90', 90],
      ['90s', 90],
      ['1:30', 90],
      ['1:02:03', 3723],
      ['2m', 120],
      ['1h2m3s', 3723],
      [' 10.25 ', 10.25],
    ] as const)
      assert.equal(parseOffset(t), s, t);
    for (const bad of ['', 'soon', '1:75', '-3', '1::2', 's']) assert.throws(() => parseOffset(bad), MediaOptionsError, bad);
  });

  test('video span, fps and content layers', () => {
    const out = applyMediaOptions(video, { start: '5', fps: 1, videoLayers: ['frames', 'transcript'] });
    assert.deepEqual((out as { processing: unknown }).processing, { type: 'static', start_offset: '5s', fps: 1, content_layers: ['frames', 'transcript'] });
  });

  test('clearing the options takes processing and resolution off again', () => {
    const set = applyMediaOptions(pdf, { pages: '1', resolution: 'high' });
    assert.deepEqual(applyMediaOptions(set, undefined), pdf);
    assert.equal(optionsSummary(pdf), undefined);
  });
});

describe('checked before sending', () => {
  const refuses = (c: Content, o: Parameters<typeof applyMediaOptions>[1], facts: Parameters<typeof applyMediaOptions>[2], re: RegExp) =>
    assert.throws(
      () => applyMediaOptions(c, o, facts, 'file'),
      (e: unknown) => e instanceof MediaOptionsError && e instanceof AttachmentError && re.test(e.message),
    );

  test('a page range beyond the document, at either end', () => {
    refuses(pdf, { pages: '14-20' }, { pages: 12 }, /has 12 pages; the range 14-20 goes beyond its last page/);
    refuses(pdf, { pages: '10-13' }, { pages: 12 }, /has 12 pages/);
    refuses(pdf, { pages: '2' }, { pages: 1 }, /has 1 page/);
    assert.doesNotThrow(() => applyMediaOptions(pdf, { pages: '12' }, { pages: 12 }));
  });

  test('a page range that is no range', () => {
    refuses(pdf, { pages: '5-3' }, {}, /ends before it starts/);
    refuses(pdf, { pages: '0-3' }, {}, /counted from 1/);
    refuses(pdf, { pages: 'first' }, {}, /not a page range/);
    refuses(pdf, { pages: '1,3' }, {}, /not a page range/);
    assert.deepEqual(parsePages('2 – 4'), { start: 2, end: 4 });
  });

  test('a sheet the workbook does not have, cells that are not A1', () => {
    refuses(sheet, { sheet: 4 }, { sheets: 3 }, /has 3 sheets; there is no sheet 4/);
    refuses(sheet, { sheet: 0 }, {}, /counted from 1/);
    refuses(sheet, { sheet: 1.5 }, {}, /counted from 1/);
    refuses(sheet, { cells: 'A1:D' }, {}, /not a cell range/);
    refuses(sheet, { cells: 'D10:A1' }, {}, /top-left/);
    refuses(sheet, { cells: 'A1:B2:C3' }, {}, /not a cell range/);
  });

  test('a span that ends before it starts, an fps out of range, an unknown layer, an empty layer list', () => {
    refuses(audio, { start: '30s', end: '10s' }, {}, /ends \(10s\) before it starts \(30s\)/);
    refuses(audio, { end: '0' }, {}, /after the start/);
    refuses(video, { fps: 0 }, {}, /above 0/);
    refuses(video, { fps: 120 }, {}, /at most 60/);
    refuses(video, { videoLayers: ['smell'] }, {}, /smell is not a video layer/);
    refuses(pdf, { pageLayers: [] }, {}, /at least one/);
    refuses(pdf, { resolution: 'huge' }, {}, /resolution must be one of/);
  });

  test('options a kind does not take are refused, never dropped', () => {
    refuses(audio, { pages: '1-2' }, {}, /does not take these options: pages/);
    refuses(audio, { fps: 2 }, {}, /fps/);
    refuses(pdf, { sheet: 1 }, {}, /sheet/);
    refuses(sheet, { pages: '1' }, {}, /pages/);
    refuses({ type: 'image', data: 'x', mime_type: 'image/png' }, { pages: '1' }, {}, /pages/);
    refuses({ type: 'text', text: 'x' }, { start: '1' }, {}, /start/);
  });

  test('the webview message carries only option shapes', () => {
    assert.deepEqual(cleanMediaOptions({ pages: '1-2', sheet: 2, pageLayers: ['page_text'] }), { pages: '1-2', sheet: 2, pageLayers: ['page_text'] });
    assert.deepEqual(cleanMediaOptions({ pages: '  ' }), {});
    for (const bad of [{ pages: 3 }, { sheet: '2' }, { pageLayers: 'page_text' }, { evil: 1 }, { pages: 'x'.repeat(101) }, null, []]) {
      assert.equal(cleanMediaOptions(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(parseWebviewMessage({ type: 'attachmentOptions', id: 'a', options: { fps: Infinity } }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'attachmentOptions', id: 'a', options: {} }), { type: 'attachmentOptions', id: 'a', options: {} });
  });
});

describe('what is known of a real file', () => {
  test('the pages of a PDF, with and without object streams', async () => {
    assert.deepEqual(await mediaFacts(await pdfWith(7, true), PDF), { pages: 7 });
    assert.deepEqual(await mediaFacts(await pdfWith(1, false), PDF), { pages: 1 });
  });

  test('the slides of a PowerPoint file and the sheets of a workbook', async () => {
    const pptx = zip({ '[Content_Types].xml': '<Types/>', 'ppt/slides/slide1.xml': '<p/>', 'ppt/slides/slide2.xml': '<p/>', 'ppt/slides/_rels/slide1.xml.rels': '<r/>' });
    assert.deepEqual(await mediaFacts(pptx, PPTX), { pages: 2 });
    const workbook =
      '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId2"/><sheet name="C" sheetId="3" r:id="rId3"/></sheets></workbook>';
    assert.deepEqual(await mediaFacts(zip({ 'xl/workbook.xml': workbook, 'xl/worksheets/sheet1.xml': '<x/>' }), XLSX), { sheets: 3 });
    assert.deepEqual(await mediaFacts(zip({ 'xl/workbook.xml': workbook }, false), XLSX), { sheets: 3 });
  });

  test('a damaged or foreign file yields no facts (and no error): the API judges it', async () => {
    assert.deepEqual(await mediaFacts(Buffer.from('%PDF-1.7 garbage'), PDF), {});
    assert.deepEqual(await mediaFacts(Buffer.from('not a zip at all'), XLSX), {});
    const real = await pdfWith(3, true);
    assert.deepEqual(await mediaFacts(real.subarray(0, real.length / 2), PDF), {});
  });
});
