/**
 * The text of anything thrown: an Error's message, a string as it is, anything else as JSON or
 * its string form. One helper, so that no caller shows "undefined" for a thrown non-Error.
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
