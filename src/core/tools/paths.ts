/**
 * Path safety for the workspace tools. Every path the model names is resolved against the
 * workspace folders (multi-root: `folderName/rel/path` picks a folder), symlinks are resolved to
 * real paths, and anything that ends up outside every folder is refused: `../` escapes, absolute
 * paths elsewhere, symlinks pointing out, and Windows path tricks in the string.
 */
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { executionRelevanceFolded, foldPath } from './execRelevant';
import { errorText } from '../../shared/errorText';

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
  // Names Windows reads differently (refused on every platform: the same workspace may be opened there).
  for (const seg of p.split(/[\\/]/)) {
    if (seg === '' || seg === '.' || seg === '..') continue;
    if (seg.includes(':')) throw new PathError(`“${p}” contains “:” in a name (an alternate data stream such as ::$DATA on Windows); refused.`);
    if (/[. ]$/.test(seg)) throw new PathError(`“${p}” has a name ending in a dot or a space, which Windows silently drops; refused.`);
    if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\.[^.]*)?$/i.test(seg)) throw new PathError(`“${p}” uses a reserved Windows device name; refused.`);
    if (/~\d/.test(seg)) throw new PathError(`“${p}” looks like a Windows 8.3 short name (…~1), which can alias another file; refused.`);
    // eslint-disable-next-line no-control-regex -- control characters are refused
    if (/[<>"|?*\u0000-\u001f]/.test(seg)) throw new PathError(`“${p}” contains characters that are not allowed in file names; refused.`);
  }
}

/**
 * At the moment of writing: what is at `abs` may not be a link of either kind. A symbolic link is
 * never written through, and a file with more than one name (a hard link, as in a pnpm store)
 * would change its other names too. The same rule for approved and auto-approved writes.
 */
export async function assertNoLink(abs: string, display: string): Promise<void> {
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return;
  if (st.isSymbolicLink()) throw new PathError(`${display} is a symbolic link now; nothing is written through a link, so nothing was written.`);
  if (st.isFile() && st.nlink > 1)
    throw new PathError(
      `${display} has ${st.nlink} hard links (another file shares its content, as in a package store); writing it would change the others too, so nothing was written.`,
    );
}

/** Whether `p` is `root` or lies below it. */
export function within(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
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

  /**
   * Resolve a path again at the moment of writing (after the approval): if its real target is
   * no longer the one the user approved (a symlink swapped in meanwhile, a folder replaced),
   * nothing is written.
   */
  async recheck(input: string, approved: ResolvedPath): Promise<void> {
    let now: ResolvedPath;
    try {
      now = await this.resolve(input);
    } catch (err) {
      throw new PathError(`${approved.display} changed while the change waited for approval: ${errorText(err)} Nothing was written.`);
    }
    if (now.abs !== approved.abs) {
      throw new PathError(
        `${approved.display} changed while the change waited for approval (it now resolves to ${now.display}); nothing was written. Read it again and redo the change.`,
      );
    }
    await assertNoLink(now.abs, approved.display);
  }

  /** Display form of an absolute path inside the workspace (for listing results). */
  async displayOf(abs: string): Promise<string> {
    const roots = await this.roots();
    const owner = roots.find((r) => within(r.real, abs) || within(r.path, abs));
    if (!owner) return abs;
    const rel = relative(within(owner.real, abs) ? owner.real : owner.path, abs)
      .split(sep)
      .join('/');
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

/**
 * Files whose contents are secrets: reading them asks, sandboxed commands see them empty, and
 * remote-agent snapshots leave them out unless the user includes them.
 */
const SECRET: Array<[RegExp, string]> = [
  [/(^|\/)\.env(?!\.(example|sample|template|dist|defaults)$)(\.[^/]*)?$/, 'an environment file (.env*), which usually holds secrets'],
  [/(^|\/)\.(npmrc|pypirc|netrc|git-credentials|yarnrc\.yml|pgpass|my\.cnf|s3cfg|boto|dockercfg)$/, 'a credentials file'],
  [/(^|\/)\.(ssh|gnupg|aws|docker|kube|azure|gcloud)(\/|$)/, 'a credentials folder'],
  [
    /(^|\/)(id_(rsa|dsa|ecdsa|ed25519)(_sk)?(\.pub)?|[^/]*\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg|kdbx|tfvars|tfstate)|credentials(\.json)?|service[-_]account[^/]*\.json|secrets?\.(json|ya?ml|toml|env))$/,
    'a key or secrets file',
  ],
];

/**
 * Why a workspace-relative path is sensitive: a secret, or execution-relevant (see
 * execRelevant.ts). Edits always ask, from a file tool and from a command's change set, even
 * with auto-approval or "accept all".
 */
export function sensitiveReason(rel: string): string | undefined {
  const p = foldPath(rel);
  return secretFolded(p) ?? executionRelevanceFolded(p);
}

/** Why a workspace-relative path holds secrets (reads ask too), or undefined. Names are folded as in execRelevant.ts. */
export function secretReason(rel: string): string | undefined {
  return secretFolded(foldPath(rel));
}

const ANY_SECRET = new RegExp(SECRET.map(([re]) => re.source).join('|'));

function secretFolded(p: string): string | undefined {
  if (!ANY_SECRET.test(p)) return undefined;
  for (const [re, why] of SECRET) if (re.test(p)) return why;
  return undefined;
}

/** Globs (for ripgrep and git) that find the secret files of a folder. */
export const SECRET_GLOBS = [
  '.env',
  '.env.*',
  '!.env.example',
  '!.env.sample',
  '!.env.template',
  '!.env.dist',
  '!.env.defaults',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  '.yarnrc.yml',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.boto',
  '.dockercfg',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  '*.ppk',
  '*.kdbx',
  '*.tfvars',
  '*.tfstate',
  'credentials',
  'credentials.json',
  'service-account*.json',
  'service_account*.json',
  'secret.*',
  'secrets.*',
  '.ssh/**',
  '.gnupg/**',
  '.aws/**',
  '.docker/**',
  '.kube/**',
  '.azure/**',
  '.gcloud/**',
];
