/**
 * "As of a block": what the explorer's as-of control and the `?block=` URL parameter mean. Pure.
 * A page answers at a block number; the control also takes a date or a date-time (UTC), which the
 * API resolves to the last block at or before it (`blockAt(timestamp)`).
 */

/** What the user typed into the as-of control. */
export type AsOfInput =
  | { kind: "now" }
  | { kind: "block"; number: string }
  | { kind: "time"; timestamp: string; label: string }
  | { kind: "invalid"; error: string };

const MAX_DIGITS = 20;

/** The `block` URL parameter: a block number in decimal, or null (now); anything else is invalid. */
export function parseBlockParam(value: string | null): { ok: true; block: string | null } | { ok: false; error: string } {
  if (value === null || value === "") return { ok: true, block: null };
  if (!/^\d+$/.test(value) || value.length > MAX_DIGITS) return { ok: false, error: "block must be a block number" };
  return { ok: true, block: BigInt(value).toString() };
}

/**
 * A block number ("1234", "#1234", "1,234"), a date ("2040-03-03": the end of that day, so the day's
 * activity is in) or a date-time ("2040-03-03 14:05", "2040-03-03T14:05:09", UTC; a trailing "Z"
 * or " UTC" is accepted). Empty or "now" is now.
 */
export function parseAsOfInput(text: string): AsOfInput {
  const t = text.trim();
  if (t === "" || t.toLowerCase() === "now") return { kind: "now" };
  const n = t.replace(/^#/, "").replace(/[,_\s]/g, "");
  if (/^\d+$/.test(n)) {
    if (n.length > MAX_DIGITS) return { kind: "invalid", error: "That block number is too long." };
    return { kind: "block", number: BigInt(n).toString() };
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(?:\s*(?:Z|UTC))?$/i.exec(t);
  if (!m) return { kind: "invalid", error: "Type a block number, a date (2040-03-03) or a date and time in UTC (2040-03-03 14:05)." };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = m[4] !== undefined;
  const [h, mi, s] = hasTime ? [Number(m[4]), Number(m[5]), Number(m[6] ?? "59")] : [23, 59, 59];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return { kind: "invalid", error: "That is not a calendar date and time." };
  }
  if (ms < 0) return { kind: "invalid", error: "Dates before 1970 are before any chain." };
  const label = hasTime ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ""} UTC` : `the end of ${m[1]}-${m[2]}-${m[3]} (UTC)`;
  return { kind: "time", timestamp: String(Math.floor(ms / 1000)), label };
}

/** The GraphQL `block` argument of a page at `block` (null: now). */
export function blockVariable(block: string | null): { number: string } | null {
  return block === null ? null : { number: block };
}
