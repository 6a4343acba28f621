import { describe, expect, test } from "vitest";
import { countSampler, ppmWeights, Rng, WeightedSampler } from "./rng.js";

describe("ppmWeights", () => {
  test.each([
    { name: "one entry gets everything", scores: [0.3], expected: [1_000_000] },
    { name: "equal scores split evenly", scores: [1, 1, 1, 1], expected: [250_000, 250_000, 250_000, 250_000] },
    { name: "rounding remainder goes to the largest", scores: [1, 1, 1], expected: [333_334, 333_333, 333_333] },
    { name: "a zero score still gets the minimum 1 ppm", scores: [1, 0], expected: [999_999, 1] },
  ])("$name", ({ scores, expected }) => {
    expect(ppmWeights(scores)).toEqual(expected);
  });

  test.each([1, 2, 7, 100, 255, 256])("%i skewed entries: every weight ≥ 1 and the sum is exactly 1,000,000", (n) => {
    const rng = new Rng(n);
    const w = ppmWeights(Array.from({ length: n }, () => rng.float() ** 6));
    expect(w).toHaveLength(n);
    expect(w.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    expect(w.reduce((s, x) => s + x, 0)).toBe(1_000_000);
  });
});

describe("Rng", () => {
  test("the same seed gives the same sequence, another seed another", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(seed)));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  test.each([
    [0, 0],
    [3, 9],
    [-5, 5],
  ])("int(%i, %i) stays in range and hits both ends", (min, max) => {
    const rng = new Rng(7);
    const seen = new Set(Array.from({ length: 2_000 }, () => rng.int(min, max)));
    expect(Math.min(...seen)).toBe(min);
    expect(Math.max(...seen)).toBe(max);
  });
});

describe("samplers", () => {
  test("sampleDistinct returns distinct indices, at most the population", () => {
    const s = new WeightedSampler([100, 1, 1, 1, 0.001]);
    const rng = new Rng(3);
    expect(new Set(s.sampleDistinct(rng, 3)).size).toBe(3);
    expect(s.sampleDistinct(rng, 10).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  test("attribution counts range over 1..256 with a mean near 10", () => {
    const c = countSampler(256, 1.55);
    const rng = new Rng(11);
    const xs = Array.from({ length: 20_000 }, () => c.sample(rng));
    expect(Math.min(...xs)).toBe(1);
    expect(Math.max(...xs)).toBeLessThanOrEqual(256);
    expect(c.mean).toBeGreaterThan(8);
    expect(c.mean).toBeLessThan(14);
  });
});
