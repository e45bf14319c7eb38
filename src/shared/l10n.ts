/**
 * The extension's user-facing strings, in the user's display language. One mechanism for the
 * host, the core and the webview: the English text is the key (as with `vscode.l10n.t`), the
 * translations are VS Code's l10n bundles (`l10n/bundle.l10n.<lang>.json`, loaded by VS Code and
 * handed over as `vscode.l10n.bundle`), and English is the fallback for anything missing.
 *
 * Placeholders are `{0}`, `{1}`… (positional) or `{name}` (an object argument). Text the model
 * reads (tool descriptions, tool results) stays English: it is not shown as our UI.
 */

export type L10nArg = string | number | boolean | undefined;
type Bundle = Readonly<Record<string, string>>;

let current: Bundle = {};

/** Use this bundle (the host passes `vscode.l10n.bundle`; the webview the copy the host sent). */
export function setL10nBundle(bundle: Bundle | undefined): void {
  current = bundle ?? {};
}

/** The bundle in use (the host gives it to its webviews). */
export function l10nBundle(): Bundle {
  return current;
}

function format(template: string, args: readonly L10nArg[] | Readonly<Record<string, L10nArg>>): string {
  return template.replace(/\{([^{}\s]+)\}/g, (whole, key: string) => {
    const v = Array.isArray(args) ? (/^\d+$/.test(key) ? args[Number(key)] : undefined) : (args as Record<string, L10nArg>)[key];
    return v === undefined ? (Array.isArray(args) && /^\d+$/.test(key) && Number(key) < args.length ? '' : whole) : String(v);
  });
}

export const l10n = {
  /** `message` in the display language, its placeholders filled from `args`. */
  t(message: string, ...args: L10nArg[] | [Readonly<Record<string, L10nArg>>]): string {
    const template = current[message] ?? message;
    if (args.length === 0) return template;
    const first = args[0];
    return format(template, args.length === 1 && typeof first === 'object' ? first : (args as L10nArg[]));
  },
};
