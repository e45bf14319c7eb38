/**
 * How one journal record is written on its line: the record's JSON, a tab, and the CRC-32 of the
 * JSON in 8 hex digits. JSON never holds a raw tab or newline, so a record is one line, and a
 * record that a crash, a full disk or a bad sector tore or changed is recognised (its checksum
 * fails) and costs only itself: the next line is the next record. Lines without a checksum (files
 * written before it existed) are taken when they parse.
 */
import * as zlib from 'node:zlib';

/** CRC-32 (IEEE), from zlib when this Node has it (20.15+, 22.2+), else a table. */
const nativeCrc = (zlib as unknown as { crc32?: (data: string | Uint8Array) => number }).crc32;
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

export function crc32(text: string): number {
  if (nativeCrc) return nativeCrc(text) >>> 0;
  table ??= crcTable();
  const bytes = Buffer.from(text, 'utf8');
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** One record's line (without the newline). */
export function frameLine(json: string): string {
  return `${json}\t${hex8(crc32(json))}`;
}

/** A line's record, or undefined when the line is damaged (its checksum fails, or an old line without one does not parse). */
export function parseLine<T>(line: string): T | undefined {
  const tab = line.length - 9;
  let body = line;
  if (tab > 0 && line.charCodeAt(tab) === 9) {
    body = line.slice(0, tab);
    if (hex8(crc32(body)) !== line.slice(tab + 1)) return undefined;
  } else if (line.includes('\t')) return undefined;
  try {
    return JSON.parse(body) as T;
  } catch {
    return undefined;
  }
}
