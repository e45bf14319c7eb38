/**
 * The project's instruction files for a chat turn (AGENTS.md, GEMINI.md,
 * .github/copilot-instructions.md): found at the workspace roots and near the files in play, read
 * only in a trusted workspace and only while "gemini.instructions.enabled" (user settings) is on.
 */
import * as vscode from 'vscode';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { composeInstructions, instructionCandidates, type Candidate, type Root } from '../core/instructions';
import { setting } from './config';
import { PREPARED_MAX_AGE_MS, Prepared } from '../core/prepared';
import type { TurnInputs } from './turnInputs';

/** A larger file is not read at all (the cap would cut it anyway). */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Whether `abs` is an instruction file to read, noting in `stamps` what was found (the file's
 * identity, size and time, or that there is none): a read made ahead is used only while the
 * stamps of the same paths are the same.
 */
function isFile(abs: string, stamps: string[]): boolean {
  try {
    const st = statSync(abs);
    const ok = st.isFile() && st.size <= MAX_FILE_BYTES;
    stamps.push(ok ? `${abs}\0${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : `${abs}\0-`);
    return ok;
  } catch {
    stamps.push(`${abs}\0-`);
    return false;
  }
}

interface TurnInstructions {
  systemInstruction: string | undefined;
  used: string[];
  uris: vscode.Uri[];
}

export class ProjectInstructions {
  /** Read ahead while the user writes (see `prepare`). */
  private readonly prepared: Prepared<TurnInstructions> | undefined;

  /**
   * `root`: the one folder this conversation works in (a worktree), instead of the workspace
   * folders. `inputs`: when settings or trust changed (the files themselves are checked at each send).
   */
  constructor(
    private readonly root: () => string | undefined = () => undefined,
    inputs?: TurnInputs,
  ) {
    this.prepared = inputs ? new Prepared(inputs.generation, PREPARED_MAX_AGE_MS) : undefined;
  }

  private roots(): Root[] {
    const own = this.root();
    if (own) return [{ name: basename(own), path: own }];
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  }

  /**
   * Which instruction files apply (at the roots, and nearest the files open in editors), and a
   * stamp of every path looked at: the key of a read made ahead.
   */
  private candidates(base: string | undefined): { roots: Root[]; list: Candidate[]; key: string } {
    const roots = this.roots();
    const inPlay = [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document)]
      .filter((d): d is vscode.TextDocument => !!d && d.uri.scheme === 'file')
      .map((d) => d.uri.fsPath);
    const stamps: string[] = [];
    const list = instructionCandidates(roots, [...new Set(inPlay)], (abs) => isFile(abs, stamps));
    return { roots, list, key: JSON.stringify([base ?? null, roots, stamps]) };
  }

  /**
   * The system instruction with the project's files, and which were used. A read made ahead (see
   * `prepare`) is used when every path it looked at is as it was; the files are read otherwise.
   */
  async forTurn(base: string | undefined): Promise<TurnInstructions> {
    if (!vscode.workspace.isTrusted || !setting('instructionsEnabled')) return { systemInstruction: base, used: [], uris: [] };
    const c = this.candidates(base);
    if (!this.prepared) return this.read(base, c.roots, c.list);
    return (await this.prepared.get(c.key, () => this.read(base, c.roots, c.list)))!;
  }

  /** Read the instruction files ahead (the user is writing a message). */
  prepare(base: string | undefined): void {
    if (!this.prepared || !vscode.workspace.isTrusted || !setting('instructionsEnabled')) return;
    const c = this.candidates(base);
    this.prepared.prepare(c.key, () => this.read(base, c.roots, c.list));
  }

  private read(base: string | undefined, roots: Root[], list: Candidate[]): TurnInstructions {
    const files: Array<{ display: string; text: string }> = [];
    const uris: vscode.Uri[] = [];
    for (const c of list) {
      try {
        // A symlink that leads out of the workspace is not followed.
        const real = realpathSync(c.abs);
        if (!roots.some((r) => this.inside(realpathSync(r.path), real))) continue;
        files.push({ display: c.display, text: readFileSync(real, 'utf8') });
        uris.push(vscode.Uri.file(c.abs));
      } catch {
        /* gone or unreadable: skipped */
      }
    }
    const composed = composeInstructions(base, files);
    return { ...composed, uris: composed.used.length ? uris : [] };
  }

  private inside(root: string, p: string): boolean {
    const rel = relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
  }

  /** Open one of a turn's instruction files (only a file that turn listed). */
  async open(display: string): Promise<boolean> {
    const name = display.replace(/ \((cut|not sent:.*)\)$/, '');
    // Only the instruction files themselves, never a path that climbs out.
    if (name.split('/').some((seg) => seg === '..' || seg === '') || !/(^|\/)(AGENTS\.md|GEMINI\.md|copilot-instructions\.md)$/.test(name)) return false;
    const roots = this.roots();
    for (const root of roots) {
      const rel = roots.length > 1 ? (name.startsWith(`${root.name}/`) ? name.slice(root.name.length + 1) : undefined) : name;
      if (rel === undefined) continue;
      const uri = vscode.Uri.joinPath(vscode.Uri.file(root.path), ...rel.split('/'));
      if (!isFile(uri.fsPath, [])) continue;
      await vscode.window.showTextDocument(uri, { preview: true });
      return true;
    }
    return false;
  }
}
