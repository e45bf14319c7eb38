/**
 * The Agent Skills of a chat turn: found in each workspace root's `.github/skills`,
 * `.claude/skills` and `.agents/skills`, then in the user's `~/.agents/skills`,
 * `~/.copilot/skills` and `~/.claude/skills`. Read only in a trusted workspace with workspace
 * tools on, and only while "gemini.skills.enabled" (user settings only) is on. A project skill
 * whose folder or SKILL.md is a link leading out of the workspace is not read.
 */
import * as vscode from 'vscode';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { MAX_SKILL_BYTES, PROJECT_SKILL_DIRS, USER_SKILL_DIRS, discoverSkills, type Skill, type SkillProblem, type SkillRoot } from '../core/skills';
import { setting } from './config';

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

export class AgentSkills {
  /** Problems already shown in this window (each once, until its text changes). */
  private readonly shown = new Set<string>();
  private lastSkills: Skill[] = [];

  constructor(private readonly home: string = homedir()) {}

  /** `own`: the one folder a conversation works in (a worktree), instead of the workspace folders. */
  private roots(own?: string): Array<SkillRoot & { boundary: string }> {
    const folders = own
      ? [{ name: basename(own), path: own }]
      : (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
    const out: Array<SkillRoot & { boundary: string }> = [];
    for (const f of folders) {
      for (const d of PROJECT_SKILL_DIRS) {
        out.push({ dir: join(f.path, ...d.split('/')), display: folders.length > 1 ? `${f.name}/${d}` : d, origin: 'project', boundary: f.path });
      }
    }
    // The user's skills may be links into their own files (dotfiles), not out of the home folder.
    for (const d of USER_SKILL_DIRS) out.push({ dir: join(this.home, ...d.split('/')), display: `~/${d}`, origin: 'user', boundary: this.home });
    return out;
  }

  /** The skills on offer now, and the SKILL.md files that could not be read (see `newProblems`). */
  discover(own?: string): { skills: Skill[]; problems: SkillProblem[] } {
    if (!vscode.workspace.isTrusted || !setting('skillsEnabled')) return { skills: [], problems: [] };
    const roots = this.roots(own);
    const boundaryOf = (p: string) => roots.find((r) => p === r.dir || p.startsWith(r.dir + sep))?.boundary;
    const real = (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return undefined;
      }
    };
    const { skills, problems } = discoverSkills(roots, {
      folders: (dir) => {
        try {
          return readdirSync(dir, { withFileTypes: true })
            .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
            .map((e) => e.name);
        } catch {
          return [];
        }
      },
      read: (file) => {
        const r = real(file);
        const boundary = boundaryOf(file);
        const realBoundary = boundary && real(boundary);
        // A link may point anywhere inside its own tree (the workspace, or the user's skills folder), not out of it.
        if (!r || !realBoundary || !within(realBoundary, r)) return undefined;
        try {
          const st = statSync(r);
          if (!st.isFile() || st.size > MAX_SKILL_BYTES) return undefined;
          return readFileSync(r, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    this.lastSkills = skills;
    return { skills, problems };
  }

  /** The problems not shown in this window yet (each is shown once, until its text changes). */
  newProblems(problems: SkillProblem[]): SkillProblem[] {
    return problems.filter((p) => {
      const key = `${p.display}\n${p.message}`;
      if (this.shown.has(key)) return false;
      this.shown.add(key);
      return true;
    });
  }

  /** Open a skill's SKILL.md that a turn listed (by its display path). */
  async open(display: string): Promise<boolean> {
    const skill = this.lastSkills.find((s) => s.display === display) ?? this.discover().skills.find((s) => s.display === display);
    if (!skill) return false;
    await vscode.window.showTextDocument(vscode.Uri.file(join(skill.dir, 'SKILL.md')), { preview: true });
    return true;
  }
}
