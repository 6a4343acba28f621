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
 * Training runs (the flow semantics, also in api/LIMITS.md; PROTOCOL.md "Which training run an
 * inference drew on"): the indexer records, for each attribution, the run it drew on: the latest
 * run, at or before the inference, of the nearest model in the lineage whose runs named the
 * contribution's datanet. Each attribution's flow goes through exactly that run (HAS_TRAINING_RUN
 * model → run, then TRAINED_ON run → datanet), so flows stay additive: what enters a model node from
 * its runs, its parent (ADAPTS) and its untrained datanets (UNTRAINED) is exactly what the model's
 * inferences paid to data, and a run shows what the inferences drew on it since it was recorded.
 * A run's edge to a datanet an earlier run of the model already named is RETRAINED_ON (with the
 * flow it carried); runs and edges that carried nothing have weight 0.
 */
import { foldedLabel } from "../core/foldLabel.js";

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

/** The edge kinds built from the lineage grain (buildEdges) that lead out of each node kind. */
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
  /** The child's kind when it is not EDGE_TARGET[kind] (downstream lineages: api/lineageDown.ts). */
  toKind?: NodeKind;
}

/** The kind of node an edge leads to. */
export const targetOf = (e: ChildEdge): NodeKind => e.toKind ?? EDGE_TARGET[e.kind];

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

/**
 * Relative weight in ppm of an edge: share of the model's attribution mass (weightSum /
 * inferenceCount) or, when `weightMass` is given, of that mass (a downstream lineage's root's).
 */
export function weightPpmOf(weightSum: bigint, opts: { inferenceCount: number; weightMass?: bigint }): number {
  if (opts.weightMass === undefined) return relativePpm(weightSum, opts.inferenceCount);
  if (opts.weightMass <= 0n || weightSum <= 0n) return 0;
  const ppm = (weightSum * 1_000_000n) / opts.weightMass;
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
  opts: { limit: number; minWeightPpm: number; inferenceCount: number; weightMass?: bigint },
): { kept: ChildEdge[]; folded: Totals | null } {
  const kept = ranked.slice(0, opts.limit).filter((e) => weightPpmOf(e.weightSum, opts) >= opts.minWeightPpm);
  const folded = minus(totals, kept);
  return { kept, folded: folded.count > 0 ? folded : null };
}

/** "model:3", "run:3:2", "datanet:1", "contribution:42", "contributor:0x..", "inference:7". */
export function nodeId(kind: NodeKind, entityId: string): string {
  return `${kind === "TRAINING_RUN" ? "run" : kind.toLowerCase()}:${entityId}`;
}

/** A training run's entity id: its model and version, "3:2" (the node is nodeId("TRAINING_RUN", it)). */
export function runEntityId(modelId: string, version: number): string {
  return `${modelId}:${version}`;
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
 * The datanet children of run `version`: TRAINED_ON where it is the model's first run naming the
 * datanet, RETRAINED_ON where an earlier run named it already; each with the flow the inferences
 * drew on this run for that datanet (`flows`: datanet id → edge; zero when none). Ranked; totals
 * over all of them.
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
    const kind = first === undefined || first >= version ? "TRAINED_ON" : "RETRAINED_ON";
    out.push({ kind, toId: d, weightSum: f?.weightSum ?? 0n, amount: f?.amount ?? 0n, attributionCount: f?.attributionCount ?? 0 });
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
  /** Weights relative to this attribution mass instead of inferenceCount (downstream lineages). */
  weightMass?: bigint;
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
    const { maxNodes } = this.opts;
    let { kept, folded } = foldChildren(ranked, totals, { ...this.opts, limit, minWeightPpm });
    const isNew = (e: ChildEdge) => !this.nodes.has(nodeId(targetOf(e), e.toId));
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
      const kind = targetOf(e);
      const id = nodeId(kind, e.toId);
      const w = weightPpmOf(e.weightSum, this.opts);
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
      const w = weightPpmOf(folded.weightSum, this.opts);
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

/**
 * One row of a served model's lineage at its finest grain (api/totals/rollups.ts LINEAGE): the
 * attributions to one contribution through one training run drawn on (trainer "0": none).
 */
export interface GrainRow {
  trainerModelId: string;
  runVersion: number;
  datanetId: string;
  contributionId: string;
  /** "" when the contribution's payees are unknown. */
  contributor: string;
  weightSum: bigint;
  share: bigint;
  contributorCut: bigint;
  attributionCount: number;
}

/**
 * A row of the LINEAGE rollup (keys: served model, trainer model, run version, datanet,
 * contribution, contributor) as a grain row, with the model that served its inferences.
 */
export function grainRowOf(r: { key: readonly string[]; totals: Readonly<Record<string, bigint | undefined>> }): GrainRow & { servedModelId: string } {
  return {
    servedModelId: r.key[0]!,
    trainerModelId: r.key[1]!,
    runVersion: Number(r.key[2]),
    datanetId: r.key[3]!,
    contributionId: r.key[4]!,
    contributor: r.key[5]!,
    weightSum: r.totals.weight_ppm!,
    share: r.totals.share!,
    contributorCut: r.totals.contributor_cut!,
    attributionCount: Number(r.totals.attribution_count),
  };
}

/** Children of each (parent entity, edge kind), keyed `${fromId}|${kind}`. */
export type EdgeIndex = Map<string, ChildEdge[]>;

/**
 * Every edge of a served model that data flowed along, summed from its grain: ADAPTS along the
 * served model's ancestry (served first) down to each row's trainer, HAS_TRAINING_RUN trainer → the
 * run drawn on ("model:version") and TRAINED_ON run → datanet, UNTRAINED served → datanet when no
 * model of the lineage named it, HAS_CONTRIBUTION datanet → contribution, CONTRIBUTED_BY
 * contribution → contributor (contributor cuts).
 */
export function buildEdges(grain: readonly GrainRow[], ancestry: readonly string[]): EdgeIndex {
  const sums = new Map<string, ChildEdge>();
  const add = (kind: ChildKind, fromId: string, toId: string, weightSum: bigint, amount: bigint, attributionCount: number) => {
    const key = `${fromId}|${kind}|${toId}`;
    const e = sums.get(key);
    if (e) {
      e.weightSum += weightSum;
      e.amount += amount;
      e.attributionCount += attributionCount;
    } else sums.set(key, { kind, toId, weightSum, amount, attributionCount });
  };
  const served = ancestry[0] ?? "";
  for (const g of grain) {
    if (g.trainerModelId === "0") add("UNTRAINED", served, g.datanetId, g.weightSum, g.share, g.attributionCount);
    else {
      const at = ancestry.indexOf(g.trainerModelId);
      for (let k = 0; k < at; k++) add("ADAPTS", ancestry[k]!, ancestry[k + 1]!, g.weightSum, g.share, g.attributionCount);
      // Through the run the attribution drew on (version 0: the indexer knew no run; then model → datanet).
      if (g.runVersion > 0) {
        const run = runEntityId(g.trainerModelId, g.runVersion);
        add("HAS_TRAINING_RUN", g.trainerModelId, run, g.weightSum, g.share, g.attributionCount);
        add("TRAINED_ON", run, g.datanetId, g.weightSum, g.share, g.attributionCount);
      } else add("TRAINED_ON", g.trainerModelId, g.datanetId, g.weightSum, g.share, g.attributionCount);
    }
    add("HAS_CONTRIBUTION", g.datanetId, g.contributionId, g.weightSum, g.share, g.attributionCount);
    if (g.contributor !== "") add("CONTRIBUTED_BY", g.contributionId, g.contributor, g.weightSum, g.contributorCut, g.attributionCount);
  }
  const index: EdgeIndex = new Map();
  for (const [key, edge] of sums) {
    const parent = key.slice(0, key.indexOf("|", key.indexOf("|") + 1));
    const list = index.get(parent);
    if (list) list.push(edge);
    else index.set(parent, [edge]);
  }
  return index;
}

/** The first `limit` children of a parent and kind, ranked, with the totals over all of them. */
export function rankedGroup(index: EdgeIndex, fromId: string, kind: ChildKind, limit: number): { ranked: ChildEdge[]; totals: Totals } | undefined {
  const all = index.get(`${fromId}|${kind}`);
  if (!all || all.length === 0) return undefined;
  return { ranked: rankChildren(all).slice(0, limit), totals: totalsOf(all) };
}
