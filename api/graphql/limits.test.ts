import { describe, expect, test } from "vitest";
import { DEFAULT_ANSWER_CACHE_BYTES, LIMITS, answerCacheBytes, lineageNodeCap } from "./limits.js";

describe("lineageNodeCap (API_LINEAGE_MAX_NODES)", () => {
  test.each([
    [undefined, LIMITS.maxLineageNodes],
    ["", LIMITS.maxLineageNodes],
    ["  ", LIMITS.maxLineageNodes],
    ["1", 1],
    ["2500", 2500],
    [String(LIMITS.maxLineageNodes), LIMITS.maxLineageNodes],
    ["1000000", LIMITS.maxLineageNodes], // held to the cap
  ])("%j gives %i nodes", (raw, nodes) => {
    expect(lineageNodeCap({ API_LINEAGE_MAX_NODES: raw })).toBe(nodes);
  });
  test.each(["0", "-5", "1.5", "ten", "1e400", "9007199254740993"])("%j stops start-up with the variable's name", (raw) => {
    expect(() => lineageNodeCap({ API_LINEAGE_MAX_NODES: raw })).toThrow(`API_LINEAGE_MAX_NODES must be an integer from 1, got ${JSON.stringify(raw)}`);
  });
});

describe("answerCacheBytes (API_ANSWER_CACHE_BYTES)", () => {
  test.each([
    [undefined, DEFAULT_ANSWER_CACHE_BYTES],
    ["", DEFAULT_ANSWER_CACHE_BYTES],
    ["0", 0], // the cache off
    ["1048576", 1_048_576],
  ])("%j gives %i bytes", (raw, bytes) => {
    expect(answerCacheBytes({ API_ANSWER_CACHE_BYTES: raw })).toBe(bytes);
  });
  test.each(["-1", "0.5", "lots", "1e400"])("%j stops start-up with the variable's name", (raw) => {
    expect(() => answerCacheBytes({ API_ANSWER_CACHE_BYTES: raw })).toThrow(`API_ANSWER_CACHE_BYTES must be an integer from 0 (0: no cache), got ${JSON.stringify(raw)}`);
  });
});
