import { describe, expect, test } from "vitest";
import { Rng } from "./rng.js";
import { chooseFault, evenRates, FAULT_KINDS, invalidRates, laggedBlockNumber, rpcCalls, scaleRates, type FaultKind, type FaultRates } from "./faults.js";

const rates: FaultRates = { rateLimit: 0.1, serverError: 0.05, rpcError: 0.05, slow: 0.02, truncated: 0.03, reset: 0.05, laggingHead: 0.1 };

describe("one draw picks at most one fault", () => {
  test.each<[number, FaultKind | null]>([
    [0, "rateLimit"],
    [0.0999, "rateLimit"],
    [0.1, "serverError"],
    [0.1499, "serverError"],
    [0.1501, "rpcError"],
    [0.2001, "slow"],
    [0.2201, "truncated"],
    [0.2501, "reset"],
    [0.3001, "laggingHead"],
    [0.3999, "laggingHead"],
    [0.4001, null],
    [0.9999, null],
  ])("u = %s → %s", (u, kind) => {
    expect(chooseFault(u, rates)).toBe(kind);
  });

  test("no rates, no fault", () => {
    expect(chooseFault(0, {})).toBeNull();
  });
});

describe("rates", () => {
  test.each<[string, FaultRates, string | null]>([
    ["the example mix is valid", rates, null],
    ["all at 1/7 is valid", evenRates(1), null],
    ["a rate above 1", { reset: 1.5 }, "rate of reset must be a number in [0, 1], not 1.5"],
    ["a negative rate", { slow: -0.1 }, "rate of slow must be a number in [0, 1], not -0.1"],
    ["NaN", { slow: Number.NaN }, "rate of slow must be a number in [0, 1], not NaN"],
    ["an unknown fault", { meteor: 0.1 } as FaultRates, `unknown fault "meteor"; known: ${FAULT_KINDS.join(", ")}`],
    ["more than 1 together", { rateLimit: 0.6, reset: 0.6 }, "fault rates add up to 1.200; they must add up to at most 1"],
  ])("%s", (_name, r, message) => {
    expect(invalidRates(r)).toBe(message);
  });

  test.each<[string, FaultRates, number, FaultRates]>([
    ["scaled up, same mix", { rateLimit: 0.05, reset: 0.05 }, 0.3, { rateLimit: 0.15, reset: 0.15 }],
    ["scaled down", { slow: 0.3, truncated: 0.1 }, 0.1, { slow: 0.075, truncated: 0.025 }],
    ["nothing configured stays nothing", {}, 0.3, {}],
  ])("%s", (_name, r, total, expected) => {
    const scaled = scaleRates(r, total);
    expect(Object.keys(scaled).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect(scaled[k as FaultKind]).toBeCloseTo(v, 12);
  });

  test("each fault is drawn at its rate from a seeded stream", () => {
    const rng = new Rng(7, 1);
    const n = 100_000;
    const seen = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    for (let i = 0; i < n; i++) {
      const k = chooseFault(rng.float(), rates);
      if (k) seen[k]++;
    }
    for (const kind of FAULT_KINDS) {
      const p = rates[kind] ?? 0;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(seen[kind] - n * p), kind).toBeLessThan(5 * sd);
    }
  });
});

describe("reading requests and lagging the head", () => {
  test.each<[string, string, { id: unknown; method: string }[] | null]>([
    ["one call", `{"jsonrpc":"2.0","id":3,"method":"eth_blockNumber","params":[]}`, [{ id: 3, method: "eth_blockNumber" }]],
    ["a batch", `[{"id":1,"method":"eth_chainId"},{"id":"b","method":"eth_getLogs"}]`, [{ id: 1, method: "eth_chainId" }, { id: "b", method: "eth_getLogs" }]],
    ["a notification (no id)", `{"method":"eth_blockNumber"}`, [{ id: null, method: "eth_blockNumber" }]],
    ["not JSON", `{"id":1,"meth`, null],
    ["no method", `{"id":1}`, null],
    ["a batch with a number in it", `[1]`, null],
  ])("%s", (_name, body, expected) => {
    expect(rpcCalls(body)).toEqual(expected);
  });

  test.each<[unknown, number, string | null]>([
    ["0x64", 3, "0x61"],
    ["0x2", 5, "0x0"],
    ["0x0", 0, "0x0"],
    ["100", 1, null],
    [null, 1, null],
  ])("%j lagged by %i → %j", (result, lag, expected) => {
    expect(laggedBlockNumber(result, lag)).toBe(expected);
  });
});
