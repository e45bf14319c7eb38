/**
 * Execution-relevant files: a file that a program other than the editor's own buffer reads as
 * configuration or runs (git, the editor and its extensions, a dev container, CI, an agent, an
 * environment loader, a package manager or build tool, a shim in the workspace). One function
 * decides it for the file tools and for the change set a sandboxed command leaves behind, and a
 * path that does not exist yet counts the same as one that does.
 *
 * Names are compared the way the file systems that matter compare them: case-insensitively
 * (NTFS, APFS, HFS+), after Unicode normalisation, without the code points HFS+ ignores
 * (`.g\u200cit` is `.git` there), without NTFS's trailing dots and spaces and alternate data
 * streams (`.git.`, `.git::$DATA`), and with 8.3 short names (`GIT~1`) treated as possibly any name.
 */

/** Code points HFS+ ignores in names (git's is_hfs_dotgit list), plus other default-ignorables. */
/* eslint-disable no-misleading-character-class -- combining and joining characters are what is removed */
const IGNORABLE =
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{1bca0}-\u{1bca3}\u{e0000}-\u{e0fff}]/gu;
/* eslint-enable no-misleading-character-class */

/** Segments recur (node_modules, src, index.js): folding each once is most of the cost. */
const folded = new Map<string, string>();

/** One path segment folded as case-insensitive, normalising file systems compare it. */
export function foldName(segment: string): string {
  if (segment === '.' || segment === '..') return segment;
  const hit = folded.get(segment);
  if (hit !== undefined) return hit;
  const out = foldUncached(segment);
  if (folded.size > 100_000) folded.clear();
  folded.set(segment, out);
  return out;
}

/** Printable ASCII: nothing to remove or normalise, and upper-then-lower case is lower case (most names: folded without the Unicode work). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function foldUncached(segment: string): string {
  let s: string;
  if (PRINTABLE_ASCII.test(segment)) s = segment.toLowerCase();
  else {
    s = segment.replace(IGNORABLE, '').normalize('NFKC');
    // Upper then lower: folds Kelvin sign, long s, dotless forms the way case-insensitive lookups do.
    s = s.toUpperCase().toLowerCase().normalize('NFKC');
  }
  // NTFS: an alternate data stream names the file before the colon; trailing dots and spaces vanish.
  const colon = s.indexOf(':');
  if (colon > 0) s = s.slice(0, colon);
  const trimmed = s.replace(/[. ]+$/, '');
  return trimmed || s;
}

/** A workspace-relative path folded segment by segment, `/`-separated (a trailing `/` is kept: a folder). */
export function foldPath(rel: string): string {
  const folded = rel
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.')
    .map(foldName)
    .join('/');
  return folded && /[\\/]$/.test(rel) ? `${folded}/` : folded;
}

type Rule = [RegExp, string];

const GIT = 'git internals or configuration (git runs hooks, filters and programs named there)';
const HOOKS = 'a git hook manager’s folder or configuration (it runs on commit)';
const EDITOR = 'editor, IDE or dev-container configuration (the editor and its extensions load it)';
const CI = 'a CI configuration (it runs with the repository’s secrets)';
const AGENT = 'an agent instruction, skill or configuration file (it steers the agent)';
const ENV = 'an environment loader (direnv, dotenv, version managers read it)';
const BUILD = 'a package manifest, build file or lockfile (it says what builds and scripts run)';
const LINT = 'a tool configuration that editor extensions load and may run';
const SHIM = 'an interpreter or tool shim inside the workspace (other programs run it)';

/** Matched against the folded path (lower case, `/`-separated). Order does not matter. */
const RULES: Rule[] = [
  // git and other version control, anywhere in the tree: nested repositories and submodules included
  [/(^|\/)\.(git|hg|svn|jj|bzr|pijul|fossil)(\/|$)/, GIT],
  [/(^|\/)(_darcs|_fossil_|\.fslckout)(\/|$)/, GIT],
  [/(^|\/)\.(gitmodules|gitattributes|gitconfig|lfsconfig|hgrc)$/, GIT],
  [/(^|\/)\.(husky|githooks|git-hooks|hooks|lefthook|simple-git-hooks|yorkie)(\/|$)/, HOOKS],
  [
    /(^|\/)(\.?lefthook(-local)?\.(ya?ml|json|toml)|\.pre-commit-(config|hooks)\.ya?ml|\.overcommit\.ya?ml|\.?simple-git-hooks\.(c?js|mjs|json)|\.lintstagedrc[^/]*|lint-staged\.config\.[^/]+|\.commitlintrc[^/]*|commitlint\.config\.[^/]+|\.czrc|\.huskyrc[^/]*)$/,
    HOOKS,
  ],
  // editors, IDEs, dev containers and cloud workspaces
  [/(^|\/)\.(vscode|idea|fleet|zed|theia|nova|vs|settings|devcontainer|gitpod|idx|codesandbox|coder|replit-nix|cursor-server)(\/|$)/, EDITOR],
  [
    /(^|\/)([^/]*\.code-workspace|[^/]*\.sublime-project|\.devcontainer\.json|\.gitpod\.ya?ml|\.gitpod\.dockerfile|devfile\.ya?ml|\.replit|replit\.nix|\.stackblitzrc|\.editorconfig|\.project|\.classpath|[^/]*\.sln|[^/]*\.suo)$/,
    EDITOR,
  ],
  // CI and hosted automation
  [/(^|\/)\.(github|gitlab|gitea|forgejo|circleci|buildkite|woodpecker|semaphore|teamcity|tekton|azure-pipelines|jenkins|drone)(\/|$)/, CI],
  [
    /(^|\/)(\.gitlab-ci\.ya?ml|\.travis\.ya?ml|azure-pipelines[^/]*\.ya?ml|bitbucket-pipelines\.ya?ml|jenkinsfile|\.drone\.ya?ml|\.?appveyor\.ya?ml|\.woodpecker\.ya?ml|cloudbuild\.(ya?ml|json)|\.cirrus\.ya?ml|codemagic\.ya?ml|wercker\.ya?ml|netlify\.toml|vercel\.json|renovate\.json5?|\.renovaterc[^/]*)$/,
    CI,
  ],
  // agents: instructions, skills, rules, MCP configuration
  [/(^|\/)\.(cursor|claude|gemini|agents?|continue|roo|kilocode|kiro|windsurf|codex|junie|amazonq|augment|opencode|clinerules|aider[^/]*)(\/|$)/, AGENT],
  [
    /(^|\/)(agents?\.md|gemini\.md|claude(\.local)?\.md|copilot-instructions\.md|skill\.md|[^/]*\.(instructions|prompt|chatmode|agent)\.md|\.cursorrules|\.windsurfrules|\.roorules[^/]*|\.goosehints|\.continuerc\.json|opencode\.jsonc?|\.mcp\.json|mcp\.json|gemini-extension\.json|\.geminiignore|\.cursorignore|\.aiexclude|\.aider[^/]*)$/,
    AGENT,
  ],
  // environment loaders and version managers
  [
    /(^|\/)(\.env(?!\.(example|sample|template|dist|defaults)$)[^/]*|\.envrc|\.tool-versions|\.nvmrc|\.node-version|\.python-version|\.ruby-version|\.ruby-gemset|\.java-version|\.go-version|\.terraform-version|\.sdkmanrc|\.?mise(\.local)?\.toml|\.rtx\.toml|rust-toolchain(\.toml)?|devbox\.(json|lock)|flake\.(nix|lock)|shell\.nix|default\.nix|vagrantfile|\.condarc|environment\.ya?ml|pixi\.(toml|lock)|\.(bash|zsh)(rc|env|_profile|_login|_logout)|\.profile|\.inputrc|\.npmrc|\.yarnrc(\.ya?ml)?|\.pypirc|pip\.(conf|ini))$/,
    ENV,
  ],
  [/(^|\/)\.(direnv|mise|devbox|vagrant|pixi|envs?)(\/|$)/, ENV],
  // package manifests, build files, lockfiles
  [
    /(^|\/)(package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|pnpm-workspace\.ya?ml|\.pnpmfile\.c?js|bun\.lockb?|bunfig\.toml|deno\.(json|jsonc|lock)|lerna\.json|nx\.json|turbo\.json|rush\.json|\.pnp\.(c?js|loader\.mjs)|tsconfig[^/]*\.json|jsconfig[^/]*\.json)$/,
    BUILD,
  ],
  [
    /(^|\/)(pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pipfile(\.lock)?|poetry\.lock|uv\.lock|pdm\.lock|hatch\.toml|manifest\.in|tox\.ini|noxfile\.py|conftest\.py|pytest\.ini|sitecustomize\.py|usercustomize\.py|pyvenv\.cfg|[^/]*\.pth)$/,
    BUILD,
  ],
  [
    /(^|\/)(gemfile(\.lock)?|[^/]*\.gemspec|rakefile|\.rspec|\.irbrc|\.pryrc|cargo\.(toml|lock)|build\.rs|go\.(mod|sum|work|work\.sum)|pom\.xml|mvnw(\.cmd)?|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|gradle\.lockfile|gradlew(\.bat)?|build\.sbt|\.sbtopts|\.jvmopts|build\.xml|[^/]*\.(cs|fs|vb)proj|[^/]*\.(props|targets)|nuget\.config|global\.json|packages\.lock\.json|composer\.(json|lock)|mix\.(exs|lock)|rebar\.config|stack\.yaml|cabal\.project|[^/]*\.cabal|dune-project|[^/]*\.opam|pubspec\.(yaml|lock)|podfile(\.lock)?|cartfile|package\.swift|build\.zig(\.zon)?|flake\.lock)$/,
    BUILD,
  ],
  [
    /(^|\/)(makefile|gnumakefile|[^/]*\.mk|cmakelists\.txt|[^/]*\.cmake|cmake(user)?presets\.json|meson\.build|meson_options\.txt|configure(\.ac|\.in)?|autogen\.sh|build\.ninja|sconstruct|sconscript|wscript|premake5\.lua|xmake\.lua|vcpkg\.json|conanfile\.(txt|py)|build(\.bazel)?|workspace(\.bazel)?|module\.bazel|[^/]*\.bzl|\.bazelrc|\.bazelversion|justfile|\.justfile|taskfile\.ya?ml|magefile\.go|earthfile|tiltfile|skaffold\.ya?ml|procfile|dockerfile[^/]*|[^/]*\.dockerfile|(docker-)?compose[^/]*\.ya?ml|containerfile)$/,
    BUILD,
  ],
  [/(^|\/)\.(mvn|cargo|bundle)(\/|$)|(^|\/)\.yarn\/(releases|plugins|sdks)(\/|$)|(^|\/)gradle\/wrapper(\/|$)|(^|\/)project\/[^/]*\.(sbt|scala)$/, BUILD],
  // configuration that editor extensions and linters load (several run it as code)
  [
    /(^|\/)(\.eslintrc[^/]*|eslint\.config\.[^/]+|\.eslintignore|\.prettierrc[^/]*|prettier\.config\.[^/]+|\.stylelintrc[^/]*|stylelint\.config\.[^/]+|biome\.jsonc?|\.swcrc|\.babelrc[^/]*|babel\.config\.[^/]+|(webpack|vite|vitest|jest|rollup|rspack|next|nuxt|svelte|astro|tailwind|postcss|playwright|cypress|karma|remix|metro|quasar|vue|electron-builder|commitlint|tsup|esbuild)\.config\.[^/]+|karma\.conf\.[^/]+|gulpfile\.[^/]+|gruntfile\.[^/]+|\.mocharc[^/]*|\.nycrc[^/]*|jest\.setup\.[^/]+|\.pylintrc|pylintrc|\.flake8|mypy\.ini|\.mypy\.ini|\.coveragerc|\.?ruff\.toml|\.rubocop[^/]*\.ya?ml|rustfmt\.toml|\.rustfmt\.toml|clippy\.toml|\.golangci\.(ya?ml|toml|json)|\.clangd|\.clang-tidy|\.clang-format|compile_commands\.json|\.markdownlint[^/]*|\.luarc\.json|\.jshintrc|\.htmlhintrc)$/,
    LINT,
  ],
  // shims and interpreters inside the workspace
  [/(^|\/)node_modules\/\.bin(\/|$)/, SHIM],
  [/(^|\/)(\.?venv[^/]*|env|virtualenv|\.tox\/[^/]+|\.nox\/[^/]+|\.conda|conda-meta)\/(bin|scripts)(\/|$)/, SHIM],
  [/(^|\/)(\.?venv[^/]*|\.conda)\/(lib|lib64)\/[^/]+\/site-packages\/[^/]*\.pth$/, SHIM],
  [/(^|\/)vendor\/bin(\/|$)|(^|\/)\.bin(\/|$)|(^|\/)\.local\/bin(\/|$)/, SHIM],
];

/** An 8.3 short name (`GIT~1`, `VSCODE~1`): on Windows it may alias any protected name. */
const SHORT_NAME = /(^|\/)[^/.~]{1,6}~\d{1,6}(\.[^/]{0,3})?(\/|$)/;

/**
 * Why a workspace-relative path is execution-relevant, or undefined. The path need not exist.
 * `rel` uses either separator and is folded before matching; a folder is written with a trailing
 * `/` (so a folder named `build` is not Bazel's BUILD file, while `.git/` is still git's).
 */
export function executionRelevance(rel: string): string | undefined {
  return executionRelevanceFolded(foldPath(rel));
}

/** Any rule at all, in one pass (most paths match none). */
const ANY = new RegExp([...RULES.map(([re]) => re.source), SHORT_NAME.source].join('|'));

/** The same for a path already folded with foldPath. */
export function executionRelevanceFolded(p: string): string | undefined {
  if (!p || !ANY.test(p)) return undefined;
  for (const [re, why] of RULES) if (re.test(p)) return why;
  if (SHORT_NAME.test(p)) return 'a short (8.3) name that may stand for a protected name on Windows';
  return undefined;
}
