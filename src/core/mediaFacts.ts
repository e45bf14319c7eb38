/**
 * What is known of an attached document before it is sent: the pages of a PDF (pdf-lib), the
 * slides of a PowerPoint file and the sheets of an Excel workbook (their zip's entries, read with
 * yauzl). The extension loads this from its own bundle (dist/mediaFacts.js) only when an
 * attachment's options are set. A file that cannot be read yields no facts: its options are then
 * checked only for their form.
 */
import { PDFDocument } from 'pdf-lib';
import * as yauzl from 'yauzl';
import type { MediaFacts } from './mediaOptions';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** Read a zip's entries: names, and the text of the one named `want` (at most 4 MB). */
function zipEntries(bytes: Uint8Array, want?: string): Promise<{ names: string[]; text?: string }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const names: string[] = [];
      let text: string | undefined;
      zip.on('error', reject);
      zip.on('end', () => resolve({ names, text }));
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (entry.fileName !== want || entry.uncompressedSize > 4 * 1024 * 1024) return zip.readEntry();
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(e2 ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            text = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

export async function mediaFacts(bytes: Uint8Array, mimeType: string): Promise<MediaFacts> {
  try {
    if (mimeType === 'application/pdf') {
      const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
      return { pages: doc.getPageCount() };
    }
    if (mimeType === PPTX) {
      const { names } = await zipEntries(bytes);
      const slides = names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).length;
      return slides ? { pages: slides } : {};
    }
    if (mimeType === XLSX) {
      // Sheets in workbook order are the <sheet> elements of the workbook (worksheets and chart sheets).
      const { text } = await zipEntries(bytes, 'xl/workbook.xml');
      const sheets = text ? (text.match(/<(?:\w+:)?sheet\s/g) ?? []).length : 0;
      return sheets ? { sheets } : {};
    }
  } catch {
    // Unreadable here (damaged, encrypted, another flavour): the API will judge it.
  }
  return {};
}
