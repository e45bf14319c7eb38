/**
 * Attachments: files, selections, images and documents turned into content items with the right
 * `mime_type`, with sizes checked before anything is sent.
 */
import type { Content } from './protocol/types';
import type { MediaOptions } from '../shared/protocol';
import { l10n } from '../shared/l10n';

export interface Attachment {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  kind: AttachmentKind;
  content: Content;
  /** Processing options set from the chip (already applied to `content`). */
  options?: MediaOptions;
  /** What is known of the file (its pages or sheets), for checking the options. */
  facts?: { pages?: number; sheets?: number };
}

export type AttachmentKind = 'file' | 'selection' | 'image' | 'document' | 'audio' | 'video' | 'url';
/** What a URL attachment is sent as. */
export type UrlMediaKind = 'image' | 'audio' | 'video' | 'document';

const IMAGE: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  heic: 'image/heic',
  heif: 'image/heif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};
const DOCUMENT: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppt: 'application/vnd.ms-powerpoint',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};
const AUDIO: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  aiff: 'audio/aiff',
  aif: 'audio/aiff',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/m4a',
  opus: 'audio/opus',
};
const VIDEO: Record<string, string> = {
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
  mpeg: 'video/mpeg',
  mpg: 'video/mpg',
  avi: 'video/avi',
  flv: 'video/x-flv',
  wmv: 'video/wmv',
  '3gp': 'video/3gpp',
};
/** Audio and video types Gemini reads inline (the API's list, with the names browsers and OSes also use). */
const MEDIA_MIMES = new Set([
  ...Object.values(AUDIO),
  ...Object.values(VIDEO),
  'audio/mpeg',
  'audio/x-wav',
  'audio/wave',
  'audio/x-aiff',
  'audio/x-flac',
  'audio/mp4',
  'audio/x-m4a',
  'audio/webm',
  'video/quicktime',
  'video/x-msvideo',
  'video/x-ms-wmv',
]);

export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? m[1]!.toLowerCase() : '';
}

export function mimeFor(name: string, fallback = 'application/octet-stream'): string {
  const ext = extensionOf(name);
  return IMAGE[ext] ?? DOCUMENT[ext] ?? AUDIO[ext] ?? VIDEO[ext] ?? fallback;
}

const MIME_ALIASES: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-aiff': 'aiff',
  'audio/x-flac': 'flac',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/webm': 'webm',
  'video/quicktime': 'mov',
  'video/x-msvideo': 'avi',
  'video/x-ms-wmv': 'wmv',
};

export function mimeToExtension(mime: string): string {
  if (MIME_ALIASES[mime]) return MIME_ALIASES[mime];
  for (const table of [IMAGE, DOCUMENT, AUDIO, VIDEO]) for (const [ext, m] of Object.entries(table)) if (m === mime) return ext;
  return 'bin';
}

/** Whether bytes look like text (no NUL in the first 8 KB, valid-ish UTF-8). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n));
    return true;
  } catch {
    // A multi-byte character cut at the 8 KB boundary is fine.
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, n - 4)));
      return true;
    } catch {
      return false;
    }
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return l10n.t('{0} KB', (n / 1024).toFixed(1));
  if (n < 1024 * 1024 * 1024) return l10n.t('{0} MB', (n / 1024 / 1024).toFixed(1));
  return l10n.t('{0} GB', (n / 1024 / 1024 / 1024).toFixed(2));
}

export class AttachmentError extends Error {}

/** Build an attachment from file bytes; throws AttachmentError with a clear message. */
export function attachmentFromBytes(id: string, name: string, bytes: Uint8Array, opts: { maxBytes: number; mimeType?: string; languageId?: string }): Attachment {
  const mime = (opts.mimeType && opts.mimeType !== 'application/octet-stream' ? opts.mimeType : mimeFor(name)).toLowerCase().split(';')[0]!.trim();
  const media = mime.startsWith('audio/') || mime.startsWith('video/');
  if (bytes.length > opts.maxBytes) {
    throw new AttachmentError(
      media
        ? l10n.t(
            '“{0}” is {1}; a recording sent with the message is limited to {2} (setting “gemini.attachments.maxBytes”). Attach a longer one by its URL instead.',
            name,
            formatBytes(bytes.length),
            formatBytes(opts.maxBytes),
          )
        : l10n.t('“{0}” is {1}; attachments are limited to {2} (setting “gemini.attachments.maxBytes”).', name, formatBytes(bytes.length), formatBytes(opts.maxBytes)),
    );
  }
  if (media && !MEDIA_MIMES.has(mime))
    throw new AttachmentError(
      l10n.t('“{0}” is {1}, a format Gemini does not read. Audio: WAV, MP3, AIFF, AAC, OGG, FLAC. Video: MP4, MPEG, MOV, AVI, FLV, WebM, WMV, 3GP.', name, mime),
    );
  const ext = extensionOf(name);
  if (mime.startsWith('image/') && (IMAGE[ext] || opts.mimeType?.startsWith('image/'))) {
    return { id, name, mimeType: mime, size: bytes.length, kind: 'image', content: { type: 'image', data: toBase64(bytes), mime_type: mime } };
  }
  if (Object.values(DOCUMENT).includes(mime) && mime !== 'text/csv') {
    return { id, name, mimeType: mime, size: bytes.length, kind: 'document', content: { type: 'document', data: toBase64(bytes), mime_type: mime } };
  }
  if (mime.startsWith('audio/')) return { id, name, mimeType: mime, size: bytes.length, kind: 'audio', content: { type: 'audio', data: toBase64(bytes), mime_type: mime } };
  if (mime.startsWith('video/')) return { id, name, mimeType: mime, size: bytes.length, kind: 'video', content: { type: 'video', data: toBase64(bytes), mime_type: mime } };
  if (!looksLikeText(bytes)) {
    throw new AttachmentError(l10n.t('“{0}” is a binary file of a type Gemini cannot read ({1}). Attach text, images, PDFs or office documents.', name, mime));
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  return { id, name, mimeType: 'text/plain', size: bytes.length, kind: 'file', content: { type: 'text', text: fileBlock(name, text, opts.languageId ?? ext) } };
}

export function fileBlock(path: string, text: string, language: string, range?: { start: number; end: number }): string {
  const fence = text.includes('```') ? '~~~~' : '```';
  const where = range ? `${path} (lines ${range.start}-${range.end})` : path;
  return `File: ${where}\n${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

export function selectionAttachment(id: string, path: string, text: string, languageId: string, range: { start: number; end: number }, maxBytes: number): Attachment {
  const size = Buffer.byteLength(text);
  if (size > maxBytes) throw new AttachmentError(l10n.t('The selection is {0}; attachments are limited to {1}.', formatBytes(size), formatBytes(maxBytes)));
  return {
    id,
    name: `${path.split('/').pop()}:${range.start}-${range.end}`,
    mimeType: 'text/plain',
    size,
    kind: 'selection',
    content: { type: 'text', text: fileBlock(path, text, languageId, range) },
  };
}

/** Check the total before sending. */
export function checkTotal(attachments: Attachment[], maxTotal: number): void {
  const total = attachments.reduce((n, a) => n + a.size, 0);
  if (total > maxTotal) {
    throw new AttachmentError(l10n.t('The attachments add up to {0}; one message can carry at most {1}. Remove some attachments.', formatBytes(total), formatBytes(maxTotal)));
  }
}

/** The media kind a URL's path names by its extension (`.mp3` → audio), if any. */
export function urlMediaKind(url: string): { kind: UrlMediaKind; mimeType: string } | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const ext = extensionOf(path);
  if (IMAGE[ext]) return { kind: 'image', mimeType: IMAGE[ext] };
  if (AUDIO[ext]) return { kind: 'audio', mimeType: AUDIO[ext] };
  if (VIDEO[ext]) return { kind: 'video', mimeType: VIDEO[ext] };
  if (DOCUMENT[ext]) return { kind: 'document', mimeType: DOCUMENT[ext] };
  return undefined;
}

/**
 * A URL attachment (seed 000 §5: audio by `uri`): sent as `{type, uri, mime_type}` and fetched by
 * the API, not by this editor. http(s) and the API's `gs://` file URIs only; no credentials in it.
 */
export function urlAttachment(id: string, url: string, as?: { kind: UrlMediaKind; mimeType?: string }): Attachment {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new AttachmentError(l10n.t('That is not a URL.'));
  }
  if (!['https:', 'http:', 'gs:'].includes(u.protocol)) throw new AttachmentError(l10n.t('Only https://, http:// and gs:// URLs can be attached (not {0}).', u.protocol));
  if (u.username || u.password) throw new AttachmentError(l10n.t('The URL holds a user name or password: the model would see it. Share a link without credentials.'));
  const known = urlMediaKind(u.href);
  const kind = as?.kind ?? known?.kind;
  if (!kind) throw new AttachmentError(l10n.t('Say what the URL points to (image, audio, video or document).'));
  const mimeType = as?.mimeType ?? (known?.kind === kind ? known.mimeType : undefined);
  const name = decodeURIComponent(u.pathname.split('/').pop() || u.host) || u.href;
  const content = { type: kind, uri: u.href, ...(mimeType ? { mime_type: mimeType } : {}) } as Content;
  return { id, name: l10n.t('{0} (URL)', name), mimeType: mimeType ?? '', size: 0, kind: 'url', content };
}
