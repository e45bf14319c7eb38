/**
 * The display language's strings, sent by the host in the page (a JSON block, not a script). The
 * entry (`main.ts`) calls this first; no module translates anything before (every translated
 * text is made when it is shown).
 */
import { setL10nBundle } from '../shared/l10n';

export function initL10n(): void {
  try {
    setL10nBundle(JSON.parse(document.getElementById('gemini-l10n')?.textContent || '{}') as Record<string, string>);
  } catch {
    setL10nBundle(undefined); // English
  }
}
