import { describe, expect, test } from "vitest";
import { formatLag, freshnessView, type FreshnessData, type FreshnessView } from "./freshness";

const data = (f: Partial<FreshnessData["freshness"]>): FreshnessData => ({
  freshness: { block: { number: "100", timestamp: "1200" }, head: { number: "100", timestamp: "1200" }, lagBlocks: "0", lagSeconds: 0, lastError: null, ...f },
});

describe("the freshness badge and banner", () => {
  test.each<[string, FreshnessData | undefined, Error | undefined, FreshnessView]>([
    ["caught up: a quiet badge, no banner", data({}), undefined, { level: "ok", badge: "block 100 · live", banner: null }],
    ["a few blocks behind: still quiet", data({ head: { number: "103", timestamp: "1236" }, lagBlocks: "3", lagSeconds: 36 }), undefined, { level: "behind", badge: "block 100 · 3 behind", banner: null }],
    ["exactly a minute behind: still quiet", data({ lagBlocks: "5", lagSeconds: 60 }), undefined, { level: "behind", badge: "block 100 · 5 behind", banner: null }],
    [
      "more than a minute behind: a banner",
      data({ head: { number: "125", timestamp: "1500" }, lagBlocks: "25", lagSeconds: 300 }),
      undefined,
      { level: "stale", badge: "5 min behind", banner: "The figures are 5 min behind the chain (block 100, the chain is at 125): the indexer is stopped or catching up." },
    ],
    [
      "the chain's RPC failing: a banner naming the error",
      data({ head: null, lagBlocks: null, lagSeconds: null, lastError: "reading the chain head failed: HTTP 502" }),
      undefined,
      { level: "stale", badge: "block 100", banner: "The chain cannot be read right now (reading the chain head failed: HTTP 502). The figures shown are as of block 100." },
    ],
    [
      "the API unreachable, after an answer: a banner with the block last seen",
      data({}),
      new Error("Cannot reach the API"),
      { level: "unreachable", badge: "offline", banner: "Cannot reach the API, so the figures may be out of date. The figures shown are as of block 100." },
    ],
    ["the API unreachable from the start", undefined, new Error("x"), { level: "unreachable", badge: "offline", banner: "Cannot reach the API, so the figures may be out of date." }],
    ["no answer yet", undefined, undefined, { level: "starting", badge: "…", banner: null }],
    [
      "nothing indexed yet",
      data({ block: null, lagBlocks: null, lagSeconds: null }),
      undefined,
      { level: "starting", badge: "indexing…", banner: "The indexer has not indexed a block yet: figures will appear as it catches up." },
    ],
  ])("%s", (_name, d, error, expected) => {
    expect(freshnessView(d, error)).toEqual(expected);
  });

  test.each([
    [5, "5 s"],
    [89, "89 s"],
    [90, "2 min"],
    [3600, "60 min"],
    [7200, "2 h"],
    [200_000, "2 d"],
  ])("a lag of %i s reads %s", (s, text) => {
    expect(formatLag(s)).toBe(text);
  });
});
