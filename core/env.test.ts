import { describe, expect, test } from "vitest";
import { envChoice, envInt, envPort } from "./env.js";

describe("envInt", () => {
  test.each<[string | undefined, number | undefined]>([
    [undefined, 7],
    ["", 7],
    ["  ", 7],
    ["0", 0],
    ["42", 42],
    [" 42 ", 42],
  ])("%j reads as %j (fallback 7)", (raw, n) => {
    expect(envInt({ N: raw }, "N", { min: 0, fallback: 7 })).toBe(n);
  });
  test("unset without a fallback is undefined", () => {
    expect(envInt({}, "N", { min: 0 })).toBeUndefined();
  });
  test.each([
    ["abc", 'N must be an integer from 1 to 10, got "abc"'],
    ["1.5", 'N must be an integer from 1 to 10, got "1.5"'],
    ["0x10", 'N must be an integer from 1 to 10, got "0x10"'],
    ["1e3", 'N must be an integer from 1 to 10, got "1e3"'],
    ["0", 'N must be an integer from 1 to 10, got "0"'],
    ["11", 'N must be an integer from 1 to 10, got "11"'],
    ["-3", 'N must be an integer from 1 to 10, got "-3"'],
  ])("%j is refused: %s", (raw, message) => {
    expect(() => envInt({ N: raw }, "N", { min: 1, max: 10 })).toThrow(message);
  });
  test("the hint follows the range", () => {
    expect(() => envInt({ N: "x" }, "N", { min: 0, hint: "(0: off)" })).toThrow('N must be an integer from 0 (0: off), got "x"');
  });
});

test.each<[string | undefined, number | string]>([
  [undefined, 42069],
  ["8080", 8080],
  ["abc", 'PORT must be an integer from 1 to 65535, got "abc"'],
  ["0", 'PORT must be an integer from 1 to 65535, got "0"'],
  ["65536", 'PORT must be an integer from 1 to 65535, got "65536"'],
])("envPort PORT=%j → %j", (raw, want) => {
  if (typeof want === "number") expect(envPort({ PORT: raw }, "PORT", 42069)).toBe(want);
  else expect(() => envPort({ PORT: raw }, "PORT", 42069)).toThrow(want);
});

test.each<[string | undefined, string]>([
  [undefined, "small"],
  ["tiny", "tiny"],
  ["huge", 'SCALE must be one of tiny, small, got "huge"'],
])("envChoice SCALE=%j → %j", (raw, want) => {
  const read = () => envChoice({ SCALE: raw }, "SCALE", ["tiny", "small"], "small");
  if (want.startsWith("SCALE")) expect(read).toThrow(want);
  else expect(read()).toBe(want);
});
