/** A small line diff (unified format) for showing proposed edits before they are applied. */

function lcsDiff(a: string[], b: string[]): Array<[' ' | '-' | '+', string]> {
  const n = a.length;
  const m = b.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push([' ', a[i]!]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) out.push(['-', a[i++]!]);
    else out.push(['+', b[j++]!]);
  }
  while (i < n) out.push(['-', a[i++]!]);
  while (j < m) out.push(['+', b[j++]!]);
  return out;
}

/** Unified diff of two texts with `context` lines around each change. */
export function unifiedDiff(oldText: string, newText: string, name: string, context = 3): string {
  if (oldText === newText) return '';
  const a = oldText.split('\n');
  const b = newText.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const mid: Array<[' ' | '-' | '+', string]> =
    midA.length * midB.length <= 4_000_000 ? lcsDiff(midA, midB) : [...midA.map((l) => ['-', l] as ['-', string]), ...midB.map((l) => ['+', l] as ['+', string])];
  const lines: Array<[' ' | '-' | '+', string]> = [
    ...a.slice(0, pre).map((l) => [' ', l] as [' ', string]),
    ...mid,
    ...a.slice(a.length - suf).map((l) => [' ', l] as [' ', string]),
  ];
  // Group into hunks.
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let k = 0;
  let oldLine = 1;
  let newLine = 1;
  const pos: Array<[number, number]> = lines.map(([op]) => {
    const p: [number, number] = [oldLine, newLine];
    if (op !== '+') oldLine++;
    if (op !== '-') newLine++;
    return p;
  });
  while (k < lines.length) {
    while (k < lines.length && lines[k]![0] === ' ') k++;
    if (k >= lines.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    for (let gap = 0; end < lines.length; end++) {
      if (lines[end]![0] === ' ') {
        gap++;
        if (gap > context * 2) {
          end -= context;
          break;
        }
      } else gap = 0;
    }
    end = Math.min(lines.length, end);
    const hunk = lines.slice(start, end);
    const oldCount = hunk.filter(([op]) => op !== '+').length;
    const newCount = hunk.filter(([op]) => op !== '-').length;
    out.push(`@@ -${pos[start]![0]},${oldCount} +${pos[start]![1]},${newCount} @@`);
    for (const [op, text] of hunk) out.push(op + text);
    k = end;
  }
  return out.join('\n');
}
