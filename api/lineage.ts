/**
 * Lineage graph assembly for modelLineage: which children of a node are shown and what is folded
 * into "+N others (x %)". No I/O: the resolver fetches, per parent node, its top children by weight
 * and the totals over all of them; this decides the rest.
 *
 * Weights: the indexer's lineage edges carry summed attribution weights (each inference of the
 * model carries 1_000_000 ppm in total), so an edge's share of the model's attribution mass in ppm
 * is weightSum / inferenceCount.
 */
import { percentOfPpm } from "./format.js";

export type NodeKind = "MODEL" | "DATANET" | "CONTRIBUTION" | "CONTRIBUTOR" | "FOLDED";
export type EdgeKind = "ADAPTS" | "TRAINED_ON" | "UNTRAINED" | "HAS_CONTRIBUTION" | "CONTRIBUTED_BY" | "FOLDED";

/** The kind of node an edge of each kind leads to, and the kinds leaving each node kind. */
export const EDGE_TARGET: Record<Exclude<EdgeKind, "FOLDED">, NodeKind> = {
  ADAPTS: "MODEL",
  TRAINED_ON: "DATANET",
  UNTRAINED: "DATANET",
  HAS_CONTRIBUTION: "CONTRIBUTION",
  CONTRIBUTED_BY: "CONTRIBUTOR",
};
export const EDGES_FROM: Record<NodeKind, Exclude<EdgeKind, "FOLDED">[]> = {
  MODEL: ["ADAPTS", "TRAINED_ON", "UNTRAINED"],
  DATANET: ["HAS_CONTRIBUTION"],
  CONTRIBUTION: ["CONTRIBUTED_BY"],
  CONTRIBUTOR: [],
  FOLDED: [],
};

export interface ChildEdge {
  kind: Exclude<EdgeKind, "FOLDED">;
  toId: string;
  /** Summed attribution weights along the edge (raw ppm sums). */
  weightSum: bigint;
  amount: bigint;
  attributionCount: number;
}

export interface Totals {
  count: number;
  weightSum: bigint;
  amount: bigint;
  attributionCount: number;
}

/** Share of the model's attribution mass in ppm, capped to 1_000_000. */
export function relativePpm(weightSum: bigint, inferenceCount: number): number {
  if (inferenceCount <= 0 || weightSum <= 0n) return 0;
  const ppm = weightSum / BigInt(inferenceCount);
  return ppm > 1_000_000n ? 1_000_000 : Number(ppm);
}

/**
 * Keeps at most `limit` children (already ranked, heaviest first) whose relative weight is at
 * least `minWeightPpm`; everything else among `totals` is folded.
 */
export function foldChildren(
  ranked: readonly ChildEdge[],
  totals: Totals,
  opts: { limit: number; minWeightPpm: number; inferenceCount: number },
): { kept: ChildEdge[]; folded: Totals | null } {
  const kept = ranked.slice(0, opts.limit).filter((e) => relativePpm(e.weightSum, opts.inferenceCount) >= opts.minWeightPpm);
  const folded: Totals = {
    count: totals.count - kept.length,
    weightSum: totals.weightSum - kept.reduce((s, e) => s + e.weightSum, 0n),
    amount: totals.amount - kept.reduce((s, e) => s + e.amount, 0n),
    attributionCount: totals.attributionCount - kept.reduce((s, e) => s + e.attributionCount, 0),
  };
  return { kept, folded: folded.count > 0 ? folded : null };
}

export function foldedLabel(count: number, ppm: number): string {
  return `+${count} other${count === 1 ? "" : "s"} (${percentOfPpm(ppm)})`;
}

export function nodeId(kind: NodeKind, entityId: string): string {
  return `${kind.toLowerCase()}:${entityId}`;
}
