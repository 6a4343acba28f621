/**
 * Downstream lineage ("where this data went"): from a contributor, a contribution or a datanet to
 * the training runs that drew on its data, the models trained by them, their adapters and the
 * inferences that attributed it. No I/O: the resolver (api/graphql/resolvers/lineageDown.ts) reads
 * the lineage grain filtered on the root (api/totals/rollups.ts LINEAGE: per served model, training
 * run drawn on, datanet, contribution and contributor) and each served model's ancestry; this sums
 * the edges, each pointing away from the root (the same edge kinds as modelLineage, read the other
 * way round):
 *
 *   contributor -CONTRIBUTED_BY-> contribution -HAS_CONTRIBUTION-> datanet
 *     -TRAINED_ON-> training run -HAS_TRAINING_RUN-> trainer model -ADAPTS-> adapter ... -> served model
 *     -SERVED-> inference
 *   (datanet -TRAINED_ON-> trainer model when the indexer knew no run; datanet -UNTRAINED-> served
 *   model when no model of its lineage named the datanet at the inference)
 *
 * Each attribution's flow runs along exactly one path (the run it drew on: PROTOCOL.md "Which
 * training run an inference drew on"), so at every node what comes in goes out, and the flows out
 * of the root add up to what it earned. Amounts: shares (what the data earned: owner and contributor
 * cuts together) for contribution and datanet roots; contributor cuts for an account root (what the
 * account earned as a contributor).
 */
import { nodeId, type ChildEdge, type ChildKind, type GrainRow, type NodeKind } from "./lineage.js";

export type DownRoot = "CONTRIBUTOR" | "CONTRIBUTION" | "DATANET";

/** One row of the lineage grain with the model that served the inferences. */
export interface DownGrainRow extends GrainRow {
  servedModelId: string;
}

/** Children of each node, keyed by its node id (lineage.ts nodeId). */
export type DownIndex = Map<string, ChildEdge[]>;

/** What flows count in a lineage rooted at `root`: contributor cuts for an account, shares otherwise. */
export const amountOf = (root: DownRoot, g: Pick<GrainRow, "share" | "contributorCut">): bigint => (root === "CONTRIBUTOR" ? g.contributorCut : g.share);

/**
 * Every downstream edge of the grain, summed. `ancestries`: each served model's id and its
 * ancestors' ids, nearest first (the served model first). A trainer missing from its served
 * model's ancestry (not expected) is joined to the served model directly.
 */
export function buildDownEdges(root: DownRoot, grain: readonly DownGrainRow[], ancestries: ReadonlyMap<string, readonly string[]>): DownIndex {
  const sums = new Map<string, { from: string; edge: ChildEdge }>();
  const add = (kind: ChildKind, from: string, toKind: NodeKind, toId: string, weightSum: bigint, amount: bigint, attributionCount: number) => {
    const key = `${from}|${kind}|${toKind}|${toId}`;
    const s = sums.get(key);
    if (s) {
      s.edge.weightSum += weightSum;
      s.edge.amount += amount;
      s.edge.attributionCount += attributionCount;
    } else sums.set(key, { from, edge: { kind, toKind, toId, weightSum, amount, attributionCount } });
  };
  for (const g of grain) {
    const amount = amountOf(root, g);
    const flow = (kind: ChildKind, from: string, toKind: NodeKind, toId: string) => add(kind, from, toKind, toId, g.weightSum, amount, g.attributionCount);
    if (root === "CONTRIBUTOR") flow("CONTRIBUTED_BY", nodeId("CONTRIBUTOR", g.contributor), "CONTRIBUTION", g.contributionId);
    if (root !== "DATANET") flow("HAS_CONTRIBUTION", nodeId("CONTRIBUTION", g.contributionId), "DATANET", g.datanetId);
    const datanet = nodeId("DATANET", g.datanetId);
    const ancestry = ancestries.get(g.servedModelId) ?? [g.servedModelId];
    let at: number;
    if (g.trainerModelId === "0") {
      flow("UNTRAINED", datanet, "MODEL", g.servedModelId);
      at = 0;
    } else {
      if (g.runVersion > 0) {
        const run = `${g.trainerModelId}:${g.runVersion}`;
        flow("TRAINED_ON", datanet, "TRAINING_RUN", run);
        flow("HAS_TRAINING_RUN", nodeId("TRAINING_RUN", run), "MODEL", g.trainerModelId);
      } else flow("TRAINED_ON", datanet, "MODEL", g.trainerModelId);
      at = ancestry.indexOf(g.trainerModelId);
      if (at < 0) {
        if (g.trainerModelId !== g.servedModelId) flow("ADAPTS", nodeId("MODEL", g.trainerModelId), "MODEL", g.servedModelId);
        at = 0;
      }
    }
    // Down the ancestry, trainer first, to the served model.
    for (let k = at; k > 0; k--) flow("ADAPTS", nodeId("MODEL", ancestry[k]!), "MODEL", ancestry[k - 1]!);
  }
  const index: DownIndex = new Map();
  for (const { from, edge } of sums.values()) {
    const list = index.get(from);
    if (list) list.push(edge);
    else index.set(from, [edge]);
  }
  return index;
}

/** The root's totals: every flow out of it (what it earned, in the lineage's amount). */
export function rootTotals(root: DownRoot, grain: readonly DownGrainRow[]): { weightSum: bigint; amount: bigint; attributionCount: number } {
  let weightSum = 0n;
  let amount = 0n;
  let attributionCount = 0;
  for (const g of grain) {
    weightSum += g.weightSum;
    amount += amountOf(root, g);
    attributionCount += g.attributionCount;
  }
  return { weightSum, amount, attributionCount };
}

/** Per served model, what its inferences drew from the root's data (the totals of its SERVED children). */
export function servedTotals(root: DownRoot, grain: readonly DownGrainRow[]): Map<string, { weightSum: bigint; amount: bigint; attributionCount: number }> {
  const out = new Map<string, { weightSum: bigint; amount: bigint; attributionCount: number }>();
  for (const g of grain) {
    const t = out.get(g.servedModelId) ?? { weightSum: 0n, amount: 0n, attributionCount: 0 };
    t.weightSum += g.weightSum;
    t.amount += amountOf(root, g);
    t.attributionCount += g.attributionCount;
    out.set(g.servedModelId, t);
  }
  return out;
}

/** The node kind of each group of children (one FOLDED node per parent and group). */
export const groupOf = (e: ChildEdge): NodeKind => e.toKind ?? "MODEL";
