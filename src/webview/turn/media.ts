/** Images, audio and video in a turn: players from the bytes in the conversation (blob: URLs, nothing remote). */
import type { WireContent } from '../../shared/protocol';
import { revealAnswerText } from '../../shared/hidden';
import { l10n } from '../../shared/l10n';
import { h, str } from '../dom';

export const IMAGE_MIME = /^image\/(png|jpeg|webp|gif|bmp)$/;
/** Audio and video the page plays (from bytes in the conversation, as blob: URLs; nothing remote). */
const AUDIO_MIME = /^audio\/(wav|x-wav|wave|mp3|mpeg|aac|ogg|flac|x-flac|mp4|m4a|x-m4a|webm|opus)$/;
const VIDEO_MIME = /^video\/(mp4|webm|ogg|quicktime|mov)$/;

/** An `<audio>` or `<video>` player for inline media bytes, or undefined when the page cannot play them. */
export function mediaPlayer(type: string, mime: string, data: string, label: string): HTMLMediaElement | undefined {
  const playable = type === 'audio' ? AUDIO_MIME.test(mime) : type === 'video' ? VIDEO_MIME.test(mime) : false;
  if (!playable || !data || !/^[A-Za-z0-9+/=\s]+$/.test(data.slice(0, 4096))) return undefined;
  const bytes = () => {
    const bin = atob(data.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };
  const el = document.createElement(type === 'audio' ? 'audio' : 'video');
  el.controls = true;
  el.preload = 'metadata';
  el.className = `media-player ${type}-player`;
  el.setAttribute('aria-label', label);
  try {
    el.src = blobUrl(data, () => new Blob([bytes().buffer as ArrayBuffer], { type: mime }));
  } catch {
    return undefined; // not base64 after all
  }
  return el;
}

/** blob: URLs of media bytes, reused when a turn renders again; the oldest are released past a few dozen. */
const blobUrls = new Map<string, string>();
function blobUrl(data: string, make: () => Blob): string {
  const known = blobUrls.get(data);
  if (known) return known;
  const url = URL.createObjectURL(make());
  blobUrls.set(data, url);
  if (blobUrls.size > 32) {
    const [oldest, old] = blobUrls.entries().next().value as [string, string];
    blobUrls.delete(oldest);
    URL.revokeObjectURL(old);
  }
  return url;
}

/**
 * What the user sent besides text, as it went: an image as a thumbnail, audio and video as a
 * player, a URL as the link it is, anything else as its type.
 */
export function inputPreview(c: WireContent): HTMLElement {
  const type = str(c.type);
  const mime = str(c.mime_type);
  const data = str(c.data);
  if (type === 'image' && data && IMAGE_MIME.test(mime)) {
    const img = h('img', 'input-thumb');
    img.src = `data:${mime};base64,${data}`;
    img.alt = l10n.t('Attached image');
    return img;
  }
  if ((type === 'audio' || type === 'video') && data) {
    const player = mediaPlayer(type, mime, data, type === 'audio' ? l10n.t('Attached audio') : l10n.t('Attached video'));
    if (player) return player;
  }
  const chip = h('span', 'chip', `${type}${mime ? ` · ${mime}` : ''}`);
  if (c.uri) {
    chip.classList.add('chip-url');
    chip.appendChild(document.createTextNode(` · ${revealAnswerText(str(c.uri))}`));
  }
  return chip;
}
