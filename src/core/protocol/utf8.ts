/**
 * Annotation offsets are UTF-8 byte offsets ("measured in bytes", end exclusive). JavaScript
 * strings are indexed in UTF-16 code units. These helpers convert between the two.
 */

/** Number of UTF-8 bytes of the code point starting at `s[i]`, and how many UTF-16 units it spans. */
function step(s: string, i: number): [bytes: number, units: number] {
  const c = s.charCodeAt(i);
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return [4, 2];
  }
  return [3, 1];
}

/**
 * Map UTF-8 byte offsets to UTF-16 string indices in one pass. Offsets inside a multi-byte
 * character snap to the start of that character; offsets past the end clamp to `s.length`.
 */
export function byteOffsetsToIndices(s: string, offsets: readonly number[]): number[] {
  const order = offsets.map((o, k) => [o, k] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(offsets.length);
  let bytes = 0;
  let i = 0;
  for (const [offset, k] of order) {
    while (i < s.length) {
      const [b, u] = step(s, i);
      if (bytes + b > offset) break;
      bytes += b;
      i += u;
    }
    out[k] = offset <= 0 ? 0 : i;
  }
  return out;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length;) {
    const [b, u] = step(s, i);
    n += b;
    i += u;
  }
  return n;
}
