import { describe, expect, test } from "vitest";
import { blockVariable, parseAsOfInput, parseBlockParam } from "./asOf";

describe("the as-of control reads a block number or a date", () => {
  test.each([
    { text: "", expected: { kind: "now" } },
    { text: " now ", expected: { kind: "now" } },
    { text: "1234", expected: { kind: "block", number: "1234" } },
    { text: "#1234", expected: { kind: "block", number: "1234" } },
    { text: "1,234,567", expected: { kind: "block", number: "1234567" } },
    { text: "007", expected: { kind: "block", number: "7" } },
    { text: "2040-03-03", expected: { kind: "time", timestamp: String(Date.UTC(2040, 2, 3, 23, 59, 59) / 1000), label: "the end of 2040-03-03 (UTC)" } },
    { text: "2040-03-03 14:05", expected: { kind: "time", timestamp: String(Date.UTC(2040, 2, 3, 14, 5, 59) / 1000), label: "2040-03-03 14:05 UTC" } },
    { text: "2040-03-03T14:05:09Z", expected: { kind: "time", timestamp: String(Date.UTC(2040, 2, 3, 14, 5, 9) / 1000), label: "2040-03-03 14:05:09 UTC" } },
    { text: "2040-03-03 14:05:09 UTC", expected: { kind: "time", timestamp: String(Date.UTC(2040, 2, 3, 14, 5, 9) / 1000), label: "2040-03-03 14:05:09 UTC" } },
  ])("$text", ({ text, expected }) => {
    expect(parseAsOfInput(text)).toEqual(expected);
  });

  test.each([
    ["2040-02-30", "not a calendar date"],
    ["2040-13-01", "not a calendar date"],
    ["2040-03-03 24:00", "not a calendar date"],
    ["1969-12-31", "before 1970"],
    ["yesterday", "Type a block number"],
    ["<img src=x onerror=alert(1)>", "Type a block number"],
    ["-5", "Type a block number"],
    ["1".repeat(21), "too long"],
  ])("%s is refused with a clear message", (text, message) => {
    const r = parseAsOfInput(text);
    expect(r.kind).toBe("invalid");
    expect(r.kind === "invalid" && r.error).toContain(message);
  });
});

describe("the block URL parameter", () => {
  test.each([
    [null, { ok: true, block: null }],
    ["", { ok: true, block: null }],
    ["42", { ok: true, block: "42" }],
    ["0042", { ok: true, block: "42" }],
    ["4e2", { ok: false, error: "block must be a block number" }],
    ["-1", { ok: false, error: "block must be a block number" }],
    ["0x2a", { ok: false, error: "block must be a block number" }],
  ])("%s", (value, expected) => {
    expect(parseBlockParam(value)).toEqual(expected);
  });

  test("becomes the GraphQL block argument, or null for now", () => {
    expect(blockVariable("42")).toEqual({ number: "42" });
    expect(blockVariable(null)).toBeNull();
  });
});
