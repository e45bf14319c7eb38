/**
 * The display language's strings, sent by the host in the page (a JSON block, not a script), in
 * place before any other webview module is evaluated. Imported first by `main.ts`.
 */
import { setL10nBundle } from '../shared/l10n';

try {
  setL10nBundle(JSON.parse(document.getElementById('gemini-l10n')?.textContent || '{}') as Record<string, string>);
} catch {
  setL10nBundle(undefined); // English
}
