/**
 * Credentials written into URLs (`https://user:token@host`, `https://ghp_…@github.com`) are masked
 * in what tools return before the model sees it: a command's output, a file's text.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s/@:'"<>]+)(?::([^\s/@'"<>]+))?@(?=[^\s/@'"<>]+)/gi;

/** Whether a username alone looks like a token (long, or a known token prefix). */
function tokenLike(user: string): boolean {
  return user.length >= 20 || /^(ghp|gho|ghu|ghs|ghr|github_pat|glpat|xox[abpr]|sk|pat|npm)[_-]/i.test(user);
}

export function maskUrlCredentials(text: string): string {
  if (!text.includes('@') || !text.includes('://')) return text;
  return text.replace(URL_USERINFO, (whole, scheme: string, user: string, pass: string | undefined) => {
    if (pass !== undefined) return `${scheme}${user}:••••@`;
    if (tokenLike(user)) return `${scheme}••••@`;
    return whole;
  });
}
