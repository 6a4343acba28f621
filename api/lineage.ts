/**
 * Lineage graph assembly for modelLineage: which children of a node are shown, what is folded into
 * "+N others (x %)", how the indexer's model → datanet flows are routed through training-run nodes,
 * and the node cap. No I/O: the resolver fetches, per parent node, its ranked children and the
 * totals over all of them; this decides the rest.
 *
 * Layers (data flows left to right; edges are sent pointing AWAY from the served model, as before):
 *   contributor ← contribution ← datanet ← training run ← (parent model ←) model → recent inferences
 *
 * Weights: the indexer's lineage edges carry summed attribution weights (each inference of the
 * model carries 1_000_000 ppm in total), so an edge's share of the model's attribution mass in ppm
 * is weightSum / inferenceCount. Amounts are the shares (pool × weight) that flowed, contributor
 * cuts on CONTRIBUTED_BY, fees on SERVED.
 *
 * Training runs (the flow semantics, also in api/LIMITS.md): the indexer records, per served model,
 * TRAINED_ON flows trainer model → datanet (the trainer being the nearest model in the lineage
 * trained on the datanet at the inference). Which of the trainer's runs "carried" an inference is
 * not recorded, and not derivable without scanning attribution rows. We attribute the whole flow of
 * (trainer, datanet) to the trainer's FIRST run naming the datanet: the run that brought the datanet
 * into the model's lineage. That run is at or before every inference the flow comes from (the
 * trainer was trained on the datanet at each of them, so its earliest such run precedes them all),
 * and each flow goes to exactly one run, so flows stay additive: what enters a model node from its
 * runs, its parent (ADAPTS) and its untrained datanets (UNTRAINED) is exactly what the model's
 * inferences paid to data. A later run naming the same datanet again gets a RETRAINED_ON edge with
 * weight 0 and amount 0 (shown, never counted). Runs without flow are shown with weight 0.
 */
import { percentOfPpm } from "./format.js";

export type NodeKind = "MODEL" | "TRAINING_RUN" | "DATANET" | "CONTRIBUTION" | "CONTRIBUTOR" | "INFERENCE" | "FOLDED";
export type EdgeKind =
  | "ADAPTS"
  | "HAS_TRAINING_RUN"
  | "TRAINED_ON"
  | "RETRAINED_ON"
  | "UNTRAINED"
  | "HAS_CONTRIBUTION"
  | "CONTRIBUTED_BY"
  | "SERVED"
  | "FOLDED";
export type ChildKind = Exclude<EdgeKind, "FOLDED">;

/** The kind of node an edge of each kind leads to. */
export const EDGE_TARGET: Record<ChildKind, NodeKind> = {
  ADAPTS: "MODEL",
  HAS_TRAINING_RUN: "TRAINING_RUN",
  TRAINED_ON: "DATANET",
  RETRAINED_ON: "DATANET",
  UNTRAINED: "DATANET",
  HAS_CONTRIBUTION: "CONTRIBUTION",
  CONTRIBUTED_BY: "CONTRIBUTOR",
  SERVED: "INFERENCE",
};

/** The indexer's lineageEdge kinds read directly (ranked by the database) from each node kind. */
export const STORED_EDGES_FROM: Record<NodeKind, ("ADAPTS" | "UNTRAINED" | "HAS_CONTRIBUTION" | "CONTRIBUTED_BY")[]> = {
  MODEL: ["ADAPTS", "UNTRAINED"],
  TRAINING_RUN: [],
  DATANET: ["HAS_CONTRIBUTION"],
  CONTRIBUTION: ["CONTRIBUTED_BY"],
  CONTRIBUTOR: [],
  INFERENCE: [],
  FOLDED: [],
};

export interface ChildEdge {
  kind: ChildKind;
  /** Entity id of the child (decimal id, address, or "modelId:version" for a run). */
  toId: string;
  /** Summed attribution weights along the edge (raw ppm sums). */
  weightSum: bigint;
  amount: bigint;
  attributionCount: number;
  /** Shown instead of the default label. */
  label?: string;
  /** TRAINING_RUN: the indexer's check of the run's claimed set. */
  verified?: boolean;
  /** INFERENCE: the audit verdict. */
  clean?: boolean;
}

export interface Totals {
  count: number;
  weightSum: bigint;
  amount: bigint;
  attributionCount: number;
}

export const emptyTotals = (): Totals => ({ count: 0, weightSum: 0n, amount: 0n, attributionCount: 0 });

export function totalsOf(edges: readonly ChildEdge[]): Totals {
  const t = emptyTotals();
  for (const e of edges) {
    t.count++;
    t.weightSum += e.weightSum;
    t.amount += e.amount;
    t.attributionCount += e.attributionCount;
  }
  return t;
}

/** Share of the model's attribution mass in ppm, capped to 1_000_000. */
export function relativePpm(weightSum: bigint, inferenceCount: number): number {
  if (inferenceCount <= 0 || weightSum <= 0n) return 0;
  const ppm = weightSum / BigInt(inferenceCount);
  return ppm > 1_000_000n ? 1_000_000 : Number(ppm);
}

/** Heaviest first; ties by amount, then by entity id so the order is stable. */
export function rankChildren(edges: readonly ChildEdge[]): ChildEdge[] {
  return [...edges].sort((a, b) =>
    a.weightSum !== b.weightSum ? (a.weightSum > b.weightSum ? -1 : 1) : a.amount !== b.amount ? (a.amount > b.amount ? -1 : 1) : a.toId < b.toId ? -1 : a.toId > b.toId ? 1 : 0,
  );
}

function minus(totals: Totals, kept: readonly ChildEdge[]): Totals {
  const k = totalsOf(kept);
  return { count: totals.count - k.count, weightSum: totals.weightSum - k.weightSum, amount: totals.amount - k.amount, attributionCount: totals.attributionCount - k.attributionCount };
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
  const folded = minus(totals, kept);
  return { kept, folded: folded.count > 0 ? folded : null };
}

export function foldedLabel(count: number, ppm: number): string {
  return `+${count} other${count === 1 ? "" : "s"} (${percentOfPpm(ppm)})`;
}

/** "model:3", "run:3:2", "datanet:1", "contribution:42", "contributor:0x..", "inference:7". */
export function nodeId(kind: NodeKind, entityId: string): string {
  return `${kind === "TRAINING_RUN" ? "run" : kind.toLowerCase()}:${entityId}`;
}

/** The FOLDED node standing for the folded children of one kind of one parent. */
export function foldedId(parentId: string, childKind: NodeKind): string {
  return `folded:${parentId}:${childKind}`;
}

export function defaultLabel(kind: NodeKind, entityId: string): string {
  if (kind === "CONTRIBUTION" || kind === "INFERENCE") return `#${entityId}`;
  if (kind === "TRAINING_RUN") return `v${entityId.split(":")[1] ?? entityId}`;
  return entityId;
}

// ---------------------------------------------------------------------------------------------
// training runs

/**
 * Routes one trainer model's TRAINED_ON flows (toId = datanet id) to its runs: each flow goes to the
 * first run naming the datanet (`firstRun`: datanet id → version). Flows whose datanet none of the
 * trainer's runs names (should not happen; kept honest) come back as `direct`, to be shown as
 * model → datanet TRAINED_ON edges.
 */
export function routeToRuns(flows: readonly ChildEdge[], firstRun: ReadonlyMap<string, number>): { byRun: Map<number, Totals>; direct: ChildEdge[] } {
  const byRun = new Map<number, Totals>();
  const direct: ChildEdge[] = [];
  for (const f of flows) {
    const v = firstRun.get(f.toId);
    if (v === undefined) {
      direct.push(f);
      continue;
    }
    const t = byRun.get(v) ?? emptyTotals();
    t.count++;
    t.weightSum += f.weightSum;
    t.amount += f.amount;
    t.attributionCount += f.attributionCount;
    byRun.set(v, t);
  }
  return { byRun, direct };
}

/**
 * The datanet children of run `version`: TRAINED_ON (with the trainer's whole flow to the datanet,
 * or zero if none flowed) where this is the first run naming the datanet, RETRAINED_ON (always
 * zero) where an earlier run named it already. Ranked; totals over all of them.
 */
export function runChildren(
  version: number,
  datanetIds: readonly string[],
  flows: ReadonlyMap<string, ChildEdge>,
  firstRun: ReadonlyMap<string, number>,
): { ranked: ChildEdge[]; totals: Totals } {
  const out: ChildEdge[] = [];
  for (const d of new Set(datanetIds)) {
    const first = firstRun.get(d);
    const f = flows.get(d);
    if (first === undefined || first >= version) {
      out.push({ kind: "TRAINED_ON", toId: d, weightSum: f?.weightSum ?? 0n, amount: f?.amount ?? 0n, attributionCount: f?.attributionCount ?? 0 });
    } else {
      out.push({ kind: "RETRAINED_ON", toId: d, weightSum: 0n, amount: 0n, attributionCount: 0 });
    }
  }
  const ranked = rankChildren(out);
  return { ranked, totals: totalsOf(ranked) };
}

// ---------------------------------------------------------------------------------------------
// the graph, with the node cap

export interface LineageNodeOut {
  id: string;
  kind: NodeKind;
  label: string;
  entityId: string;
  depth: number;
  weight: number;
  weightPpm: number;
  amount: bigint;
  attributionCount: number;
  foldedCount: number;
  verified: boolean | null;
  clean: boolean | null;
}

export interface LineageEdgeOut {
  from: string;
  to: string;
  kind: EdgeKind;
  weight: number;
  weightPpm: number;
  amount: bigint;
  attributionCount: number;
}

export interface BuilderOptions {
  maxNodes: number;
  inferenceCount: number;
  minWeightPpm: number;
}

/**
 * Accumulates nodes and edges group by group (one group = the children of one kind of one parent).
 * When a group would take the graph past `maxNodes`, it keeps what fits, folds the rest into the
 * group's FOLDED node (so flows still add up at that parent), sets `truncated`, and accepts no
 * further groups.
 */
export class LineageBuilder {
  readonly nodes = new Map<string, LineageNodeOut>();
  readonly edges: LineageEdgeOut[] = [];
  foldedNodes = 0;
  truncated = false;

  constructor(private readonly opts: BuilderOptions) {}

  addRoot(kind: NodeKind, entityId: string, label: string): LineageNodeOut {
    const node: LineageNodeOut = { id: nodeId(kind, entityId), kind, label, entityId, depth: 0, weight: 0, weightPpm: 0, amount: 0n, attributionCount: 0, foldedCount: 0, verified: null, clean: null };
    this.nodes.set(node.id, node);
    return node;
  }

  /**
   * Adds the kept children of `parent` (of one target kind) and a FOLDED node for the rest.
   * `limit` and `minWeightPpm` decide what is kept; returns the nodes first reached here.
   */
  addGroup(parent: LineageNodeOut, childKind: NodeKind, ranked: readonly ChildEdge[], totals: Totals, hop: number, limit: number, minWeightPpm = this.opts.minWeightPpm): LineageNodeOut[] {
    if (this.truncated || totals.count <= 0) return [];
    const { inferenceCount, maxNodes } = this.opts;
    let { kept, folded } = foldChildren(ranked, totals, { limit, minWeightPpm, inferenceCount });
    const isNew = (e: ChildEdge) => !this.nodes.has(nodeId(EDGE_TARGET[e.kind], e.toId));
    const needed = kept.filter(isNew).length + (folded ? 1 : 0);
    if (this.nodes.size + needed > maxNodes) {
      this.truncated = true;
      const room = maxNodes - this.nodes.size;
      if (room < 1) return [];
      // Keep children while one slot stays free for the FOLDED node.
      const fit: ChildEdge[] = [];
      let used = 0;
      for (const e of kept) {
        const cost = isNew(e) ? 1 : 0;
        if (used + cost > room - 1) break;
        used += cost;
        fit.push(e);
      }
      kept = fit;
      const rest = minus(totals, kept);
      folded = rest.count > 0 ? rest : null;
    }
    const added: LineageNodeOut[] = [];
    for (const e of kept) {
      const kind = EDGE_TARGET[e.kind];
      const id = nodeId(kind, e.toId);
      const w = relativePpm(e.weightSum, inferenceCount);
      let node = this.nodes.get(id);
      if (!node) {
        node = {
          id, kind, label: e.label ?? defaultLabel(kind, e.toId), entityId: e.toId, depth: hop, weight: 0, weightPpm: 0, amount: 0n, attributionCount: 0, foldedCount: 0,
          verified: e.verified ?? null, clean: e.clean ?? null,
        };
        this.nodes.set(id, node);
        added.push(node);
      }
      node.weight = node.weightPpm = Math.min(1_000_000, node.weight + w);
      node.amount += e.amount;
      node.attributionCount += e.attributionCount;
      this.edges.push({ from: parent.id, to: id, kind: e.kind, weight: w, weightPpm: w, amount: e.amount, attributionCount: e.attributionCount });
    }
    if (folded) {
      const w = relativePpm(folded.weightSum, inferenceCount);
      const id = foldedId(parent.id, childKind);
      this.nodes.set(id, { id, kind: "FOLDED", label: foldedLabel(folded.count, w), entityId: "", depth: hop, weight: w, weightPpm: w, amount: folded.amount, attributionCount: folded.attributionCount, foldedCount: folded.count, verified: null, clean: null });
      this.edges.push({ from: parent.id, to: id, kind: "FOLDED", weight: w, weightPpm: w, amount: folded.amount, attributionCount: folded.attributionCount });
      this.foldedNodes += folded.count;
    }
    return added;
  }

  /** Nodes by hop, heaviest first; edges heaviest first (stable ties). */
  result(): { nodes: LineageNodeOut[]; edges: LineageEdgeOut[] } {
    const nodes = [...this.nodes.values()].sort((x, y) => x.depth - y.depth || y.weight - x.weight || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    const edges = [...this.edges].sort((x, y) => y.weight - x.weight || (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0));
    return { nodes, edges };
  }
}
