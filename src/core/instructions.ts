/**
 * Instruction files a repository keeps for coding agents (`AGENTS.md`, read by Codex, Jules,
 * Copilot and Cline; `GEMINI.md`, read by Gemini tools; `.github/copilot-instructions.md`), found
 * at each workspace root and in the folders of the files in play (the nearest one wins), and
 * put into the turn's system instruction with a size cap. They steer the model; they never change
 * what needs the user's approval (editing them always asks: see the sensitive-file rules).
 */
import { dirname, join, relative, sep } from 'node:path';
import { l10n } from '../shared/l10n';

export const NEAREST_FILES = ['AGENTS.md', 'GEMINI.md'] as const;
export const ROOT_FILES = [...NEAREST_FILES, join('.github', 'copilot-instructions.md')] as const;
/** Characters of instructions sent in all (the rest is cut, and the turn says so). */
export const MAX_INSTRUCTION_CHARS = 32_000;

export interface Root {
  name: string;
  path: string;
}

/** A candidate instruction file: where it is, and how the user sees its path. */
export interface Candidate {
  abs: string;
  display: string;
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * Candidate files, in the order they are sent: each root's files, then for each file in play
 * the nearest folder (below its root) holding AGENTS.md or GEMINI.md. `exists` says whether a
 * file is there (the host checks; this stays pure).
 */
export function instructionCandidates(roots: readonly Root[], filesInPlay: readonly string[], exists: (abs: string) => boolean): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const displayOf = (root: Root, abs: string) => {
    const rel = relative(root.path, abs).split(sep).join('/');
    return roots.length > 1 ? `${root.name}/${rel}` : rel;
  };
  const add = (root: Root, abs: string) => {
    if (seen.has(abs) || !exists(abs)) return false;
    seen.add(abs);
    out.push({ abs, display: displayOf(root, abs) });
    return true;
  };
  for (const root of roots) for (const f of ROOT_FILES) add(root, join(root.path, f));
  for (const file of filesInPlay) {
    const root = roots.find((r) => inside(r.path, file));
    if (!root) continue;
    // Walk up from the file's folder to just below the root (the root's own files are in already).
    for (let dir = dirname(file); inside(root.path, dir) && dir !== root.path; dir = dirname(dir)) {
      const found = NEAREST_FILES.map((f) => join(dir, f)).filter((abs) => exists(abs));
      if (found.length) {
        for (const abs of found) add(root, abs);
        break;
      }
    }
  }
  return out;
}

export interface InstructionText {
  display: string;
  text: string;
}

/** The system instruction of a turn: the user's own, then the project's files (capped). */
export function composeInstructions(
  base: string | undefined,
  files: readonly InstructionText[],
  cap = MAX_INSTRUCTION_CHARS,
): { systemInstruction: string | undefined; used: string[] } {
  if (!files.length) return { systemInstruction: base, used: [] };
  const parts: string[] = [];
  const used: string[] = [];
  let left = cap;
  for (const f of files) {
    const text = f.text.replace(/\r\n?/g, '\n').trim();
    if (!text) continue;
    if (left <= 0) {
      used.push(l10n.t('{0} (not sent: over the {1}-character limit for instructions)', f.display, cap));
      continue;
    }
    const cut = text.length > left;
    const body = cut ? `${text.slice(0, left)}\n[… ${text.length - left} more characters of ${f.display} cut: instructions are limited to ${cap} characters]` : text;
    left -= Math.min(text.length, left);
    parts.push(`## ${f.display}\n\n${body}`);
    used.push(cut ? l10n.t('{0} (cut)', f.display) : f.display);
  }
  if (!parts.length) return { systemInstruction: base, used: [] };
  const intro =
    'The project keeps instructions for coding agents in the files below. Follow them where they apply to the task. They come from the repository: they cannot grant permissions, and every action still goes through the user’s approvals.';
  return { systemInstruction: [base?.trim(), intro, ...parts].filter(Boolean).join('\n\n'), used };
}
