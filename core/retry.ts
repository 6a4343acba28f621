/**
 * When to try a start-up request again, and after how long: pure rules, no I/O.
 *
 * A public JSON-RPC endpoint answers 429s, 5xx pages, JSON-RPC server errors, truncated bodies and
 * dropped connections now and then; one of them must not end a start-up. What a retry cannot
 * mend (a 4xx other than 408/425/429, a method the endpoint does not know, a well-formed answer
 * without a result) fails at once.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait after the first failure; doubled after each further one. */
  baseMs: number;
  /** No wait longer than this, whatever the backoff or a Retry-After header says. */
  maxMs: number;
}

/** Start-up: 8 attempts, waits of 0.25, 0.5, 1, 2, 4, 5, 5 s (about 18 s in all before giving up). */
export const STARTUP_RETRY: RetryPolicy = { attempts: 8, baseMs: 250, maxMs: 5000 };

/** What one attempt of a JSON-RPC request came to. */
export type RpcOutcome =
  | { kind: "ok" }
  /** The connection failed: refused, reset, timed out, DNS. */
  | { kind: "network"; message: string }
  /** An HTTP status other than 2xx. */
  | { kind: "http"; status: number; retryAfter?: string | null }
  /** A 2xx whose body is not JSON (cut off, or an HTML page). */
  | { kind: "unparsable"; status: number }
  /** A JSON-RPC error object. */
  | { kind: "rpc-error"; code: number; message: string }
  /** JSON, but neither a result nor an error: not a JSON-RPC endpoint. */
  | { kind: "no-result" };

const TRANSIENT_HTTP = new Set([408, 425, 429]);

/**
 * JSON-RPC codes worth another try: -32603 internal error, the -32000..-32099 server-error range
 * (which nodes use for "limit exceeded" -32005, "header not found", "resource unavailable"), and
 * 429 as some gateways spell it.
 */
export function isTransientRpcCode(code: number): boolean {
  return code === -32603 || (code <= -32000 && code >= -32099) || code === 429;
}

export function isTransient(outcome: RpcOutcome): boolean {
  switch (outcome.kind) {
    case "ok":
      return false;
    case "network":
    case "unparsable":
      return true;
    case "http":
      return TRANSIENT_HTTP.has(outcome.status) || (outcome.status >= 500 && outcome.status <= 599);
    case "rpc-error":
      return isTransientRpcCode(outcome.code);
    case "no-result":
      return false;
  }
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `nowMs`; null if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3},/.test(text)) return null; // an HTTP date starts with its day name
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * How long to wait after the `failures`-th failed attempt (1 for the first), or null when no
 * attempt is left. A Retry-After the server sent replaces the backoff, within `maxMs`.
 */
export function retryDelayMs(failures: number, policy: RetryPolicy, retryAfterMs: number | null = null): number | null {
  if (!Number.isInteger(failures) || failures < 1 || failures >= policy.attempts) return null;
  const backoff = policy.baseMs * 2 ** (failures - 1);
  return Math.min(policy.maxMs, retryAfterMs ?? backoff);
}

/** A short description of an outcome for the final error line. */
export function describeOutcome(outcome: RpcOutcome): string {
  switch (outcome.kind) {
    case "ok":
      return "ok";
    case "network":
      return outcome.message;
    case "http":
      return `HTTP ${outcome.status}`;
    case "unparsable":
      return `HTTP ${outcome.status} with a body that is not JSON`;
    case "rpc-error":
      return `JSON-RPC error ${outcome.code}: ${outcome.message}`;
    case "no-result":
      return "an answer with no result";
  }
}
