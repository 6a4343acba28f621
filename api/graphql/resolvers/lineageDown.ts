/**
 * contributionLineage, datanetLineage and accountLineage ("where this data went"): one read of the
 * lineage grain filtered on the root (api/totals/: per served model, training run drawn on, datanet,
 * contribution and contributor; the rollup's head plus the facts above it, or the facts at or
 * before an as-of block), how many inferences it reached per model (REACH, the same way), each served
 * model's ancestry, one read of the training runs met and one of the newest inferences attributing
 * it (api/totals/read.ts attributingInferences, bounded along an index).
 * api/lineageDown.ts sums the edges; api/lineage.ts ranks, folds and caps them, as for modelLineage.
 */
import { and, inArray } from "ponder";
import { decodeAddress, decodeId, decodeIntInRange } from "../../input.js";
import { grainRowOf, LineageBuilder, nodeId, rankChildren, totalsOf, type ChildEdge, type LineageNodeOut, type NodeKind } from "../../lineage.js";
import { buildDownEdges, groupOf, rootTotals, servedTotals, type DownGrainRow, type DownRoot } from "../../lineageDown.js";
import { attributingInferences, groupTotals, type Bound } from "../../totals/read.js";
import { LINEAGE, REACH } from "../../totals/rollups.js";
import { need, type ApiContext, type DatanetRow, type ModelRow } from "../context.js";
import { LIMITS, lineageNodeCap } from "../limits.js";
import { resolveBlock, type BlockArg } from "./block.js";
import { verdictOf } from "./inference.js";
import { ancestryOf } from "./lineage.js";

/** Read once: a bad API_LINEAGE_MAX_NODES fails at start-up, not per request. */
const NODE_CAP = lineageNodeCap();

/** The LINEAGE key position each root matches (api/totals/rollups.ts). */
const ROOT_KEY: Record<DownRoot, number> = { CONTRIBUTOR: 5, CONTRIBUTION: 4, DATANET: 3 };

interface DownArgs {
  root: DownRoot;
  /** Decimal id or lowercase address. */
  rootId: string;
  label: string;
  depth: number;
  limit: number;
  minWeightPpm: number;
  recentInferences: number;
  bound: Bound;
}

type RawArgs = { depth?: unknown; minWeightPpm?: unknown; limit?: unknown; recentInferences?: unknown; block?: BlockArg };

async function commonArgs(ctx: ApiContext, args: RawArgs) {
  return {
    depth: need(decodeIntInRange(args.depth, "depth", 1, LIMITS.maxLineageDepth, LIMITS.defaultDownstreamLineageDepth), "depth"),
    limit: need(decodeIntInRange(args.limit, "limit", 1, LIMITS.maxLineageLimit, LIMITS.defaultLineageLimit), "limit"),
    minWeightPpm: need(decodeIntInRange(args.minWeightPpm, "minWeightPpm", 0, 1_000_000, 0), "minWeightPpm"),
    recentInferences: need(decodeIntInRange(args.recentInferences, "recentInferences", 0, LIMITS.maxLineageInferences, LIMITS.defaultLineageInferences), "recentInferences"),
    bound: await resolveBlock(ctx, args.block),
  };
}

export const lineageDownQuery = {
  async contributionLineage(_: unknown, args: RawArgs & { contributionId: unknown }, ctx: ApiContext) {
    const id = need(decodeId(args.contributionId, "contributionId"), "contributionId");
    const common = await commonArgs(ctx, args);
    const c = await ctx.loaders.contribution.load(id);
    if (!c || (common.bound !== null && c.blockNumber > common.bound)) return null;
    return computeDownLineage(ctx, { ...common, root: "CONTRIBUTION", rootId: id.toString(), label: `#${id}` });
  },
  async datanetLineage(_: unknown, args: RawArgs & { datanetId: unknown }, ctx: ApiContext) {
    const id = need(decodeId(args.datanetId, "datanetId"), "datanetId");
    const common = await commonArgs(ctx, args);
    const d = await ctx.loaders.datanet.load(id);
    if (!d || (common.bound !== null && d.blockNumber > common.bound)) return null;
    return computeDownLineage(ctx, { ...common, root: "DATANET", rootId: id.toString(), label: d.name });
  },
  async accountLineage(_: unknown, args: RawArgs & { address: unknown }, ctx: ApiContext) {
    const address = need(decodeAddress(args.address, "address"), "address");
    const common = await commonArgs(ctx, args);
    return computeDownLineage(ctx, { ...common, root: "CONTRIBUTOR", rootId: address, label: address });
  },
};

async function downGrain(ctx: ApiContext, root: DownRoot, rootId: string, bound: Bound): Promise<DownGrainRow[]> {
  const match = { eq: { [ROOT_KEY[root]]: rootId }, factEq: { [ROOT_COLUMN[root]]: rootId } };
  return (await groupTotals(ctx.db, LINEAGE, match, bound)).map(grainRowOf);
}

async function computeDownLineage(ctx: ApiContext, q: DownArgs) {
  const { root, rootId, depth, limit, minWeightPpm, recentInferences, bound } = q;
  const grain = (await downGrain(ctx, root, rootId, bound)).filter((g) => root !== "CONTRIBUTOR" || g.contributor === rootId);
  const served = [...new Set(grain.map((g) => g.servedModelId))];
  const rootNodeId = nodeId(root, rootId);
  const [servedRows, reach, shownRows] = await Promise.all([
    ctx.loaders.model.loadMany(served.map(BigInt)),
    groupTotals(ctx.db, REACH, { eq: { 0: rootNodeId }, factEq: { [ROOT_COLUMN[root]]: rootId } }, bound),
    served.length > 0 ? attributingInferences(ctx.db, { column: ROOT_COLUMN[root], value: rootId }, bound, recentInferences, root === "CONTRIBUTOR" ? "contributor_cut" : "share") : Promise.resolve([]),
  ]);
  const ancestries = new Map<string, string[]>();
  await Promise.all(servedRows.map(async (m, i) => {
    ancestries.set(served[i]!, m && !(m instanceof Error) ? await ancestryOf(ctx, m as ModelRow) : [served[i]!]);
  }));
  ctx.deadline?.check();
  const index = buildDownEdges(root, grain, ancestries);
  const total = rootTotals(root, grain);
  const perServed = servedTotals(root, grain);
  // Inferences that attributed the root's data, per model that served them.
  const inferenceCountOf = new Map(reach.map((r) => [r.key[1]!, Number(r.totals.inference_count)]));
  const inferenceCount = [...inferenceCountOf.values()].reduce((s, n) => s + n, 0);

  // Training runs met (labels and the indexer's verdict on their claimed sets).
  const runIds = [...new Set(grain.filter((g) => g.trainerModelId !== "0" && g.runVersion > 0).map((g) => `${g.trainerModelId}:${g.runVersion}`))];
  const verified = new Map<string, boolean>();
  if (runIds.length) {
    const tr = ctx.t.trainingRun;
    const rows = await ctx.db
      .select({ modelId: tr.modelId, version: tr.version, verified: tr.verified })
      .from(tr)
      .where(and(inArray(tr.modelId, [...new Set(runIds.map((r) => BigInt(r.split(":")[0]!)))]), inArray(tr.version, [...new Set(runIds.map((r) => Number(r.split(":")[1])))])));
    for (const r of rows) verified.set(`${r.modelId}:${r.version}`, r.verified);
  }
  // Recent inferences, with their audit verdicts.
  const shownIds = shownRows.map((r) => BigInt(r.inferenceId));
  const clean = new Map<string, boolean>();
  if (shownIds.length) {
    const i = ctx.t.inference;
    const rows = await ctx.db.select().from(i).where(inArray(i.id, shownIds));
    await Promise.all(rows.map(async (r) => clean.set(r.id.toString(), (await verdictOf(r, ctx)).clean)));
  }
  const servedEdges = new Map<string, ChildEdge[]>();
  for (const r of shownRows) {
    const list = servedEdges.get(r.modelId) ?? [];
    list.push({ kind: "SERVED", toKind: "INFERENCE", toId: r.inferenceId, weightSum: r.weightSum, amount: r.amount, attributionCount: r.attributionCount, clean: clean.get(r.inferenceId) });
    servedEdges.set(r.modelId, list);
  }

  const g = new LineageBuilder({ maxNodes: NODE_CAP, inferenceCount, minWeightPpm, weightMass: total.weightSum });
  const rootNode = g.addRoot(root, rootId, q.label);
  rootNode.weight = rootNode.weightPpm = total.weightSum > 0n ? 1_000_000 : 0;
  rootNode.amount = total.amount;
  rootNode.attributionCount = total.attributionCount;

  let frontier: LineageNodeOut[] = [rootNode];
  for (let hop = 1; hop <= depth && frontier.length > 0 && !g.truncated; hop++) {
    ctx.deadline?.check();
    const next: LineageNodeOut[] = [];
    for (const parent of frontier) {
      if (g.truncated) break;
      const children = index.get(parent.id) ?? [];
      // One group per kind of child node (a datanet's runs, and its models reached without a run).
      const groups = new Map<NodeKind, ChildEdge[]>();
      for (const e of children) groups.set(groupOf(e), [...(groups.get(groupOf(e)) ?? []), e]);
      for (const [kind, edges] of groups) {
        const ranked = rankChildren(edges).map((e) => (e.toKind === "TRAINING_RUN" ? { ...e, label: `v${e.toId.split(":")[1]}`, verified: verified.get(e.toId) } : e));
        next.push(...g.addGroup(parent, kind, ranked, totalsOf(edges), hop, limit));
      }
      // A model that served: those of the newest inferences attributing the root's data that it served (newest first;
      // minWeightPpm does not apply), the rest of its inferences folded.
      const t = parent.kind === "MODEL" ? perServed.get(parent.entityId) : undefined;
      if (t) {
        const shown = servedEdges.get(parent.entityId) ?? [];
        g.addGroup(parent, "INFERENCE", shown, { ...t, count: inferenceCountOf.get(parent.entityId) ?? shown.length }, hop, Math.max(1, shown.length), 0);
      }
    }
    frontier = next;
  }

  // Labels: names of models and datanets (chain text, shown as text by clients).
  const all = [...g.nodes.values()];
  const modelIds = all.filter((n) => n.kind === "MODEL").map((n) => BigInt(n.entityId));
  const datanetIds = all.filter((n) => n.kind === "DATANET").map((n) => BigInt(n.entityId));
  const [models, datanets] = await Promise.all([ctx.loaders.model.loadMany(modelIds), ctx.loaders.datanet.loadMany(datanetIds)]);
  for (const m of models) if (m && !(m instanceof Error)) { const n = g.nodes.get(nodeId("MODEL", (m as ModelRow).id.toString())); if (n) n.label = (m as ModelRow).name; }
  for (const d of datanets) if (d && !(d instanceof Error)) { const n = g.nodes.get(nodeId("DATANET", (d as DatanetRow).id.toString())); if (n) n.label = (d as DatanetRow).name; }

  const { nodes, edges } = g.result();
  return {
    rootId: rootNode.id, rootKind: root, entityId: rootId, depth, limit, minWeightPpm, recentInferences, nodes, edges,
    amount: total.amount, attributionCount: total.attributionCount, inferenceCount, foldedNodes: g.foldedNodes, truncated: g.truncated,
  };
}

/** The attribution column each root matches (the facts behind the grain). */
const ROOT_COLUMN: Record<DownRoot, "contributor" | "contribution_id" | "datanet_id"> = { CONTRIBUTOR: "contributor", CONTRIBUTION: "contribution_id", DATANET: "datanet_id" };
