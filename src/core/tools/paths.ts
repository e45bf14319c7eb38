/**
 * Path safety for the workspace tools. Every path the model names is resolved against the
 * workspace folders (multi-root: `folderName/rel/path` picks a folder), symlinks are resolved to
 * real paths, and anything that ends up outside every folder is refused: `../` escapes, absolute
 * paths elsewhere, symlinks pointing out, and Windows path tricks in the string.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

export interface WorkspaceFolderInfo {
  name: string;
  /** The folder's path as VS Code reports it. */
  path: string;
}

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

export interface ResolvedPath {
  /** Absolute real path (symlinks resolved; for a new file: its real parent + name). */
  abs: string;
  /** The folder that contains it. */
  folder: WorkspaceFolderInfo & { real: string };
  /** Path relative to that folder, with `/` separators. */
  rel: string;
  /** How to show it to the model and the user (`rel`, or `folder/rel` in a multi-root workspace). */
  display: string;
  exists: boolean;
}

/** Strings that must never be interpreted as paths at all. */
function rejectTricks(p: string): void {
  if (p.includes('\0')) throw new PathError('The path contains a NUL character.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) throw new PathError(`“${p}” is a URL, not a workspace path.`);
  if (/^\\\\|^\/\/[^/]/.test(p)) throw new PathError(`“${p}” is a network (UNC) path; only workspace paths are allowed.`);
  if (/^[a-z]:/i.test(p)) throw new PathError(`“${p}” is a Windows drive path; use a path relative to the workspace.`);
  if (/^\\\\\?\\|^\\\\\.\\/.test(p)) throw new PathError(`“${p}” is a Windows device path.`);
  if (p.startsWith('~')) throw new PathError(`“${p}” refers to a home directory; only workspace paths are allowed.`);
}

function within(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (new files). */
async function realOrAncestor(p: string): Promise<{ real: string; exists: boolean }> {
  try {
    return { real: await realpath(p), exists: true };
  } catch {
    const parts: string[] = [];
    let cur = p;
    for (;;) {
      const parent = resolve(cur, '..');
      parts.unshift(cur.slice(parent.length).replace(/^[\\/]+/, ''));
      if (parent === cur) throw new PathError(`No existing ancestor for ${p}.`);
      try {
        const base = await realpath(parent);
        return { real: join(base, ...parts), exists: false };
      } catch {
        cur = parent;
      }
    }
  }
}

export class PathResolver {
  private reals: Array<WorkspaceFolderInfo & { real: string }> | undefined;

  constructor(private readonly folders: () => WorkspaceFolderInfo[]) {}

  private async roots(): Promise<Array<WorkspaceFolderInfo & { real: string }>> {
    const fs = this.folders();
    if (!fs.length) throw new PathError('No folder is open: the workspace tools need a workspace folder.');
    if (!this.reals || this.reals.length !== fs.length || this.reals.some((r, k) => r.path !== fs[k]!.path)) {
      this.reals = await Promise.all(fs.map(async (f) => ({ ...f, real: await realpath(f.path).catch(() => f.path) })));
    }
    return this.reals;
  }

  get multiRoot(): boolean {
    return this.folders().length > 1;
  }

  /** Resolve a model-supplied path; throws PathError with a message the model can act on. */
  async resolve(input: unknown): Promise<ResolvedPath> {
    if (typeof input !== 'string' || input.trim() === '') throw new PathError('A non-empty "path" string is required.');
    const raw = input.trim();
    rejectTricks(raw);
    const roots = await this.roots();
    const posix = raw.replace(/\\/g, '/');
    let folder = roots[0]!;
    let rest = posix;
    if (isAbsolute(posix)) {
      const hit = roots.find((r) => within(r.path, posix) || within(r.real, posix));
      if (!hit) throw new PathError(`“${raw}” is outside the workspace folders (${roots.map((r) => r.name).join(', ')}).`);
      folder = hit;
      rest = relative(within(hit.path, posix) ? hit.path : hit.real, posix);
    } else if (roots.length > 1) {
      const first = posix.split('/')[0]!;
      const named = roots.find((r) => r.name === first);
      if (named) {
        folder = named;
        rest = posix.slice(first.length + 1);
      }
    }
    const lexical = normalize(join(folder.path, rest));
    if (!within(folder.path, lexical)) throw new PathError(`“${raw}” climbs out of the workspace folder “${folder.name}”.`);
    const { real, exists } = await realOrAncestor(lexical);
    const owner = roots.find((r) => within(r.real, real));
    if (!owner) throw new PathError(`“${raw}” resolves (through a symbolic link) to a place outside the workspace.`);
    const rel = relative(owner.real, real).split(sep).join('/');
    return { abs: real, folder: owner, rel, display: roots.length > 1 ? `${owner.name}/${rel}` : rel || '.', exists };
  }

  /** Display form of an absolute path inside the workspace (for listing results). */
  async displayOf(abs: string): Promise<string> {
    const roots = await this.roots();
    const owner = roots.find((r) => within(r.real, abs) || within(r.path, abs));
    if (!owner) return abs;
    const rel = relative(within(owner.real, abs) ? owner.real : owner.path, abs).split(sep).join('/');
    return roots.length > 1 ? `${owner.name}/${rel}` : rel;
  }

  /** Whether an absolute (already real) path lies inside one of the open workspace folders. */
  async contains(abs: string): Promise<boolean> {
    const roots = await this.roots().catch(() => []);
    return roots.some((r) => within(r.real, abs) || within(r.path, abs));
  }

  async rootPaths(): Promise<Array<WorkspaceFolderInfo & { real: string }>> {
    return this.roots();
  }
}

const SENSITIVE: Array<[RegExp, string]> = [
  [/(^|\/)\.vscode(\/|$)/, 'VS Code workspace settings (.vscode/)'],
  [/(^|\/)\.git(\/|$)/, 'the git repository internals (.git/)'],
  [/(^|\/)\.env(\.[^/]*)?$/, 'an environment file (.env*), which usually holds secrets'],
  [/\.code-workspace$/, 'a workspace file (*.code-workspace)'],
  [/(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb|Cargo\.lock|poetry\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|go\.sum|packages\.lock\.json|flake\.lock)$/, 'a lockfile'],
  [/(^|\/)\.(npmrc|yarnrc(\.yml)?|pypirc|netrc)$/, 'a package-manager credentials file'],
  [/(^|\/)\.(ssh|gnupg|aws|docker)(\/|$)/, 'a credentials folder'],
  [/(^|\/)\.github\/workflows\//, 'a CI workflow (runs with repository secrets)'],
];

/** Why a workspace-relative path is sensitive (always asks), or undefined. */
export function sensitiveReason(rel: string): string | undefined {
  const p = rel.replace(/\\/g, '/');
  for (const [re, why] of SENSITIVE) if (re.test(p)) return why;
  return undefined;
}
