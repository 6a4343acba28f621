/**
 * Decoders for untrusted API input (GraphQL arguments, URL path segments, query strings).
 * No I/O, never throws: each returns `{ ok: true, value }` or `{ ok: false, error }` with a short
 * message saying what was expected. The GraphQL resolvers turn a failure into a BAD_USER_INPUT
 * error and the REST routes into HTTP 400 {error}.
 */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = <T>(error: string): Decoded<T> => ({ ok: false, error });

/** Largest uint256: ids and amounts on chain never exceed it. */
export const UINT256_MAX = (1n << 256n) - 1n;

/** Shows a bad value in an error message without echoing kilobytes of it back. */
export function preview(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  const text = typeof value === "string" ? value : String(value);
  return JSON.stringify(text.length > 48 ? `${text.slice(0, 45)}...` : text);
}

/** A 20-byte address, any case, normalised to lowercase 0x-hex (how the indexer stores it). */
export function decodeAddress(input: unknown, name = "address"): Decoded<`0x${string}`> {
  if (typeof input !== "string") return fail(`${name} must be a string like 0x followed by 40 hex digits`);
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return fail(`${name} ${preview(input)} is not an address: expected 0x followed by 40 hex digits`);
  return ok(text.toLowerCase() as `0x${string}`);
}

/** A 32-byte hash (output hash, transaction hash, root), normalised to lowercase. */
export function decodeHash(input: unknown, name = "hash"): Decoded<`0x${string}`> {
  if (typeof input !== "string") return fail(`${name} must be a string like 0x followed by 64 hex digits`);
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) return fail(`${name} ${preview(input)} is not a 32-byte hash: expected 0x followed by 64 hex digits`);
  return ok(text.toLowerCase() as `0x${string}`);
}

/**
 * An on-chain id (uint256, from 1): a bigint, a safe integer or a decimal string. 0 is "none" in
 * the protocol, so it is rejected here as no such thing can exist.
 */
export function decodeId(input: unknown, name = "id"): Decoded<bigint> {
  let value: bigint;
  if (typeof input === "bigint") value = input;
  else if (typeof input === "number") {
    if (!Number.isSafeInteger(input)) return fail(`${name} ${preview(input)} is not a whole number`);
    value = BigInt(input);
  } else if (typeof input === "string") {
    if (!/^[0-9]{1,78}$/.test(input.trim())) return fail(`${name} ${preview(input)} is not an id: expected a positive decimal integer`);
    value = BigInt(input.trim());
  } else return fail(`${name} must be a positive decimal integer`);
  if (value < 1n) return fail(`${name} must be at least 1 (ids count from 1)`);
  if (value > UINT256_MAX) return fail(`${name} is larger than uint256`);
  return ok(value);
}

/** A model version (uint32, from 1). */
export function decodeVersion(input: unknown, name = "version"): Decoded<number> {
  if (typeof input !== "number" || !Number.isInteger(input) || input < 1 || input > 0xffffffff) {
    return fail(`${name} ${preview(input)} is not a version: expected an integer from 1`);
  }
  return ok(input);
}

/** An optional integer in [min, max]; `undefined`/null gives the default. */
export function decodeIntInRange(input: unknown, name: string, min: number, max: number, fallback: number): Decoded<number> {
  if (input === undefined || input === null) return ok(fallback);
  if (typeof input !== "number" || !Number.isInteger(input)) return fail(`${name} must be an integer from ${min} to ${max}`);
  if (input < min || input > max) return fail(`${name} must be from ${min} to ${max}, got ${input}`);
  return ok(input);
}

/** A calendar day "YYYY-MM-DD" (UTC), returned as seconds since the epoch at its start. */
export function decodeDay(input: unknown, name: string): Decoded<number | undefined> {
  if (input === undefined || input === null) return ok(undefined);
  if (typeof input !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(input)) return fail(`${name} ${preview(input)} is not a day: expected YYYY-MM-DD`);
  const ms = Date.parse(`${input}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== input) return fail(`${name} ${preview(input)} is not a calendar day`);
  return ok(ms / 1000);
}

/** Seconds since the epoch (UTC) to "YYYY-MM-DD". */
export function dayOf(timestampSeconds: number | bigint): string {
  return new Date(Number(timestampSeconds) * 1000).toISOString().slice(0, 10);
}

/**
 * Opaque keyset cursors. A cursor is base64url of JSON array of strings (the sort key of the last
 * row); clients treat it as opaque. Decoding checks the shape so a forged cursor is a clear
 * "invalid cursor" instead of a database error.
 */
export function encodeCursor(key: readonly (string | number | bigint)[]): string {
  return Buffer.from(JSON.stringify(key.map((k) => String(k))), "utf8").toString("base64url");
}

/** The one error text of a cursor argument this API did not hand out (or that names no row key). */
export function badCursorText(name = "after"): string {
  return `${name} is not a cursor returned by this API (pass pageInfo.endCursor unchanged)`;
}

export function decodeCursor(input: unknown, arity: number, name = "after"): Decoded<string[] | undefined> {
  if (input === undefined || input === null) return ok(undefined);
  const bad = fail<string[] | undefined>(badCursorText(name));
  if (typeof input !== "string" || input.length > 512 || !/^[A-Za-z0-9_-]+$/.test(input)) return bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(input, "base64url").toString("utf8"));
  } catch {
    return bad;
  }
  if (!Array.isArray(parsed) || parsed.length !== arity || !parsed.every((p) => typeof p === "string" && p.length <= 100)) return bad;
  return ok(parsed as string[]);
}

/** A cursor component that must be a non-negative decimal integer (ids, amounts, block numbers). */
export function cursorBigint(part: string | undefined): bigint | null {
  return part !== undefined && /^[0-9]{1,78}$/.test(part) ? BigInt(part) : null;
}

/** Text to search for: trimmed, bounded, never empty. */
export function decodeSearchText(input: unknown, maxLength = 200): Decoded<string> {
  if (typeof input !== "string") return fail("text must be a string");
  const text = input.trim();
  if (text.length === 0) return fail("text must not be empty");
  if (text.length > maxLength) return fail(`text must be at most ${maxLength} characters`);
  return ok(text);
}
