/**
 * "As of a block": every figure can be asked for at a past block (api/LIMITS.md, "As of a block").
 * A bound travels with the objects the resolvers return (a `bound` property: null = now), so
 * nested fields answer at the same block as their root. No I/O here; the block argument is checked
 * against the indexed chain in resolvers/block.ts.
 */
import { lte } from "ponder";
import type { SQL } from "drizzle-orm";
import type { Bound } from "../totals/read.js";

export type { Bound };

/** An object with the bound its fields are answered at. */
export interface Bounded {
  bound: Bound;
}

/** The bound of a parent object (null when it carries none: now). */
export function boundOf(parent: unknown): Bound {
  const b = (parent as Partial<Bounded> | null | undefined)?.bound;
  return typeof b === "bigint" ? b : null;
}

/** A row with a bound attached (its own columns stay readable by the default resolvers). */
export function bounded<T extends object>(row: T, bound: Bound): T & Bounded {
  return { ...row, bound };
}

/** `column <= bound`, or no condition when the bound is now. */
export function upTo(column: Parameters<typeof lte>[0], bound: Bound): SQL | undefined {
  return bound === null ? undefined : lte(column, bound);
}

/** True when a fact of `block` exists at the bound. */
export function existsAt(block: bigint, bound: Bound): boolean {
  return bound === null || block <= bound;
}
