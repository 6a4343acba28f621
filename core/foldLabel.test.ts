import { expect, test } from "vitest";
import { foldedLabel, percentOfPpm } from "./foldLabel.js";

test.each([
  [41_000, "4.1 %"],
  [41_999, "4.1 %"],
  [1_000_000, "100.0 %"],
  [999, "0.0 %"],
  [0, "0.0 %"],
])("percentOfPpm(%s) = %s (rounded down)", (ppm, text) => {
  expect(percentOfPpm(ppm)).toBe(text);
});

test.each([
  [1, 5_000, "+1 other (0.5 %)"],
  [312, 41_234, "+312 others (4.1 %)"],
  [2, 1_000_000, "+2 others (100.0 %)"],
  [1, 999, "+1 other (0.0 %)"],
])("foldedLabel(%s, %s) = %j", (n, ppm, label) => {
  expect(foldedLabel(n, ppm)).toBe(label);
});
