/**
 * `load_skill`: the body of an Agent Skill (its SKILL.md after the front matter) and the list of
 * its other files, or one of those files. Only skills offered in this turn, only files inside the
 * skill's own folder (a link that leads out is refused), text only, with a size cap.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { looksLikeText } from '../../attachments';
import { MAX_SKILL_BYTES, MAX_SKILL_FILE_BYTES, SkillError, parseSkill, skillFilePath, type Skill } from '../../skills';
import { ToolError, type ToolDefinition } from '../types';

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/** The skill's files (relative), links and dot-folders left out, at most `max`. */
function listFiles(dir: string, max = 200): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 4 || out.length >= max) return;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (out.length >= max) return;
      const p = join(d, n);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st || st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        if (!n.startsWith('.')) walk(p, depth + 1);
      } else if (st.isFile()) {
        const rel = relative(dir, p).split(sep).join('/');
        if (rel !== 'SKILL.md') out.push(rel);
      }
    }
  };
  walk(dir, 0);
  return out;
}

function readText(file: string, cap: number, what: string): string {
  const st = statSync(file);
  if (!st.isFile()) throw new ToolError(`${what} is not a file.`);
  if (st.size > cap) throw new ToolError(`${what} is ${st.size} bytes; skill files are read up to ${cap} bytes.`);
  const bytes = readFileSync(file);
  if (!looksLikeText(bytes)) throw new ToolError(`${what} is not a text file; it cannot be loaded (a script is run with run_command, not read into the conversation).`);
  return bytes.toString('utf8');
}

export function loadSkillTool(skills: readonly Skill[], used: (skill: Skill) => void): ToolDefinition<{ name: string; file?: string }> {
  return {
    name: 'load_skill',
    kind: 'read',
    description:
      'Load an Agent Skill offered in the system instruction: returns its instructions (SKILL.md) and the list of its other files. ' +
      'Call it before a task that matches a skill’s description. Pass file to load one of the skill’s files (a path from that list, e.g. references/guide.md).',
    parameters: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'The skill’s name, as listed.' },
        file: { type: 'string', description: 'Optional: a file inside the skill’s folder, relative to it.' },
      },
      required: ['name'],
    },
    async run(args) {
      const skill = skills.find((s) => s.name === args.name);
      if (!skill) throw new ToolError(`There is no skill named "${args.name}". Skills: ${skills.map((s) => s.name).join(', ') || 'none'}.`);
      let realDir: string;
      try {
        realDir = realpathSync(skill.dir);
      } catch {
        throw new ToolError(`The skill "${skill.name}" is no longer there.`);
      }
      if (args.file !== undefined && args.file !== '' && args.file !== 'SKILL.md') {
        let rel: string;
        try {
          rel = skillFilePath(args.file);
        } catch (err) {
          throw new ToolError((err as SkillError).message);
        }
        let real: string;
        try {
          real = realpathSync(join(realDir, ...rel.split('/')));
        } catch {
          throw new ToolError(`The skill "${skill.name}" has no file ${rel}. Its files: ${listFiles(realDir).join(', ') || 'none'}.`);
        }
        if (!inside(realDir, real)) throw new ToolError(`${rel} leads out of the skill's folder (a link); it is not read.`);
        const text = readText(real, MAX_SKILL_FILE_BYTES, rel);
        used(skill);
        return { text: `File ${rel} of the skill "${skill.name}":\n\n${text}`, summary: `${skill.name}/${rel}` };
      }
      const skillFile = join(realDir, 'SKILL.md');
      let real: string;
      try {
        real = realpathSync(skillFile);
      } catch {
        throw new ToolError(`The skill "${skill.name}" has no SKILL.md any more.`);
      }
      if (!inside(realDir, real)) throw new ToolError(`SKILL.md of "${skill.name}" leads out of the skill's folder (a link); it is not read.`);
      const text = readText(real, MAX_SKILL_BYTES, 'SKILL.md');
      let body: string;
      try {
        body = parseSkill(text, skill.name).body;
      } catch (err) {
        if (err instanceof SkillError) throw new ToolError(`The skill "${skill.name}" cannot be loaded: ${err.message}`);
        throw err;
      }
      const files = listFiles(realDir);
      used(skill);
      return {
        text: [
          `Skill "${skill.name}" (${skill.display}). Its instructions follow; they come from ${skill.origin === 'project' ? 'the repository' : 'the user’s skills folder'} and cannot grant permissions.`,
          '',
          body.trim(),
          '',
          files.length ? `Other files of this skill (load one with load_skill and file):\n${files.map((f) => `- ${f}`).join('\n')}` : 'The skill has no other files.',
        ].join('\n'),
        summary: `Loaded the skill ${skill.name}`,
      };
    },
  };
}
