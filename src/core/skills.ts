/**
 * Agent Skills (the open SKILL.md format read by VS Code, Copilot, Claude Code and most coding
 * agents): a folder holding `SKILL.md`, whose YAML front matter names the skill and says when to
 * use it, and whose body (and other files) say how. Found in the project's `.github/skills`,
 * `.claude/skills` and `.agents/skills` and in the user's own skills folders. Only each skill's
 * name and description go with a turn; the model loads a skill's body, or one of its files, with
 * the `load_skill` tool when it needs it, and the turn lists the skills it loaded.
 *
 * Skills steer the model; they never grant anything. Their `allowed-tools` is not honoured as a
 * permission, and editing a skill always asks (see execRelevant.ts).
 */
import { parse as parseYaml } from 'yaml';
import { l10n } from '../shared/l10n';
import { errorText } from '../shared/errorText';

/** Where the project's skills live (relative to each workspace root), in the order they win. */
export const PROJECT_SKILL_DIRS = ['.github/skills', '.claude/skills', '.agents/skills'] as const;
/** The user's own skills folders (under the home folder) read by default. */
export const USER_SKILL_DIRS = ['.agents/skills', '.copilot/skills', '.claude/skills'] as const;

export const MAX_SKILL_BYTES = 256 * 1024;
export const MAX_SKILL_FILE_BYTES = 256 * 1024;
/** Skills offered to the model at most (the rest are named in the problems). */
export const MAX_SKILLS = 100;

export interface Skill {
  name: string;
  description: string;
  /** The skill's folder (absolute). */
  dir: string;
  /** How the user sees where it is: `.github/skills/review/SKILL.md`, `~/.agents/skills/x/SKILL.md`. */
  display: string;
  origin: 'project' | 'user';
  license?: string;
  compatibility?: string;
}

export interface SkillProblem {
  display: string;
  message: string;
}

export class SkillError extends Error {}

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Parse a SKILL.md: its front matter (YAML between `---` lines, at the very top) and its body.
 * Throws SkillError saying what is wrong, in words the author can act on.
 */
export function parseSkill(text: string, folderName: string): { name: string; description: string; body: string; license?: string; compatibility?: string } {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!src.startsWith('---\n')) throw new SkillError(l10n.t('SKILL.md must start with front matter: a line “---”, then name and description, then “---”.'));
  const end = src.indexOf('\n---', 3);
  if (end < 0 || (src[end + 4] !== undefined && src[end + 4] !== '\n')) throw new SkillError(l10n.t('The front matter of SKILL.md has no closing “---” line.'));
  let meta: unknown;
  try {
    meta = parseYaml(src.slice(4, end + 1), { uniqueKeys: true, maxAliasCount: 10, prettyErrors: true });
  } catch (err) {
    const msg = String(errorText(err) ?? err)
      .split('\n')[0]!
      .slice(0, 200);
    throw new SkillError(l10n.t('The front matter of SKILL.md is not valid YAML: {0}', msg));
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new SkillError(l10n.t('The front matter of SKILL.md must be a map with name and description.'));
  const m = meta as Record<string, unknown>;
  if (typeof m.name !== 'string' || !m.name.trim()) throw new SkillError(l10n.t('SKILL.md has no name in its front matter.'));
  const name = m.name.trim();
  if (name.length > 64 || !NAME.test(name)) {
    throw new SkillError(l10n.t('The skill name “{0}” must be 1–64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen.', name.slice(0, 80)));
  }
  if (name !== folderName) throw new SkillError(l10n.t('The skill name “{0}” must match its folder’s name “{1}”.', name, folderName));
  if (typeof m.description !== 'string' || !m.description.trim())
    throw new SkillError(l10n.t('SKILL.md has no description in its front matter (say what the skill does and when to use it).'));
  const description = m.description.trim().replace(/\s+/g, ' ');
  if (description.length > 1024) throw new SkillError(l10n.t('The skill description is {0} characters; at most 1024.', description.length));
  const body = src.slice(end + 4).replace(/^\n/, '');
  const opt = (k: string, max: number) => (typeof m[k] === 'string' ? (m[k] as string).trim().slice(0, max) : undefined);
  return { name, description, body, license: opt('license', 200), compatibility: opt('compatibility', 500) };
}

/** What discovery needs of the file system (the host passes real reads; tests pass their own). */
export interface SkillFs {
  /** Sub-folders of a folder (names), or [] if it is not there. Links are not listed. */
  folders(dir: string): string[];
  /** A file's text, or undefined if it is not a regular file (or too large). */
  read(file: string): string | undefined;
}

export interface SkillRoot {
  /** The skills folder (absolute). */
  dir: string;
  /** How the user sees it (`.github/skills`, `~/.agents/skills`). */
  display: string;
  origin: 'project' | 'user';
}

/**
 * Every skill under the roots, in order (the first with a name wins: the project's over the
 * user's), and what was wrong with the ones that could not be read.
 */
export function discoverSkills(roots: readonly SkillRoot[], fs: SkillFs): { skills: Skill[]; problems: SkillProblem[] } {
  const skills: Skill[] = [];
  const problems: SkillProblem[] = [];
  const byName = new Map<string, Skill>();
  for (const root of roots) {
    for (const folder of fs.folders(root.dir).sort()) {
      const dir = `${root.dir}/${folder}`;
      const display = `${root.display}/${folder}/SKILL.md`;
      const text = fs.read(`${dir}/SKILL.md`);
      if (text === undefined) continue; // a folder without SKILL.md is not a skill
      try {
        const p = parseSkill(text, folder);
        const seen = byName.get(p.name);
        if (seen) {
          problems.push({ display, message: l10n.t('Another skill named “{0}” comes first ({1}); this one is not offered.', p.name, seen.display) });
          continue;
        }
        if (skills.length >= MAX_SKILLS) {
          problems.push({ display, message: l10n.t('Only the first {0} skills are offered.', MAX_SKILLS) });
          continue;
        }
        const skill: Skill = { name: p.name, description: p.description, dir, display, origin: root.origin, license: p.license, compatibility: p.compatibility };
        byName.set(p.name, skill);
        skills.push(skill);
      } catch (err) {
        if (!(err instanceof SkillError)) throw err;
        problems.push({ display, message: err.message });
      }
    }
  }
  return { skills, problems };
}

/** What goes into the system instruction: each skill's name and description, and how to load one. */
export function skillsInstruction(skills: readonly Skill[]): string | undefined {
  if (!skills.length) return undefined;
  const lines = skills.map((s) => `- ${s.name}: ${s.description}`);
  return [
    'Agent Skills are available: folders of instructions (and sometimes scripts or reference files) for specific tasks. When a task matches a skill’s description, call load_skill with its name before you start, and follow what it says. Load a file the skill mentions with load_skill and its path. Skills come from the repository or the user’s folders: they cannot grant permissions, and every action still goes through the user’s approvals.',
    ...lines,
  ].join('\n');
}

/** A path inside a skill's folder, as the model names it: relative, no `..`, no absolute path. */
export function skillFilePath(file: string): string {
  const f = file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!f || f.startsWith('/') || /^[a-z]:/i.test(f) || f.split('/').some((seg) => seg === '..' || seg === '')) {
    throw new SkillError(`"${file}" is not a path inside the skill's folder. Use a relative path such as references/guide.md.`);
  }
  return f;
}
