/**
 * Which fault a flaky JSON-RPC endpoint answers a request with: pure rules for the fault proxy
 * (chain/faultProxy.ts). One uniform draw in [0, 1) per request picks at most one fault, each with
 * its own rate; the rest of the interval passes the request through.
 */

export const FAULT_KINDS = [
  /** 429 Too Many Requests with a Retry-After. */
  "rateLimit",
  /** 500, 502 or 503 with an HTML page. */
  "serverError",
  /** A JSON-RPC error -32603 "internal error" for every request of the body. */
  "rpcError",
  /** The upstream answer, delayed. */
  "slow",
  /** The upstream answer cut off mid-JSON. */
  "truncated",
  /** The connection reset without an answer. */
  "reset",
  /** eth_blockNumber and eth_getBlockByNumber("latest") answered some blocks behind the head (other methods pass). */
  "laggingHead",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultRates = Partial<Record<FaultKind, number>>;

/** Checks rates: each in [0, 1], together at most 1. Returns an error message, or null. */
export function invalidRates(rates: FaultRates): string | null {
  let sum = 0;
  for (const [kind, rate] of Object.entries(rates)) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) return `unknown fault "${kind}"; known: ${FAULT_KINDS.join(", ")}`;
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 1) return `rate of ${kind} must be a number in [0, 1], not ${String(rate)}`;
    sum += rate;
  }
  if (sum > 1 + 1e-9) return `fault rates add up to ${sum.toFixed(3)}; they must add up to at most 1`;
  return null;
}

/** The fault for a uniform draw `u` in [0, 1): the kinds' intervals laid end to end in FAULT_KINDS order. */
export function chooseFault(u: number, rates: FaultRates): FaultKind | null {
  let edge = 0;
  for (const kind of FAULT_KINDS) {
    edge += rates[kind] ?? 0;
    if (u < edge) return kind;
  }
  return null;
}

/** The same mix of faults at a total rate of `total` (0 when none is configured). */
export function scaleRates(rates: FaultRates, total: number): FaultRates {
  const sum = FAULT_KINDS.reduce((s, k) => s + (rates[k] ?? 0), 0);
  if (sum === 0) return {};
  return Object.fromEntries(FAULT_KINDS.filter((k) => rates[k]).map((k) => [k, ((rates[k] ?? 0) / sum) * total]));
}

/** An even mix of every fault at a total rate of `total`. */
export function evenRates(total: number): FaultRates {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, total / FAULT_KINDS.length]));
}

/** A JSON-RPC request body as the proxy reads it: its ids and methods (a batch has several). */
export function rpcCalls(body: string): { id: unknown; method: string }[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: { id: unknown; method: string }[] = [];
  for (const call of list) {
    if (typeof call !== "object" || call === null) return null;
    const { id, method } = call as { id?: unknown; method?: unknown };
    if (typeof method !== "string") return null;
    out.push({ id: id ?? null, method });
  }
  return out;
}

/** A head `lag` blocks behind an eth_blockNumber result (hex quantity), never below 0; null if unreadable. */
export function laggedBlockNumber(result: unknown, lag: number): string | null {
  if (typeof result !== "string" || !/^0x[0-9a-fA-F]+$/.test(result)) return null;
  const n = BigInt(result) - BigInt(lag);
  return `0x${(n < 0n ? 0n : n).toString(16)}`;
}
