import { expect, test } from "vitest";
import { formatOpen, ppmOf } from "./format.js";

test.each([
  [0n, "0"],
  [1n, "0.000000000000000001"],
  [10n ** 18n, "1"],
  [15n * 10n ** 17n, "1.5"],
  [123456789012345678901234567890n, "123456789012.34567890123456789"],
  [(1n << 256n) - 1n, "115792089237316195423570985008687907853269984665640564039457.584007913129639935"],
])("formats %s base units as %s OPEN exactly", (amount, text) => {
  expect(formatOpen(amount)).toBe(text);
});

test.each([
  [1n, 3n, 333333],
  [0n, 0n, 0],
  [5n, 5n, 1_000_000],
])("ppmOf(%s, %s) = %s (rounded down)", (part, whole, ppm) => {
  expect(ppmOf(part, whole)).toBe(ppm);
});
