/** Shared by the workbench benchmarks: percentile stats, and a chat frame that records when each `[#nnnn]` marker arrives and shows. */
import type { Frame } from 'playwright-core';

export const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 'no samples';
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
  return `p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length})`;
};

export const p95 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
};

/** Records, in the chat frame, when each `[#nnnn]` marker first appears in the DOM, and when Enter was pressed. */
export async function watch(chat: Frame): Promise<void> {
  await chat.evaluate(() => {
    const w = window as unknown as { __seen: Record<string, number>; __arrived: Record<string, number>; __enter: number[] };
    w.__seen = {};
    w.__arrived = {};
    w.__enter = [];
    const now = () => performance.timeOrigin + performance.now();
    // When each marker reached the webview (a host message), before the page renders it.
    window.addEventListener(
      'message',
      (e) => {
        const t = now();
        const s = JSON.stringify(e.data);
        for (const m of s.matchAll(/\[#(\d{4})\]/g)) if (!(m[1]! in w.__arrived)) w.__arrived[m[1]!] = t;
      },
      true,
    );
    document.getElementById('input')!.addEventListener(
      'keydown',
      (e) => {
        if ((e as KeyboardEvent).key === 'Enter') w.__enter.push(now());
      },
      true,
    );
    new MutationObserver(() => {
      const turns = document.querySelectorAll('.turn');
      const out = turns[turns.length - 1]?.querySelector('.model-output');
      if (!out) return;
      const t = now();
      for (const m of out.textContent!.matchAll(/\[#(\d{4})\]/g)) if (!(m[1]! in w.__seen)) w.__seen[m[1]!] = t;
    }).observe(document.getElementById('log')!, { subtree: true, childList: true, characterData: true });
  });
}

/** `n` paced 16-character pieces, each starting with its marker (from `first`), in paragraphs and list items. */
export function markedText(n: number, first = 0): string {
  let body = '';
  for (let k = first; k < first + n; k++) {
    const tail = k % 10 === 4 ? '.\n\n- item' : k % 10 === 7 ? ' end.\n\nP' : ' lorem ip';
    body += `[#${String(k).padStart(4, '0')}]${tail.padEnd(9, ' ').slice(0, 9)}`;
  }
  return body;
}

/** The markers seen in `chat` so far: when each reached the webview and when it showed. */
export async function markers(chat: Frame): Promise<{ seen: Record<string, number>; arrived: Record<string, number> }> {
  return chat.evaluate(() => {
    const w = window as unknown as { __seen: Record<string, number>; __arrived: Record<string, number> };
    return { seen: w.__seen, arrived: w.__arrived };
  });
}

/** When the fake server wrote each `[#nnnn]` marker (its first write). */
export function markerWrites(fake: { onWrite?: (piece: Buffer, at: number) => void }): Map<string, number> {
  const written = new Map<string, number>();
  fake.onWrite = (piece, at) => {
    for (const m of piece.toString('utf8').matchAll(/\[#(\d{4})\]/g)) if (!written.has(m[1]!)) written.set(m[1]!, at);
  };
  return written;
}
