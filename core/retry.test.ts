import { describe, expect, test } from "vitest";
import { describeOutcome, isTransient, parseRetryAfter, retryDelayMs, STARTUP_RETRY, type RetryPolicy, type RpcOutcome } from "./retry.js";

const policy: RetryPolicy = { attempts: 5, baseMs: 100, maxMs: 1000 };

describe("which failures are worth another try", () => {
  test.each<[string, RpcOutcome, boolean]>([
    ["a refused or reset connection", { kind: "network", message: "ECONNREFUSED" }, true],
    ["429 Too Many Requests", { kind: "http", status: 429, retryAfter: "1" }, true],
    ["408 Request Timeout", { kind: "http", status: 408 }, true],
    ["500 Internal Server Error", { kind: "http", status: 500 }, true],
    ["502 Bad Gateway", { kind: "http", status: 502 }, true],
    ["503 Service Unavailable", { kind: "http", status: 503 }, true],
    ["a body cut off mid-JSON", { kind: "unparsable", status: 200 }, true],
    ["JSON-RPC -32603 internal error", { kind: "rpc-error", code: -32603, message: "internal error" }, true],
    ["JSON-RPC -32005 limit exceeded", { kind: "rpc-error", code: -32005, message: "limit exceeded" }, true],
    ["JSON-RPC 429 from a gateway", { kind: "rpc-error", code: 429, message: "rate limited" }, true],
    ["401 Unauthorized (a wrong API key)", { kind: "http", status: 401 }, false],
    ["403 Forbidden", { kind: "http", status: 403 }, false],
    ["404 Not Found (a wrong path)", { kind: "http", status: 404 }, false],
    ["JSON-RPC -32601 method not found", { kind: "rpc-error", code: -32601, message: "method not found" }, false],
    ["JSON-RPC -32600 invalid request", { kind: "rpc-error", code: -32600, message: "invalid request" }, false],
    ["JSON without result or error", { kind: "no-result" }, false],
    ["success", { kind: "ok" }, false],
  ])("%s → %s", (_name, outcome, transient) => {
    expect(isTransient(outcome)).toBe(transient);
  });
});

describe("how long to wait", () => {
  test.each<[string, number, number | null, number | null]>([
    ["after the first failure: the base wait", 1, null, 100],
    ["doubled after the second", 2, null, 200],
    ["doubled again after the third", 3, null, 400],
    ["capped at maxMs", 4, null, 800],
    ["no attempt left after the last", 5, null, null],
    ["nor past it", 9, null, null],
    ["a Retry-After replaces the backoff", 1, 700, 700],
    ["a Retry-After of 0 retries at once", 2, 0, 0],
    ["a Retry-After is capped at maxMs", 1, 60_000, 1000],
    ["a Retry-After does not add attempts", 5, 10, null],
    ["zero failures is no failure", 0, null, null],
    ["a fractional count is refused", 1.5, null, null],
  ])("%s", (_name, failures, retryAfter, expected) => {
    expect(retryDelayMs(failures, policy, retryAfter)).toBe(expected);
  });

  test("the start-up policy is bounded: its waits add up to under 20 s", () => {
    const waits = Array.from({ length: STARTUP_RETRY.attempts }, (_, i) => retryDelayMs(i + 1, STARTUP_RETRY)).filter((w): w is number => w !== null);
    expect(waits).toHaveLength(STARTUP_RETRY.attempts - 1);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(20_000);
    expect(Math.max(...waits)).toBe(STARTUP_RETRY.maxMs);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  test.each<[string, string | null | undefined, number | null]>([
    ["seconds", "3", 3000],
    ["zero seconds", "0", 0],
    ["seconds with spaces", " 2 ", 2000],
    ["an HTTP date 5 s ahead", "Tue, 01 Jan 2030 00:00:05 GMT", 5000],
    ["an HTTP date in the past", "Mon, 31 Dec 2029 23:59:00 GMT", 0],
    ["garbage", "soon", null],
    ["a negative number", "-1", null],
    ["absent", null, null],
    ["undefined", undefined, null],
  ])("%s", (_name, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe("the final error names the last failure", () => {
  test.each<[RpcOutcome, string]>([
    [{ kind: "http", status: 429 }, "HTTP 429"],
    [{ kind: "unparsable", status: 200 }, "HTTP 200 with a body that is not JSON"],
    [{ kind: "rpc-error", code: -32603, message: "boom" }, "JSON-RPC error -32603: boom"],
    [{ kind: "network", message: "ECONNRESET" }, "ECONNRESET"],
    [{ kind: "no-result" }, "an answer with no result"],
  ])("%j → %s", (outcome, text) => {
    expect(describeOutcome(outcome)).toBe(text);
  });
});
