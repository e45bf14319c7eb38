/**
 * The display language's strings, in place before any other module of the extension is
 * evaluated (some keep a translated constant). Imported first by `extension.ts`. VS Code has
 * already loaded `l10n/bundle.l10n.<language>.json`; in English there is no bundle.
 */
import * as vscode from 'vscode';
import { setL10nBundle } from '../shared/l10n';

setL10nBundle(vscode.l10n.bundle);
