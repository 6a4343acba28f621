import { expect, test } from "vitest";
import { foldChildren, foldedLabel, relativePpm, type ChildEdge } from "./lineage.js";

const edge = (toId: string, weightSum: bigint, amount = 10n): ChildEdge => ({ kind: "HAS_CONTRIBUTION", toId, weightSum, amount, attributionCount: 1 });

test.each([
  [500_000n, 1, 500_000],
  [3_000_000n, 4, 750_000],
  [0n, 5, 0],
  [10n, 0, 0],
  [9_000_000n, 1, 1_000_000],
])("relativePpm(%s, %s inferences) = %s", (w, n, ppm) => {
  expect(relativePpm(w, n)).toBe(ppm);
});

test("keeps the top `limit` children and folds the rest, counting what was folded", () => {
  const ranked = [edge("a", 500_000n), edge("b", 300_000n), edge("c", 150_000n)];
  const totals = { count: 5, weightSum: 1_000_000n, amount: 50n, attributionCount: 5 };
  const { kept, folded } = foldChildren(ranked, totals, { limit: 2, minWeightPpm: 0, inferenceCount: 1 });
  expect(kept.map((e) => e.toId)).toEqual(["a", "b"]);
  expect(folded).toEqual({ count: 3, weightSum: 200_000n, amount: 30n, attributionCount: 3 });
});

test("folds children below minWeightPpm even within the limit", () => {
  const ranked = [edge("a", 900_000n), edge("b", 40_000n)];
  const { kept, folded } = foldChildren(ranked, { count: 2, weightSum: 940_000n, amount: 20n, attributionCount: 2 }, { limit: 10, minWeightPpm: 50_000, inferenceCount: 1 });
  expect(kept.map((e) => e.toId)).toEqual(["a"]);
  expect(folded?.count).toBe(1);
});

test("folds nothing when everything fits", () => {
  expect(foldChildren([edge("a", 1n)], { count: 1, weightSum: 1n, amount: 10n, attributionCount: 1 }, { limit: 3, minWeightPpm: 0, inferenceCount: 1 }).folded).toBeNull();
});

test.each([
  [312, 41_000, "+312 others (4.1 %)"],
  [1, 999, "+1 other (0.0 %)"],
])("foldedLabel(%s, %s) = %j", (n, ppm, label) => {
  expect(foldedLabel(n, ppm)).toBe(label);
});
