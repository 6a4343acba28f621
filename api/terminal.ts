/**
 * What the CLI's commands (api/cli.ts earnings, api/verify.ts verify) share: the error that carries
 * an exit code, the default timeout, and chain text made safe for a terminal.
 */

/** Seconds without a byte from the API before the CLI gives up. */
export const DEFAULT_TIMEOUT_S = 30;

export class CliError extends Error {
  constructor(message: string, public readonly exitCode: 1 | 2) {
    super(message);
  }
}

/** Characters a terminal acts on instead of showing: C0/C1 controls, DEL, zero-width and bidi controls. */
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const visible = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** Chain text shown in a terminal: control characters (escape sequences, bidi overrides) made visible. */
export function terminalSafe(text: string, max = 60): string {
  const clean = text.replace(TERMINAL_CONTROLS, visible);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * JSON for a terminal: every control character inside a string as a \u escape, so the text is the
 * same JSON value (JSON.stringify already escapes C0 inside strings; the only raw one left is the
 * indentation's line feed, which stays).
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(TERMINAL_CONTROLS, (c) => (c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/** CSV for a terminal: controls made visible except the CR, LF and tab that CSV itself uses. */
export function terminalCsv(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => (c === "\r" || c === "\n" || c === "\t" ? c : visible(c)));
}
