import { describe, expect, test } from "vitest";
import { checkpointRef, freshnessOf, type BlockRef } from "./freshness.js";

const cp = (timestamp: number, block: number) => `${String(timestamp).padStart(10, "0")}${"31337".padStart(16, "0")}${String(block).padStart(16, "0")}${"0".repeat(33)}`;

describe("checkpoints", () => {
  test.each<[string, string | null | undefined, { number: bigint; timestamp: bigint } | null]>([
    ["block and timestamp", cp(1_800_000_000, 42), { number: 42n, timestamp: 1_800_000_000n }],
    ["Ponder's zero checkpoint: nothing indexed", "0".repeat(75), null],
    ["too short", "123", null],
    ["not digits", "x".repeat(75), null],
    ["null", null, null],
    ["undefined", undefined, null],
  ])("%s", (_name, checkpoint, expected) => {
    const ref = checkpointRef(checkpoint);
    expect(ref === null ? null : { number: ref.number, timestamp: ref.timestamp }).toEqual(expected);
  });
});

const ref = (number: number, timestamp: number): BlockRef => ({ number: BigInt(number), hash: null, timestamp: BigInt(timestamp) });

describe("lag", () => {
  test.each<[string, BlockRef | null, BlockRef | null, bigint | null, number | null]>([
    ["caught up", ref(100, 1200), ref(100, 1200), 0n, 0],
    ["5 blocks and 60 s behind", ref(95, 1140), ref(100, 1200), 5n, 60],
    ["a head read before the indexer moved on is no lag", ref(101, 1212), ref(100, 1200), 0n, 0],
    ["no head seen: lag unknown", ref(100, 1200), null, null, null],
    ["nothing indexed: lag unknown", null, ref(100, 1200), null, null],
  ])("%s", (_name, block, head, lagBlocks, lagSeconds) => {
    const f = freshnessOf({ block, finalized: null, head, headSeenAtMs: head ? 0 : null, lastError: null });
    expect(f.lagBlocks).toBe(lagBlocks);
    expect(f.lagSeconds).toBe(lagSeconds);
    expect(f.headSeenAt).toBe(head ? "1970-01-01T00:00:00.000Z" : null);
  });
});
