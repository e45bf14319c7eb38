/**
 * Mentions in the composer: typing `#` offers #file, #selection, #problems, #changes and
 * #terminal; `#file:` then completes workspace paths and `@` workspace symbols (both asked of
 * the host as you type). Arrow keys move, Enter or Tab accepts (Enter sends when the mention is complete as typed), Escape closes; the mouse works
 * too. The mentions in the message show as chips under it (× takes one out of the text).
 */
import { l10n } from '../../shared/l10n';
import { KEYWORD_MENTIONS, mentionText, parseMentions } from '../../shared/mentions';
import type { MentionCandidate, WebviewMessage } from '../../shared/protocol';

interface Item {
  insert: string;
  label: string;
  detail?: string;
  /** After accepting, keep completing (`#file:` goes on to the paths). */
  more?: boolean;
  /** What the host answered for (its list is narrowed as the user types on, until the next answer). */
  kind?: 'file' | 'symbol';
}

/** Whether `text` holds the characters of `query` in order, in any case. */
function holds(text: string, query: string): boolean {
  const t = text.toLowerCase();
  let i = 0;
  for (const c of query.toLowerCase()) {
    i = t.indexOf(c, i);
    if (i < 0) return false;
    i++;
  }
  return true;
}

function help(k: (typeof KEYWORD_MENTIONS)[number]): string {
  const text: Record<(typeof KEYWORD_MENTIONS)[number], string> = {
    file: l10n.t('a workspace file'),
    selection: l10n.t('the selected code'),
    problems: l10n.t('the errors and warnings in the Problems panel'),
    changes: l10n.t('the uncommitted changes (git diff)'),
    terminal: l10n.t('the last command’s output'),
  };
  return text[k];
}

export interface Mentions {
  /** The host's answer to a query. */
  candidates(seq: number, items: MentionCandidate[]): void;
  /** The text changed from outside (a draft restored): show its chips. */
  refresh(): void;
}

export function setupMentions(input: HTMLTextAreaElement, menu: HTMLElement, chips: HTMLElement, post: (m: WebviewMessage) => void, enabled: () => boolean): Mentions {
  let items: Item[] = [];
  let active = 0;
  let seq = 0;
  /** The query whose answer the open list shows (a list for an earlier query is not accepted by Enter). */
  let shownSeq = -1;
  let token: { start: number; end: number } | undefined;
  let queryTimer: ReturnType<typeof setTimeout> | undefined;

  menu.setAttribute('role', 'listbox');
  menu.setAttribute('aria-label', l10n.t('Mentions'));
  // A textarea keeps its textbox role (no combobox): it announces the list through aria-activedescendant.
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', menu.id);

  const open = () => !menu.hidden;

  function close(): void {
    menu.hidden = true;
    items = [];
    token = undefined;
    input.removeAttribute('aria-activedescendant');
  }

  function show(list: Item[]): void {
    items = list;
    active = 0;
    menu.textContent = '';
    if (!list.length) {
      close();
      return;
    }
    list.forEach((it, k) => {
      const row = document.createElement('div');
      row.id = `mention-${k}`;
      row.className = 'mention-option';
      row.setAttribute('role', 'option');
      const label = document.createElement('span');
      label.className = 'mention-label';
      label.textContent = it.label;
      row.appendChild(label);
      if (it.detail) {
        const d = document.createElement('span');
        d.className = 'mention-detail';
        d.textContent = it.detail;
        row.appendChild(d);
      }
      // Keep the focus in the box: accept on mousedown.
      row.addEventListener('mousedown', (e) => {
        e.preventDefault();
        accept(k);
      });
      menu.appendChild(row);
    });
    menu.hidden = false;
    highlight();
  }

  function highlight(): void {
    menu.querySelectorAll('.mention-option').forEach((r, k) => {
      r.classList.toggle('active', k === active);
      r.setAttribute('aria-selected', String(k === active));
    });
    input.setAttribute('aria-activedescendant', `mention-${active}`);
    menu.querySelector('.mention-option.active')?.scrollIntoView({ block: 'nearest' });
  }

  function accept(k: number): void {
    const it = items[k];
    if (!it || !token) return;
    const before = input.value.slice(0, token.start);
    const after = input.value.slice(token.end);
    input.value = before + it.insert + after;
    const caret = before.length + it.insert.length;
    input.setSelectionRange(caret, caret);
    close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    if (it.more) update();
  }

  /** The mention being typed just before the caret, if any. */
  function atCaret(): { start: number; end: number; trigger: '#' | '@'; query: string } | undefined {
    const pos = input.selectionStart;
    if (pos !== input.selectionEnd) return undefined;
    const m = /(^|\s)([#@])((?:file:"[^"\n]*)|[^\s#@]*)$/.exec(input.value.slice(0, pos));
    if (!m) return undefined;
    const trigger = m[2] as '#' | '@';
    return { start: pos - 1 - m[3]!.length, end: pos, trigger, query: m[3]! };
  }

  function ask(kind: 'file' | 'symbol', query: string): void {
    if (queryTimer) clearTimeout(queryTimer);
    const mine = ++seq;
    queryTimer = setTimeout(() => post({ type: 'mentionQuery', kind, query, seq: mine }), kind === 'symbol' ? 150 : 60);
    // Until the answer comes, the list shown is the last answer narrowed to what is typed now
    // (never a list for other text: Enter would put that in).
    const still = open() ? items.filter((it) => it.kind === kind && holds(it.kind === 'file' ? it.insert : it.label, query)) : [];
    if (still.length) {
      show(still);
      shownSeq = mine;
    } else if (open()) {
      const keep = token;
      close();
      token = keep;
    }
  }

  function update(): void {
    const t = enabled() ? atCaret() : undefined;
    if (!t) {
      close();
      return;
    }
    token = { start: t.start, end: t.end };
    if (t.trigger === '@') {
      if (t.query) ask('symbol', t.query);
      else close();
      return;
    }
    if (t.query.toLowerCase().startsWith('file:')) {
      ask('file', t.query.slice(5).replace(/^"/, ''));
      return;
    }
    const q = t.query.toLowerCase();
    // (The keywords answer at once: a list for this very text.)
    if (queryTimer) clearTimeout(queryTimer);
    shownSeq = ++seq;
    show(
      KEYWORD_MENTIONS.filter((k) => k.startsWith(q)).map((k) => ({
        insert: k === 'file' ? '#file:' : `${mentionText(k)} `,
        label: `#${k}`,
        detail: help(k),
        more: k === 'file',
      })),
    );
  }

  function renderChips(): void {
    const found = enabled() ? parseMentions(input.value) : [];
    chips.textContent = '';
    chips.hidden = found.length === 0;
    for (const m of found) {
      const chip = document.createElement('span');
      chip.className = `chip mention-chip mention-${m.kind}`;
      chip.textContent = m.raw;
      const x = document.createElement('button');
      x.type = 'button';
      x.className = 'icon-btn';
      x.setAttribute('aria-label', l10n.t('Remove the mention {0}', m.raw));
      x.innerHTML = '<i class="codicon codicon-close" aria-hidden="true"></i>';
      x.addEventListener('click', () => {
        const re = new RegExp(`(^|\\s)${m.raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s,.;:!?)])`);
        input.value = input.value.replace(re, '$1').replace(/ {2,}/g, ' ');
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.focus();
      });
      chip.appendChild(x);
      chips.appendChild(chip);
    }
  }

  input.addEventListener('input', () => {
    update();
    renderChips();
  });
  input.addEventListener('click', update);
  input.addEventListener('blur', () => setTimeout(close, 150));
  // Before the composer's own keys (Enter sends): while the list is open, the keys are the list's.
  input.addEventListener(
    'keydown',
    (e) => {
      if (!open() || e.isComposing) return;
      // The mention is already complete as typed (accepting would change nothing), or the list is
      // still the one for what was typed before (the answer for this text has not come): Enter sends.
      if (e.key === 'Enter' && (shownSeq !== seq || (token && items.some((it) => it.insert.trimEnd() === input.value.slice(token!.start, token!.end))))) {
        close();
        return;
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        highlight();
      } else if (e.key === 'Enter' || e.key === 'Tab') accept(active);
      else if (e.key === 'Escape') close();
      else return;
      e.preventDefault();
      e.stopImmediatePropagation();
    },
    { capture: true },
  );

  return {
    candidates(n, list) {
      if (n !== seq || !token) return;
      shownSeq = n;
      show(
        list.map((c) => ({
          insert: `${mentionText(c.kind, c.value)} `,
          label: c.kind === 'symbol' ? `@${c.label}` : c.label,
          detail: c.detail,
          kind: c.kind,
        })),
      );
    },
    refresh() {
      // The text was set by the page (a send cleared it, a draft came back): no list stays open,
      // and an answer still on its way for the old text is not shown.
      seq++;
      close();
      renderChips();
    },
  };
}
