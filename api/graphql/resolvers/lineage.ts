/**
 * modelLineage: breadth-first from the model over the indexer's lineage edges of that model, one
 * query per hop and parent kind that ranks each parent's children (window functions) and returns
 * the top ones with the totals over all of them; api/lineage.ts folds the rest.
 */
import { and, eq, inArray, lte, sql } from "ponder";
import { decodeId, decodeIntInRange } from "../../input.js";
import { EDGE_TARGET, EDGES_FROM, foldChildren, foldedLabel, nodeId, relativePpm, type ChildEdge, type EdgeKind, type NodeKind } from "../../lineage.js";
import { need, type ApiContext, type DatanetRow, type ModelRow } from "../context.js";
import { LIMITS } from "../limits.js";

interface NodeOut {
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
}
interface EdgeOut {
  from: string;
  to: string;
  kind: EdgeKind;
  weight: number;
  weightPpm: number;
  amount: bigint;
  attributionCount: number;
}

interface RankedRow {
  kind: string;
  fromId: string;
  toId: string;
  weightPpm: bigint;
  amount: bigint;
  attributionCount: number;
  n: string | number;
  w: string | number | bigint;
  a: string | number | bigint;
  c: string | number | bigint;
}

async function rankedChildren(ctx: ApiContext, modelId: bigint, kinds: string[], fromIds: string[], limit: number): Promise<RankedRow[]> {
  const le = ctx.t.lineageEdge;
  const part = sql`partition by ${le.fromId}`;
  const ranked = ctx.db
    .select({
      kind: le.kind,
      fromId: le.fromId,
      toId: le.toId,
      weightPpm: le.weightPpm,
      amount: le.amount,
      attributionCount: le.attributionCount,
      rn: sql<number>`row_number() over (${part} order by ${le.weightPpm} desc, ${le.toId} asc)`.as("rn"),
      n: sql<string>`count(*) over (${part})`.as("n"),
      w: sql<string>`sum(${le.weightPpm}) over (${part})`.as("w"),
      a: sql<string>`sum(${le.amount}) over (${part})`.as("a"),
      c: sql<string>`sum(${le.attributionCount}) over (${part})`.as("c"),
    })
    .from(le)
    .where(and(eq(le.modelId, modelId), inArray(le.kind, kinds), inArray(le.fromId, fromIds)))
    .as("ranked");
  const rows = await ctx.db.select().from(ranked).where(lte(ranked.rn, limit));
  return rows as unknown as RankedRow[];
}

const big = (v: string | number | bigint | null | undefined): bigint => (v === null || v === undefined ? 0n : BigInt(typeof v === "string" ? v.split(".")[0]! : v));

export const lineageQuery = {
  async modelLineage(_: unknown, args: { modelId: unknown; depth?: unknown; minWeightPpm?: unknown; limit?: unknown }, ctx: ApiContext) {
    const modelId = need(decodeId(args.modelId, "modelId"), "modelId");
    const depth = need(decodeIntInRange(args.depth, "depth", 1, LIMITS.maxLineageDepth, LIMITS.defaultLineageDepth), "depth");
    const limit = need(decodeIntInRange(args.limit, "limit", 1, LIMITS.maxLineageLimit, LIMITS.defaultLineageLimit), "limit");
    const minWeightPpm = need(decodeIntInRange(args.minWeightPpm, "minWeightPpm", 0, 1_000_000, 0), "minWeightPpm");
    const model = await ctx.loaders.model.load(modelId);
    if (!model) return null;
    const inferenceCount = model.inferenceCount;

    const nodes = new Map<string, NodeOut>();
    const edges: EdgeOut[] = [];
    const root: NodeOut = { id: nodeId("MODEL", modelId.toString()), kind: "MODEL", label: model.name, entityId: modelId.toString(), depth: 0, weight: 0, weightPpm: 0, amount: 0n, attributionCount: 0, foldedCount: 0 };
    nodes.set(root.id, root);
    let frontier: NodeOut[] = [root];
    let foldedNodes = 0;
    let truncated = false;

    for (let hop = 1; hop <= depth && frontier.length > 0 && !truncated; hop++) {
      const next: NodeOut[] = [];
      const byKind = new Map<NodeKind, NodeOut[]>();
      for (const n of frontier) byKind.set(n.kind, [...(byKind.get(n.kind) ?? []), n]);
      for (const [kind, parents] of byKind) {
        const kinds = EDGES_FROM[kind];
        if (kinds.length === 0) continue;
        const rows = await rankedChildren(ctx, modelId, kinds, parents.map((p) => p.entityId), limit);
        const groups = new Map<string, RankedRow[]>();
        for (const r of rows) groups.set(r.fromId, [...(groups.get(r.fromId) ?? []), r]);
        for (const parent of parents) {
          const group = (groups.get(parent.entityId) ?? []).sort((x, y) => (big(x.weightPpm) > big(y.weightPpm) ? -1 : big(x.weightPpm) < big(y.weightPpm) ? 1 : x.toId < y.toId ? -1 : 1));
          const first = group[0];
          if (!first) continue;
          const totals = { count: Number(first.n), weightSum: big(first.w), amount: big(first.a), attributionCount: Number(big(first.c)) };
          if (parent === root) {
            root.weight = root.weightPpm = relativePpm(totals.weightSum, inferenceCount);
            root.amount = totals.amount;
            root.attributionCount = totals.attributionCount;
          }
          const ranked: ChildEdge[] = group.map((r) => ({ kind: r.kind as ChildEdge["kind"], toId: r.toId, weightSum: big(r.weightPpm), amount: big(r.amount), attributionCount: r.attributionCount }));
          const { kept, folded } = foldChildren(ranked, totals, { limit, minWeightPpm, inferenceCount });
          for (const e of kept) {
            const targetKind = EDGE_TARGET[e.kind];
            const id = nodeId(targetKind, e.toId);
            const w = relativePpm(e.weightSum, inferenceCount);
            let node = nodes.get(id);
            if (!node) {
              if (nodes.size >= LIMITS.maxLineageNodes) {
                truncated = true;
                break;
              }
              node = { id, kind: targetKind, label: targetKind === "CONTRIBUTION" ? `#${e.toId}` : e.toId, entityId: e.toId, depth: hop, weight: 0, weightPpm: 0, amount: 0n, attributionCount: 0, foldedCount: 0 };
              nodes.set(id, node);
              next.push(node);
            }
            node.weight = node.weightPpm = Math.min(1_000_000, node.weight + w);
            node.amount += e.amount;
            node.attributionCount += e.attributionCount;
            edges.push({ from: parent.id, to: id, kind: e.kind, weight: w, weightPpm: w, amount: e.amount, attributionCount: e.attributionCount });
          }
          if (folded && !truncated) {
            const w = relativePpm(folded.weightSum, inferenceCount);
            const id = `folded:${parent.id}`;
            nodes.set(id, { id, kind: "FOLDED", label: foldedLabel(folded.count, w), entityId: "", depth: hop, weight: w, weightPpm: w, amount: folded.amount, attributionCount: folded.attributionCount, foldedCount: folded.count });
            edges.push({ from: parent.id, to: id, kind: "FOLDED", weight: w, weightPpm: w, amount: folded.amount, attributionCount: folded.attributionCount });
            foldedNodes += folded.count;
          }
          if (truncated) break;
        }
        if (truncated) break;
      }
      frontier = next;
    }

    // Labels: names of models and datanets (chain text, shown as text by clients).
    const modelIds = [...nodes.values()].filter((n) => n.kind === "MODEL").map((n) => BigInt(n.entityId));
    const datanetIds = [...nodes.values()].filter((n) => n.kind === "DATANET").map((n) => BigInt(n.entityId));
    const [models, datanets] = await Promise.all([ctx.loaders.model.loadMany(modelIds), ctx.loaders.datanet.loadMany(datanetIds)]);
    for (const m of models) if (m && !(m instanceof Error)) { const n = nodes.get(nodeId("MODEL", (m as ModelRow).id.toString())); if (n) n.label = (m as ModelRow).name; }
    for (const d of datanets) if (d && !(d instanceof Error)) { const n = nodes.get(nodeId("DATANET", (d as DatanetRow).id.toString())); if (n) n.label = (d as DatanetRow).name; }

    const out = [...nodes.values()].sort((x, y) => x.depth - y.depth || y.weight - x.weight || (x.id < y.id ? -1 : 1));
    edges.sort((x, y) => y.weight - x.weight || (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : 1));
    return { modelId, depth, limit, minWeightPpm, nodes: out, edges, inferenceCount, foldedNodes, truncated };
  },
};
