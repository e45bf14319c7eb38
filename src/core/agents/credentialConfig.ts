/**
 * Configuration files that a build needs but that may also hold a credential (`.npmrc`,
 * `.yarnrc.yml`, `pip.conf`, `gradle.properties`, Maven's `settings.xml`, …). A remote-run
 * snapshot sends them with the credential values removed instead of leaving them out whole
 * (babel's `.yarnrc.yml` points Yarn at the repository's own release: without it the agent's
 * install fails), and the upload list names each one.
 *
 * What counts as a credential value: the value of a key whose name says it is one (token, auth,
 * password, secret, private key, …), and the user-information part of any URL. A value that only
 * names an environment variable (`${NPM_TOKEN}`) is no credential and stays.
 */

/** Files that are configuration first (a build reads them) and may hold a credential. */
const REDACTABLE =
  /(^|\/)(\.npmrc|\.yarnrc|\.yarnrc\.yml|\.pypirc|pip\.conf|pip\.ini|\.condarc|\.gemrc|\.my\.cnf|\.s3cfg|\.boto|gradle\.properties|settings\.xml|\.bunfig\.toml|bunfig\.toml|\.cargo\/config(\.toml)?)$/i;

/** Words in a key's name (lower case, letters and digits only) that say its value is a credential. */
const CREDENTIAL_WORDS = /(token|authident|password|passwd|^pwd$|secret|credential|apikey|accesskey|privatekey|passphrase|sessionkey|bearer|cookie)/;

/** A value that only refers to an environment variable: kept (it is a name, not a secret). */
const ENV_REFERENCE = /^\s*["']?(\$\{[A-Za-z_][A-Za-z0-9_.:-]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%)["']?\s*$/;

/** The user information of a URL (`https://user:pass@host`): dropped wherever it appears. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi;

/** `key: value` or `key = value` right after `{` or `,` (an inline map); the value quoted or bare (a nested map is looked into, not taken as a value). */
const INLINE_PAIR = /([{,]\s*)((?:"[^"]*"|'[^']*'|[A-Za-z_][\w.-]*))(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,{}[\]\s][^,}\s]*)/g;

export function isRedactableConfig(rel: string): boolean {
  return REDACTABLE.test(rel);
}

export interface Redacted {
  text: string;
  /** How many values were removed. */
  removed: number;
}

function credentialKey(key: string): boolean {
  const k = key.toLowerCase();
  // npm's `_auth` and `//host/:_auth` (user and password in base64), not `always-auth`
  if (/(^|[_.:/])auth$/.test(k)) return true;
  return CREDENTIAL_WORDS.test(k.replace(/[^a-z0-9]/g, ''));
}

/** The file's text with every credential value removed (the keys stay, so the file still parses). */
export function redactConfig(rel: string, text: string): Redacted {
  let removed = 0;
  // The user part of URLs, and credentials in inline maps on any line (YAML's `{ npmAuthToken: x }`,
  // TOML's `{ token = "x" }`): a line whose own key says nothing can still hold one.
  const userinfo = (line: string) =>
    line
      .replace(URL_USERINFO, (_m, scheme: string) => {
        removed++;
        return scheme;
      })
      .replace(INLINE_PAIR, (m, lead: string, key: string, sep: string, value: string) => {
        if (!credentialKey(key.replace(/^["']|["']$/g, '')) || ENV_REFERENCE.test(value) || /^["']{2}$/.test(value)) return m;
        removed++;
        return `${lead}${key}${sep}""`;
      });
  if (/settings\.xml$/i.test(rel)) {
    const out = text.replace(/<([A-Za-z_][\w.-]*)(\s[^>]*)?>([^<]*)<\/\1>/g, (m, tag: string, attrs: string | undefined, value: string) => {
      if (!credentialKey(tag) || !value.trim() || ENV_REFERENCE.test(value.replace(/^\$\{env\./, '${'))) return m;
      removed++;
      return `<${tag}${attrs ?? ''}></${tag}>`;
    });
    return { text: userinfo(out), removed };
  }
  const flavor = /\.(yml|yaml)$|\.condarc$|\.gemrc$/i.test(rel) ? 'yaml' : /(^|\/)\.yarnrc$/i.test(rel) ? 'space' : 'ini';
  const lines = text.split(/(?<=\n)/);
  const out: string[] = [];
  // A YAML block scalar (`key: |`) under a credential key: its more-indented lines go too.
  let dropIndent = -1;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    if (dropIndent >= 0) {
      if (line.trim() === '' || indent > dropIndent) continue;
      dropIndent = -1;
    }
    const kv = /^\s*[#;!]/.test(line) ? undefined : splitLine(line, flavor);
    if (kv && credentialKey(kv.key)) {
      const value = kv.value.replace(/\s+#.*$/, '');
      if (value.trim() === '' || ENV_REFERENCE.test(value)) {
        out.push(userinfo(line));
        continue;
      }
      removed++;
      if (flavor === 'yaml' && /^[|>][-+0-9]*\s*$/.test(value.trim())) dropIndent = indent;
      out.push(`${kv.head}${flavor === 'ini' ? '' : '""'}${kv.eol}`);
      continue;
    }
    out.push(userinfo(line));
  }
  return { text: out.join(''), removed };
}

/**
 * One line as key, separator and value. `ini`: `key = value` at the first `=` (an npm key holds
 * colons: `//registry.npmjs.org/:_authToken=…`), else at the first `:` (Python's INI files allow
 * both). `yaml`: `key: value` (the key may be quoted). `space`: Yarn 1's `key value`.
 */
function splitLine(line: string, flavor: 'ini' | 'yaml' | 'space'): { head: string; key: string; value: string; eol: string } | undefined {
  const eol = /\r?\n$/.exec(line)?.[0] ?? '';
  const body = line.slice(0, line.length - eol.length);
  let m: RegExpExecArray | null;
  if (flavor === 'yaml') m = /^(\s*(?:-\s+)?(?:"([^"]*)"|'([^']*)'|([^\s:#][^:#]*?))\s*:(?:\s+|$))(.*)$/.exec(body);
  else if (flavor === 'space') m = /^(\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s+)(.*)$/.exec(body);
  else m = /^(\s*()()([^=\s][^=]*?)\s*=\s*)(.*)$/.exec(body) ?? /^(\s*()()([^:\s[][^:]*?)\s*:\s*)(.*)$/.exec(body);
  if (!m) return undefined;
  return { head: m[1]!, key: m[2] || m[3] || m[4] || '', value: m[5]!, eol };
}
