/**
 * An approval in a tool card: what is asked, shown so that what is approved is what runs (every
 * character, look-alike letters marked, long runs counted), what the sandbox does, and the answers.
 */
import type { ToolActivity } from '../../../shared/protocol';
import { revealAnswerText, revealHidden } from '../../../shared/hidden';
import { commandView } from '../../../shared/commandView';
import { l10n } from '../../../shared/l10n';
import { h, type Post } from '../../dom';

export function renderApproval(box: HTMLElement, a: ToolActivity, post: Post): void {
  box.textContent = '';
  const req = a.approval;
  if (!req || a.status !== 'waiting') {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.appendChild(h('div', 'approval-title', revealAnswerText(req.title)));
  if (req.kind === 'command') for (const line of sandboxLines(req)) box.appendChild(line);
  if (req.sensitive) box.appendChild(h('div', 'approval-sensitive', req.sensitive));
  // Shown exactly: every character, control, invisible and bidirectional ones as escapes; long runs counted; look-alike letters marked.
  // A question with answers of its own (a call past its deadline) says what it says, as text.
  if (req.acceptLabel) box.appendChild(h('div', 'approval-path', revealAnswerText(req.detail)));
  else if (req.kind === 'command' || req.kind === 'tool') box.append(...commandBlock(req.detail, req.kind === 'command' ? req.commands : undefined));
  else box.appendChild(h('div', 'approval-path', revealHidden(req.detail)));
  if (req.diff) {
    const pre = h('pre', 'diff');
    for (const line of req.diff.split('\n')) {
      const cls = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      pre.appendChild(h('span', cls ? `diff-line diff-${cls}` : 'diff-line', revealAnswerText(line) || ' '));
    }
    box.appendChild(pre);
  }
  const bar = h('div', 'approval-actions');
  const accept = h('button', 'primary-btn', req.acceptLabel ?? (req.kind === 'command' ? l10n.t('Run') : req.kind === 'tool' ? l10n.t('Allow') : l10n.t('Accept')));
  accept.setAttribute(
    'aria-label',
    req.acceptLabel ?? (req.kind === 'command' ? l10n.t('Run command') : req.kind === 'tool' ? l10n.t('Allow this call') : l10n.t('Accept change')),
  );
  accept.addEventListener('click', () => post({ type: 'approval', requestId: req.requestId, decision: 'accept' }));
  const reject = h('button', 'secondary-btn', req.rejectLabel ?? l10n.t('Reject'));
  reject.setAttribute('aria-label', req.rejectLabel ?? l10n.t('Reject'));
  reject.addEventListener('click', () => post({ type: 'approval', requestId: req.requestId, decision: 'reject' }));
  bar.append(accept, reject);
  if (req.allowAcceptAll) {
    const all = h('button', 'secondary-btn', req.kind === 'tool' ? l10n.t('Allow this tool for this turn') : l10n.t('Accept all for this turn'));
    all.addEventListener('click', () => post({ type: 'approval', requestId: req.requestId, decision: 'acceptAll' }));
    bar.appendChild(all);
  }
  box.appendChild(bar);
}

/** What the sandbox does for this command, in words: where it runs, the network, its writes. */
function sandboxLines(req: NonNullable<ToolActivity['approval']>): HTMLElement[] {
  if (!req.sandboxed) return [h('div', 'approval-sandbox off', l10n.t('Runs WITHOUT the OS sandbox: it can read and change anything your user can.'))];
  const lines = [
    h('div', 'approval-sandbox', l10n.t('Runs in the OS sandbox: a private home folder, secrets hidden, no privileges.')),
    h(
      'div',
      req.network ? 'approval-sandbox warn' : 'approval-sandbox',
      req.network ? l10n.t('With the network: the internet and services on this machine (local databases, dev servers) are reachable.') : l10n.t('No network.'),
    ),
    h(
      'div',
      req.transactional === false ? 'approval-sandbox warn' : 'approval-sandbox',
      req.transactional === false
        ? l10n.t('Its writes in the workspace land as they happen (they cannot be held for review here).')
        : l10n.t('Its writes in the workspace are held until it ends: ordinary files then land; files other programs run or load wait for you.'),
    ),
  ];
  return lines;
}

/** A command (or a tool's arguments) shown so that what is approved is what runs. */
function commandBlock(text: string, commands: string[] | undefined): HTMLElement[] {
  const v = commandView(text);
  const out: HTMLElement[] = [];
  const facts = [l10n.t('{0} line(s), {1} character(s)', v.lines, v.chars)];
  if (commands?.length) facts.push(l10n.t('runs: {0}', [...new Set(commands)].join(', ')));
  out.push(h('div', 'approval-facts', facts.join(' · ')));
  if (v.mixed.length) {
    const first = v.mixed.slice(0, 3).map((m) => l10n.t('“{0}” in “{1}” is a {2} letter ({3})', m.letter, m.word, m.script, m.code));
    out.push(h('div', 'approval-sensitive', l10n.t('Look-alike letters: {0}.', first.join('; '))));
  }
  if (v.hidden) out.push(h('div', 'approval-sensitive', l10n.t('It holds invisible or control characters, shown as ⟨U+…⟩.')));
  const pre = h('pre', 'approval-command');
  for (const s of v.segments) {
    if (s.kind === 'text') pre.appendChild(document.createTextNode(s.text));
    else if (s.kind === 'hidden') pre.appendChild(h('span', 'hidden-char', s.text));
    else if (s.kind === 'spaces') pre.appendChild(h('span', 'hidden-char', l10n.t('⟨{0} spaces⟩', s.count)));
    else if (s.kind === 'blank') pre.appendChild(h('span', 'hidden-char', l10n.t('⟨{0} blank lines⟩', s.count)));
    else {
      const mark = h('mark', 'mixed-script', s.text);
      mark.title = l10n.t('{0} letter {1}', s.script, s.code);
      mark.setAttribute('aria-label', l10n.t('{0} letter {1}', s.script, s.code));
      pre.appendChild(mark);
    }
  }
  out.push(pre);
  // More than fits: say so, with what is below.
  const more = h('div', 'approval-more');
  more.hidden = true;
  out.push(more);
  requestAnimationFrame(() => {
    if (!pre.isConnected || pre.scrollHeight <= pre.clientHeight + 2) return;
    const shownChars = Math.round((pre.textContent ?? '').length * (pre.clientHeight / pre.scrollHeight));
    more.hidden = false;
    more.textContent = l10n.t(
      'The command continues below (about {0} more characters): scroll to read all of it before you answer.',
      Math.max(1, (pre.textContent ?? '').length - shownChars),
    );
  });
  return out;
}
