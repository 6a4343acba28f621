import { describe, expect, test } from "vitest";
import { decodeAddress, decodeCursor, decodeDay, decodeHash, decodeId, decodeIntInRange, decodeSearchText, decodeVersion, encodeCursor } from "./input.js";

const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("decodeAddress", () => {
  test("normalises a checksummed address to lowercase", () => {
    expect(decodeAddress(addr)).toEqual({ ok: true, value: addr.toLowerCase() });
  });
  test.each([
    ["0x123", "is not an address"],
    ["70997970C51812dc3A010C7d01b50e0d17dc79C8", "is not an address"],
    [`${addr}00`, "is not an address"],
    ["0xZZ997970C51812dc3A010C7d01b50e0d17dc79C8", "is not an address"],
    [42, "must be a string"],
    ["x".repeat(10_000), "is not an address"],
  ])("rejects %j with a message containing %j", (input, message) => {
    const r = decodeAddress(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(message);
      expect(r.error.length).toBeLessThan(200);
    }
  });
});

describe("decodeId", () => {
  test.each([
    ["1", 1n],
    [7, 7n],
    [12n, 12n],
    [" 42 ", 42n],
  ])("accepts %s as %s", (input, value) => {
    expect(decodeId(input)).toEqual({ ok: true, value });
  });
  test.each([
    ["0", "at least 1"],
    [0n, "at least 1"],
    ["-1", "is not an id"],
    ["1.5", "is not an id"],
    ["abc", "is not an id"],
    [1.5, "not a whole number"],
    [`1${"0".repeat(78)}`, "is not an id"],
    [(1n << 256n), "larger than uint256"],
  ])("rejects %s (%s)", (input, message) => {
    const r = decodeId(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

test.each([
  [`0x${"ab".repeat(32)}`, true],
  [`0x${"AB".repeat(32)}`, true],
  [`0x${"ab".repeat(31)}`, false],
  ["hello", false],
])("decodeHash(%j).ok is %s", (input, isOk) => {
  expect(decodeHash(input).ok).toBe(isOk);
});

test.each([
  [1, true],
  [0, false],
  [-1, false],
  [1.5, false],
  [2 ** 32, false],
])("decodeVersion(%j).ok is %s", (input, isOk) => {
  expect(decodeVersion(input).ok).toBe(isOk);
});

test.each([
  [undefined, { ok: true, value: 50 }],
  [10, { ok: true, value: 10 }],
  [0, { ok: false, error: "limit must be from 1 to 1000, got 0" }],
  [1001, { ok: false, error: "limit must be from 1 to 1000, got 1001" }],
])("decodeIntInRange(limit=%j)", (input, expected) => {
  expect(decodeIntInRange(input, "limit", 1, 1000, 50)).toEqual(expected);
});

test.each([
  ["2024-02-29", true],
  ["2023-02-29", false],
  ["2024-13-01", false],
  ["yesterday", false],
])("decodeDay(%j).ok is %s", (input, isOk) => {
  expect(decodeDay(input, "from").ok).toBe(isOk);
});

describe("cursors", () => {
  test("round-trip", () => {
    expect(decodeCursor(encodeCursor([5n, "0xab"]), 2)).toEqual({ ok: true, value: ["5", "0xab"] });
  });
  test.each([["not base64!"], [encodeCursor(["1"])], [Buffer.from("{}").toString("base64url")], [Buffer.from("[1,2]").toString("base64url")]])(
    "rejects the forged cursor %j",
    (input) => {
      const r = decodeCursor(input, 2);
      expect(r).toEqual({ ok: false, error: "after is not a cursor returned by this API (pass pageInfo.endCursor unchanged)" });
    },
  );
});

test.each([
  ["  hello ", { ok: true, value: "hello" }],
  ["   ", { ok: false, error: "text must not be empty" }],
  ["x".repeat(201), { ok: false, error: "text must be at most 200 characters" }],
])("decodeSearchText(%j)", (input, expected) => {
  expect(decodeSearchText(input)).toEqual(expected);
});
