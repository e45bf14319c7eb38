/**
 * A small ustar writer and reader (PAX headers for long paths). The snapshot sent to a remote
 * agent is a tar the environment-files API unpacks (`extract=true`); the same tar, kept locally,
 * is the base of the three-way comparison when the results come home.
 */

export interface TarEntry {
  path: string;
  type: 'file' | 'symlink' | 'directory';
  data?: Uint8Array;
  linkTarget?: string;
  mode?: number;
  mtime?: number; // seconds
}

const enc = new TextEncoder();

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** ASCII text into `h` at `off`, at most `len` bytes (the fixed fields: digits and magic). */
function ascii(h: Uint8Array, s: string, off: number, len: number): void {
  const n = Math.min(s.length, len);
  for (let i = 0; i < n; i++) h[off + i] = s.charCodeAt(i);
}

/** A ustar header written into `h` (512 bytes, cleared first). */
function headerInto(h: Uint8Array, name: string, size: number, type: string, mode: number, mtime: number, link = ''): void {
  h.fill(0, 0, 512);
  // Names as UTF-8, cut at a character boundary.
  enc.encodeInto(name, h.subarray(0, 100));
  ascii(h, octal(mode & 0o7777, 8), 100, 8);
  ascii(h, octal(0, 8), 108, 8);
  ascii(h, octal(0, 8), 116, 8);
  ascii(h, octal(size, 12), 124, 12);
  ascii(h, octal(Math.max(0, Math.floor(mtime)), 12), 136, 12);
  ascii(h, '        ', 148, 8);
  ascii(h, type, 156, 1);
  enc.encodeInto(link, h.subarray(157, 257));
  ascii(h, 'ustar\0', 257, 6);
  ascii(h, '00', 263, 2);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  ascii(h, octal(sum, 7) + ' ', 148, 8);
}

function header(name: string, size: number, type: string, mode: number, mtime: number, link = ''): Uint8Array {
  const h = new Uint8Array(512);
  headerInto(h, name, size, type, mode, mtime, link);
  return h;
}

function pad(n: number): Uint8Array {
  const r = n % 512;
  return new Uint8Array(r === 0 ? 0 : 512 - r);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + enc.encode(body).length !== len) len = String(len).length + enc.encode(body).length;
  return `${len}${body}`;
}

type HeaderFields = { path: string; type: TarEntry['type']; size: number; mode: number; mtime: number; linkTarget?: string };

const PRINTABLE = /^[\x20-\x7e]*$/;
const TYPE_FLAG = { file: '0', symlink: '2', directory: '5' } as const;

function nameOf(e: HeaderFields): string {
  return e.type === 'directory' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
}

/** A name and link that fit ustar's fields as they are (printable ASCII, 100 bytes): no pax header. */
function plain(e: HeaderFields): boolean {
  const name = nameOf(e);
  const link = e.linkTarget ?? '';
  return name.length <= 100 && link.length <= 100 && PRINTABLE.test(name) && PRINTABLE.test(link);
}

/**
 * The header blocks of one entry: a pax header first when the name or link target does not fit
 * ustar's 100 bytes or is not printable ASCII (so every reader decodes it the same), then the
 * ustar header.
 */
export function entryHeader(e: HeaderFields): Uint8Array {
  const name = nameOf(e);
  const link = e.linkTarget ?? '';
  const type = TYPE_FLAG[e.type];
  if (plain(e)) return header(name, e.size, type, e.mode, e.mtime, link);
  const pax = enc.encode(paxRecord('path', name) + (link.length > 100 || !PRINTABLE.test(link) ? paxRecord('linkpath', link) : ''));
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '_');
  const parts = [
    header('PaxHeader', pax.length, 'x', 0o644, e.mtime),
    pax,
    pad(pax.length),
    header(ascii(name).slice(-99), e.size, type, e.mode, e.mtime, ascii(link).slice(0, 100)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** How many bytes `entryHeader` gives for these fields. */
export function entryHeaderBytes(e: HeaderFields): number {
  return plain(e) ? 512 : entryHeader(e).length;
}

/** The header blocks written into `target` at `off` (no allocation for a plain name); returns their length. */
export function writeEntryHeader(target: Uint8Array, off: number, e: HeaderFields): number {
  if (plain(e)) {
    headerInto(target.subarray(off, off + 512), nameOf(e), e.size, TYPE_FLAG[e.type], e.mode, e.mtime, e.linkTarget ?? '');
    return 512;
  }
  const h = entryHeader(e);
  target.set(h, off);
  return h.length;
}

export function writeTar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? (e.data ?? new Uint8Array()) : new Uint8Array();
    parts.push(
      entryHeader({
        path: e.path,
        type: e.type,
        size: data.length,
        mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
        mtime: e.mtime ?? Math.floor(Date.now() / 1000),
        linkTarget: e.linkTarget,
      }),
    );
    if (data.length) parts.push(data, pad(data.length));
  }
  parts.push(new Uint8Array(1024));
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
}

const decoder = new TextDecoder();
function str(b: Uint8Array): string {
  const z = b.indexOf(0);
  return decoder.decode(z >= 0 ? b.subarray(0, z) : b);
}

export function readTar(tar: Uint8Array): TarEntry[] {
  return [...tarEntries(tar)];
}

function* tarEntries(tar: Uint8Array): Generator<TarEntry> {
  let off = 0;
  let pax: Record<string, string> = {};
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (isZeroBlock(h)) break;
    const size = parseInt(str(h.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 48);
    const prefix = str(h.subarray(345, 500));
    let name = str(h.subarray(0, 100));
    if (prefix && str(h.subarray(257, 263)).startsWith('ustar')) name = `${prefix}/${name}`;
    const data = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const text = new TextDecoder().decode(data);
      pax = {};
      for (const m of text.matchAll(/\d+ ([^=]+)=([^\n]*)\n/g)) pax[m[1]!] = m[2]!;
      continue;
    }
    if (type === 'g') continue;
    const path = (pax.path ?? name).replace(/\/$/, '');
    const mode = parseInt(str(h.subarray(100, 108)).trim() || '644', 8);
    const mtime = parseInt(str(h.subarray(136, 148)).trim() || '0', 8);
    const linkTarget = pax.linkpath ?? str(h.subarray(157, 257));
    pax = {};
    if (type === '0' || type === '\0' || type === '7') yield { path, type: 'file', data: new Uint8Array(data), mode, mtime };
    else if (type === '2') yield { path, type: 'symlink', linkTarget, mode, mtime };
    else if (type === '5') yield { path, type: 'directory', mode, mtime };
  }
}
