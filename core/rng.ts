/**
 * Seeded randomness for the simulator: everything it does follows from the seed (no Math.random).
 * sfc32 seeded through splitmix32; helpers for ints, picks, power laws and exact ppm weights.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const mix = splitmix32((seed * 0x2545f491) ^ Math.imul(stream + 1, 0x27d4eb2f));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.next() * 2 ** 21 + (this.next() >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Uniform random 32 bytes as hex. */
  bytes32(): `0x${string}` {
    let s = "0x";
    for (let i = 0; i < 8; i++) s += this.next().toString(16).padStart(8, "0");
    return s as `0x${string}`;
  }

  /** A child generator with its own stream, so adding draws in one place does not shift another. */
  fork(stream: number): Rng {
    return new Rng(this.next(), stream);
  }
}

/** Zipf weights 1/rank^s for ranks 1..n. */
export function zipfWeights(n: number, s: number): number[] {
  const out: number[] = [];
  for (let r = 1; r <= n; r++) out.push(1 / r ** s);
  return out;
}

/** Samples indices in proportion to fixed non-negative weights (binary search on the cumulative sum). */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += Math.max(0, weights[i]!);
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  sample(rng: Rng): number {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Up to k distinct indices, heavy ones first more often (rejection, then a scan when crowded). */
  sampleDistinct(rng: Rng, k: number): number[] {
    const n = this.cumulative.length;
    const want = Math.min(k, n);
    const seen = new Set<number>();
    const out: number[] = [];
    for (let tries = 0; out.length < want && tries < want * 8; tries++) {
      const i = this.sample(rng);
      if (!seen.has(i)) {
        seen.add(i);
        out.push(i);
      }
    }
    for (let i = rng.int(0, n - 1), scanned = 0; out.length < want && scanned < n; i = (i + 1) % n, scanned++) {
      if (!seen.has(i)) {
        seen.add(i);
        out.push(i);
      }
    }
    return out;
  }
}

/**
 * Splits 1_000_000 ppm over raw positive scores: every weight at least 1, the sum exactly 1_000_000,
 * rounding remainder to the largest score. Throws if asked for more than 1_000_000 entries.
 */
export function ppmWeights(scores: readonly number[]): number[] {
  const n = scores.length;
  if (n === 0) return [];
  if (n > 1_000_000) throw new Error("more entries than ppm");
  const spare = 1_000_000 - n;
  const total = scores.reduce((s, x) => s + Math.max(x, 0), 0);
  const out = scores.map((x) => 1 + (total > 0 ? Math.floor((spare * Math.max(x, 0)) / total) : 0));
  let rest = 1_000_000 - out.reduce((s, x) => s + x, 0);
  let top = 0;
  for (let i = 1; i < n; i++) if (scores[i]! > scores[top]!) top = i;
  out[top]! += rest;
  rest = 0;
  return out;
}

/** A sampler for 1..max with P(n) ∝ n^-s: most inferences cite a few contributions, some cite hundreds. */
export function countSampler(max: number, s: number): { sample(rng: Rng): number; mean: number } {
  const w = zipfWeights(max, s);
  const sampler = new WeightedSampler(w);
  const mean = w.reduce((acc, x, i) => acc + x * (i + 1), 0) / sampler.total;
  return { sample: (rng) => sampler.sample(rng) + 1, mean };
}
