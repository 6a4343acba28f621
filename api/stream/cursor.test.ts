import { describe, expect, test } from "vitest";
import { comparePositions, decodeCursor, encodeCursor, type Cursor } from "./cursor.js";

describe("subscription cursors", () => {
  test.each<[string, Cursor]>([
    ["from block 0, before its first event", { epoch: "a1b2c3d4e5f6", fromBlock: 0n, seq: 0, upTo: { blockNumber: -1n, logIndex: 2 ** 30 } }],
    ["live", { epoch: "a1b2c3d4e5f6", fromBlock: 120n, seq: 77, upTo: null }],
    ["large numbers", { epoch: "ff", fromBlock: 10n ** 20n, seq: 123456789, upTo: { blockNumber: 10n ** 20n, logIndex: 0 } }],
  ])("%s survives encoding", (_name, c) => expect(decodeCursor(encodeCursor(c))).toEqual({ ok: true, value: c }));

  test.each(["", "not-a-cursor", "c1:ab:1:2", "c2:ab:1:2:", "c1:AB:1:2:", "c1:ab:x:2:", "c1:ab:1:2:3", "c1:ab:1:2:3.4.5", `c1:ab:1:2:${"9".repeat(300)}.1`])("%j is refused with a message", (text) => {
    const d = decodeCursor(text);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error).toMatch(/cursor/);
  });

  test.each([
    ["an earlier block", { blockNumber: 1n, logIndex: 5 }, { blockNumber: 2n, logIndex: 0 }, -1],
    ["the same event", { blockNumber: 2n, logIndex: 3 }, { blockNumber: 2n, logIndex: 3 }, 0],
    ["a later log of the same block", { blockNumber: 2n, logIndex: 4 }, { blockNumber: 2n, logIndex: 3 }, 1],
  ] as const)("%s compares as %#", (_name, a, b, want) => expect(comparePositions(a, b)).toBe(want));
});
