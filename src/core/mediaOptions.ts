/**
 * Media processing options (§6.1 of the protocol reference), set from an attachment's chip: which
 * pages of a paginated document and in which layers, which sheet and cells of a spreadsheet, which
 * span of a recording, which layers of a video, and the document's resolution. Each is checked
 * before anything is sent, against what is known of the file (its pages, its sheets), and turned
 * into the `processing` / `resolution` fields of its content item.
 */
import type { AudioContent, Content, DocumentContent, DocumentProcessing, VideoContent } from './protocol/types';
import { MEDIA_RESOLUTIONS, PAGE_LAYERS, SHEET_LAYERS, VIDEO_LAYERS, type MediaFamily, type MediaOptions } from '../shared/protocol';
import { l10n } from '../shared/l10n';
import { AttachmentError } from './attachments';

/** What is known of a file, for the bounds checks (absent: not known, not checked). */
export interface MediaFacts {
  pages?: number;
  sheets?: number;
}

const SPREADSHEET = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
  'application/vnd.oasis.opendocument.spreadsheet',
  'text/csv',
]);

/** Which options a content item takes. */
export function mediaFamily(content: Content): MediaFamily | undefined {
  const mime = ('mime_type' in content ? (content.mime_type ?? '') : '').toLowerCase();
  if (content.type === 'audio') return 'audio';
  if (content.type === 'video') return 'video';
  if (content.type !== 'document') return undefined;
  if (SPREADSHEET.has(mime)) return 'spreadsheet';
  // A document of another type (or of none given, by link) is treated as paginated.
  return 'paginated';
}

/** An option the user set that cannot be sent, with the reason (an AttachmentError: shown, nothing sent). */
export class MediaOptionsError extends AttachmentError {}

/** "3-5", "3–5", "3" or "3-": 1-indexed, inclusive. */
export function parsePages(text: string): { start: number; end?: number } {
  const m = /^\s*(\d{1,6})\s*(?:([-–—]|to|\.\.)\s*(\d{1,6})?\s*)?$/.exec(text);
  if (!m) throw new MediaOptionsError(l10n.t('“{0}” is not a page range. Write pages like 3-5, 3 or 3- (to the end).', text.trim()));
  const start = Number(m[1]);
  const end = m[2] ? (m[3] ? Number(m[3]) : undefined) : start;
  if (start < 1) throw new MediaOptionsError(l10n.t('Pages are counted from 1.'));
  if (end !== undefined && end < start) throw new MediaOptionsError(l10n.t('The page range {0} ends before it starts.', text.trim()));
  return { start, end };
}

/**
 * A time in a recording: "90", "90s", "10.5s", "1:30", "1:02:03", "2m", "1h2m3s". Returns seconds.
 */
export function parseOffset(text: string): number {
  const t = text.trim().toLowerCase();
  let s: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:\.\d+)?)\s*s?$/.exec(t))) s = Number(m[1]);
  else if ((m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t))) {
    const [h, mi, se] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
    if (se < 60 && (m[1] === undefined || mi < 60)) s = h * 3600 + mi * 60 + se;
  } else if ((m = /^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s)?$/.exec(t)) && (m[1] || m[2] || m[3])) {
    s = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  }
  if (s === undefined || !Number.isFinite(s)) throw new MediaOptionsError(l10n.t('“{0}” is not a time. Write times like 90, 10.5s, 1:30 or 1h2m.', text.trim()));
  return s;
}

/** The wire form of an offset: seconds with an `s` (`"10.5s"`). */
export function offsetText(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

/** A1 notation: a cell or a range of cells ("A1:D10", "$B$2"). */
const CELL = /^\$?([A-Za-z]{1,3})\$?([1-9]\d{0,6})$/;
function column(letters: string): number {
  let n = 0;
  for (const c of letters.toUpperCase()) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}
export function checkCells(text: string): string {
  const parts = text.trim().split(':');
  const cells = parts.map((p) => CELL.exec(p.trim()));
  if (parts.length > 2 || cells.some((c) => !c)) throw new MediaOptionsError(l10n.t('“{0}” is not a cell range. Write cells in A1 notation, like A1:D10.', text.trim()));
  if (cells.length === 2) {
    const [a, b] = cells as RegExpExecArray[];
    if (column(a[1]!) > column(b[1]!) || Number(a[2]) > Number(b[2])) {
      throw new MediaOptionsError(l10n.t('The cell range {0} must go from its top-left cell to its bottom-right one.', text.trim()));
    }
  }
  return parts.map((p) => p.trim().toUpperCase()).join(':');
}

function layers<T extends string>(list: readonly string[] | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (list === undefined) return undefined;
  const bad = list.filter((l) => !(allowed as readonly string[]).includes(l));
  if (bad.length) throw new MediaOptionsError(l10n.t('{0} is not a {1} layer (one of: {2}).', bad.join(', '), what, allowed.join(', ')));
  if (!list.length) throw new MediaOptionsError(l10n.t('Choose at least one {0} layer, or clear the layers to use the default.', what));
  return [...new Set(list)] as T[];
}

/**
 * The content item with the options applied, or a MediaOptionsError saying what is wrong. Options
 * the item's family does not take are an error too (never dropped silently).
 */
export function applyMediaOptions(content: Content, options: MediaOptions | undefined, facts: MediaFacts = {}, name = ''): Content {
  const family = mediaFamily(content);
  const o = options ?? {};
  const set = (k: keyof MediaOptions) => o[k] !== undefined && o[k] !== '';
  const base = { ...content } as Content & { processing?: unknown; resolution?: unknown };
  delete base.processing;
  if (content.type === 'document') delete base.resolution;
  const refuse = (keys: Array<keyof MediaOptions>) => {
    const extra = keys.filter(set);
    if (extra.length) throw new MediaOptionsError(l10n.t('“{0}” does not take these options: {1}.', name, extra.join(', ')));
  };
  if (!family) {
    refuse(Object.keys(o) as Array<keyof MediaOptions>);
    return content;
  }
  if (family === 'paginated' || family === 'spreadsheet') {
    refuse(['start', 'end', 'fps', 'videoLayers']);
    const doc = base as DocumentContent;
    if (set('resolution')) {
      if (!(MEDIA_RESOLUTIONS as readonly string[]).includes(o.resolution!))
        throw new MediaOptionsError(l10n.t('The resolution must be one of: {0}.', MEDIA_RESOLUTIONS.join(', ')));
      doc.resolution = o.resolution;
    }
    const processing: Exclude<DocumentProcessing, string> = { type: 'static' };
    if (family === 'paginated') {
      refuse(['sheet', 'cells', 'sheetLayers']);
      const pageLayers = layers(o.pageLayers, PAGE_LAYERS, l10n.t('page'));
      if (set('pages') || pageLayers) {
        const range = set('pages') ? parsePages(o.pages!) : undefined;
        if (range && facts.pages !== undefined) {
          if (range.start > facts.pages || (range.end ?? range.start) > facts.pages) {
            throw new MediaOptionsError(
              facts.pages === 1
                ? l10n.t('“{0}” has 1 page; the range {1} goes beyond it.', name, o.pages!.trim())
                : l10n.t('“{0}” has {1} pages; the range {2} goes beyond its last page.', name, facts.pages, o.pages!.trim()),
            );
          }
        }
        processing.page_options = {
          ...(range ? { start_page: range.start, ...(range.end !== undefined ? { end_page: range.end } : {}) } : {}),
          ...(pageLayers ? { content_layers: pageLayers } : {}),
        };
      }
    } else {
      refuse(['pages', 'pageLayers']);
      const sheetLayers = layers(o.sheetLayers, SHEET_LAYERS, l10n.t('spreadsheet'));
      if (set('sheet') || set('cells') || sheetLayers) {
        const sheet = o.sheet;
        if (sheet !== undefined && (!Number.isInteger(sheet) || sheet < 1)) throw new MediaOptionsError(l10n.t('Sheets are counted from 1 in workbook order.'));
        if (sheet !== undefined && facts.sheets !== undefined && sheet > facts.sheets) {
          throw new MediaOptionsError(
            facts.sheets === 1
              ? l10n.t('“{0}” has 1 sheet; there is no sheet {1}.', name, sheet)
              : l10n.t('“{0}” has {1} sheets; there is no sheet {2}.', name, facts.sheets, sheet),
          );
        }
        processing.spreadsheet_options = {
          ...(sheet !== undefined ? { sheet_index: sheet } : {}),
          ...(set('cells') ? { visible_cells: checkCells(o.cells!) } : {}),
          ...(sheetLayers ? { content_layers: sheetLayers } : {}),
        };
      }
    }
    if (processing.page_options || processing.spreadsheet_options) doc.processing = processing;
    return doc;
  }
  refuse(['pages', 'pageLayers', 'sheet', 'cells', 'sheetLayers', 'resolution']);
  if (family === 'audio') refuse(['fps', 'videoLayers']);
  const start = set('start') ? parseOffset(o.start!) : undefined;
  const end = set('end') ? parseOffset(o.end!) : undefined;
  if (end !== undefined && end <= 0) throw new MediaOptionsError(l10n.t('The end of the span must be after the start of the recording.'));
  if (start !== undefined && end !== undefined && end <= start) throw new MediaOptionsError(l10n.t('The span ends ({0}) before it starts ({1}).', o.end!.trim(), o.start!.trim()));
  const span = { ...(start !== undefined ? { start_offset: offsetText(start) } : {}), ...(end !== undefined ? { end_offset: offsetText(end) } : {}) };
  if (family === 'audio') {
    if (start !== undefined || end !== undefined) (base as AudioContent).processing = { type: 'static', ...span };
    return base;
  }
  const fps = o.fps;
  if (fps !== undefined && (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0 || fps > 60)) {
    throw new MediaOptionsError(l10n.t('Frames per second must be a number above 0 and at most 60.'));
  }
  const videoLayers = layers(o.videoLayers, VIDEO_LAYERS, l10n.t('video'));
  if (start !== undefined || end !== undefined || fps !== undefined || videoLayers) {
    (base as VideoContent).processing = { type: 'static', ...span, ...(fps !== undefined ? { fps } : {}), ...(videoLayers ? { content_layers: videoLayers } : {}) };
  }
  return base;
}

/** A short line for the chip: "pp. 3–5 · text", "0:10–0:30". */
export function optionsSummary(content: Content): string | undefined {
  const parts: string[] = [];
  const p = (content as { processing?: unknown }).processing;
  const time = (s: string | undefined) => {
    if (!s) return '';
    const n = parseFloat(s);
    const m = Math.floor(n / 60);
    const sec = n - m * 60;
    return `${m}:${sec < 10 ? '0' : ''}${Number(sec.toFixed(2))}`;
  };
  if (p && typeof p === 'object') {
    const o = p as {
      page_options?: { start_page?: number; end_page?: number; content_layers?: string[] };
      spreadsheet_options?: { sheet_index?: number; visible_cells?: string; content_layers?: string[] };
      start_offset?: string;
      end_offset?: string;
      fps?: number;
      content_layers?: string[];
    };
    if (o.page_options) {
      const { start_page: a, end_page: b, content_layers: l } = o.page_options;
      if (a !== undefined) parts.push(b === a ? l10n.t('p. {0}', a) : b === undefined ? l10n.t('pp. {0}–end', a) : l10n.t('pp. {0}–{1}', a, b));
      if (l) parts.push(l.join('+'));
    }
    if (o.spreadsheet_options) {
      const { sheet_index: s, visible_cells: c, content_layers: l } = o.spreadsheet_options;
      if (s !== undefined) parts.push(l10n.t('sheet {0}', s));
      if (c) parts.push(c);
      if (l) parts.push(l.join('+'));
    }
    if (o.start_offset || o.end_offset) parts.push(`${time(o.start_offset) || '0:00'}–${time(o.end_offset) || l10n.t('end')}`);
    if (o.fps !== undefined) parts.push(l10n.t('{0} fps', o.fps));
    if (o.content_layers) parts.push(o.content_layers.join('+'));
  }
  const r = content.type === 'document' ? content.resolution : undefined;
  if (r) parts.push(l10n.t('{0} resolution', r));
  return parts.length ? parts.join(' · ') : undefined;
}
