import { describe, expect, test } from "vitest";
import { lastBlockAtOrBefore } from "./block.js";

// Block timestamps by number: equal neighbours (same second) and gaps, as on a real chain.
const TIMES = [100n, 112n, 112n, 124n, 200n, 200n, 200n, 236n];
const at = async (n: bigint) => TIMES[Number(n)]!;

describe("lastBlockAtOrBefore: the block an 'as of a date' stands for", () => {
  test.each([
    { time: 99n, expected: null, why: "before the first block" },
    { time: 100n, expected: 0n, why: "exactly the first block's time" },
    { time: 111n, expected: 0n, why: "between blocks: the earlier one" },
    { time: 112n, expected: 2n, why: "several blocks in one second: the last of them" },
    { time: 199n, expected: 3n, why: "inside a gap" },
    { time: 200n, expected: 6n, why: "the last of three equal timestamps" },
    { time: 236n, expected: 7n, why: "the head's own time" },
    { time: 10_000n, expected: 7n, why: "after the head: the head" },
  ])("$why ($time → $expected)", async ({ time, expected }) => {
    expect(await lastBlockAtOrBefore(0n, 7n, time, at)).toBe(expected);
  });

  test("reads about log2(n) blocks, not n", async () => {
    let reads = 0;
    const n = 1_000_000n;
    const found = await lastBlockAtOrBefore(0n, n, 12n * 654_321n + 5n, async (k) => {
      reads++;
      return 12n * k;
    });
    expect(found).toBe(654_321n);
    expect(reads).toBeLessThanOrEqual(22);
  });

  test("an empty range has no block", async () => {
    expect(await lastBlockAtOrBefore(5n, 4n, 1000n, at)).toBeNull();
  });
});
