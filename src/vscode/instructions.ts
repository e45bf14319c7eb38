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

/** A larger file is not read at all (the cap would cut it anyway). */
const MAX_FILE_BYTES = 1024 * 1024;

function isFile(abs: string): boolean {
  try {
    const st = statSync(abs);
    return st.isFile() && st.size <= MAX_FILE_BYTES;
  } catch {
    return false;
  }
}

export class ProjectInstructions {
  /** `root`: the one folder this conversation works in (a worktree), instead of the workspace folders. */
  constructor(private readonly root: () => string | undefined = () => undefined) {}

  private roots(): Root[] {
    const own = this.root();
    if (own) return [{ name: basename(own), path: own }];
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  }

  private candidates(): { roots: Root[]; list: Candidate[] } {
    const roots = this.roots();
    const inPlay = [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document)]
      .filter((d): d is vscode.TextDocument => !!d && d.uri.scheme === 'file')
      .map((d) => d.uri.fsPath);
    return { roots, list: instructionCandidates(roots, [...new Set(inPlay)], isFile) };
  }

  /** The system instruction with the project's files, and which were used. */
  async forTurn(base: string | undefined): Promise<{ systemInstruction: string | undefined; used: string[]; uris: vscode.Uri[] }> {
    if (!vscode.workspace.isTrusted || !setting('instructionsEnabled')) return { systemInstruction: base, used: [], uris: [] };
    const { roots, list } = this.candidates();
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
    return Promise.resolve({ ...composed, uris: composed.used.length ? uris : [] });
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
      if (!isFile(uri.fsPath)) continue;
      await vscode.window.showTextDocument(uri, { preview: true });
      return true;
    }
    return false;
  }
}
