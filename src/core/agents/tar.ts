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

function header(name: string, size: number, type: string, mode: number, mtime: number, link = ''): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string | Uint8Array, off: number, len: number) => h.set((typeof s === 'string' ? enc.encode(s) : s).subarray(0, len), off);
  put(name, 0, 100);
  put(octal(mode & 0o7777, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.max(0, Math.floor(mtime)), 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put(link, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(octal(sum, 7) + ' ', 148, 8);
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

export function writeTar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const name = e.type === 'directory' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
    const nameBytes = enc.encode(name);
    const linkBytes = enc.encode(e.linkTarget ?? '');
    const mtime = e.mtime ?? Math.floor(Date.now() / 1000);
    if (nameBytes.length > 100 || linkBytes.length > 100) {
      const pax = enc.encode(paxRecord('path', name) + (linkBytes.length > 100 ? paxRecord('linkpath', e.linkTarget!) : ''));
      parts.push(header('PaxHeader', pax.length, 'x', 0o644, mtime), pax, pad(pax.length));
    }
    const shortName = nameBytes.length > 100 ? name.slice(-99) : name;
    const data = e.type === 'file' ? (e.data ?? new Uint8Array()) : new Uint8Array();
    const type = e.type === 'file' ? '0' : e.type === 'symlink' ? '2' : '5';
    parts.push(header(shortName, data.length, type, e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), mtime, (e.linkTarget ?? '').slice(0, 100)));
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
