/**
 * modelLineage: one read of the served model's lineage grain (api/totals/: per training run drawn
 * on, datanet, contribution and contributor, the summed weights, shares and cuts), from which every
 * stored-kind edge is summed in memory (api/lineage.ts buildEdges); then breadth-first from the
 * model, one round of indexed reads per hop for what the grain does not hold: each model's runs
 * (trainingRun and trainingRunDatanet by primary key) and the served model's recent inferences
 * (inference (modelId, id) index). api/lineage.ts routes flows through runs, folds the tails and
 * applies the node cap. As of a block: the same over the facts at or before it.
 */
import { and, count, desc, eq, inArray, min } from "ponder";
import { decodeId, decodeIntInRange } from "../../input.js";
import {
  LineageBuilder,
  STORED_EDGES_FROM,
  buildEdges,
  emptyTotals,
  grainRowOf,
  nodeId,
  rankChildren,
  rankedGroup,
  relativePpm,
  runChildren,
  runEntityId,
  totalsOf,
  type ChildEdge,
  type ChildKind,
  type EdgeIndex,
  type GrainRow,
  type LineageNodeOut,
  type NodeKind,
  type Totals,
} from "../../lineage.js";
import { groupTotals } from "../../totals/read.js";
import { LINEAGE, MODEL } from "../../totals/rollups.js";
import { upTo, type Bound } from "../asOf.js";
import { countOf, need, type ApiContext, type DatanetRow, type ModelRow, type TrainingRunRow } from "../context.js";
import { resolveBlock, type BlockArg } from "./block.js";
import { verdictOf } from "./inference.js";
import { LIMITS, lineageNodeCap } from "../limits.js";

/** The served model's lineage grain at the bound (api/totals/: the rollup's head plus the facts above it). */
async function lineageGrain(ctx: ApiContext, servedId: bigint, bound: Bound): Promise<GrainRow[]> {
  return (await groupTotals(ctx.db, LINEAGE, { eq: { 0: servedId } }, bound)).map(grainRowOf);
}

/** The served model and its ancestors' ids, nearest first (the chain ADAPTS edges follow). */
export async function ancestryOf(ctx: ApiContext, model: ModelRow): Promise<string[]> {
  const out = [model.id.toString()];
  let parent = model.parentModelId;
  while (parent !== null && out.length < 256 && !out.includes(parent.toString())) {
    out.push(parent.toString());
    parent = (await ctx.loaders.model.load(parent))?.parentModelId ?? null;
  }
  return out;
}

/** What a model node needs to show its runs: flows per datanet, first run per datanet, the run rows. */
interface TrainerData {
  /** What the model's flows drew on each of its runs (HAS_TRAINING_RUN edges by version). */
  byRun: Map<number, ChildEdge>;
  /** Flows to datanets through no known run (model → datanet). */
  direct: ChildEdge[];
  firstRun: Map<string, number>;
  runs: TrainingRunRow[];
  runCount: number;
}

async function trainerData(ctx: ApiContext, edges: EdgeIndex, model: ModelRow, limit: number, bound: Bound): Promise<TrainerData> {
  const { trainingRunDatanet: trd, trainingRun: tr } = ctx.t;
  const [firstRows, latest] = await Promise.all([
    ctx.db
      .select({ datanetId: trd.datanetId, version: min(trd.version) })
      .from(trd)
      .innerJoin(tr, and(eq(tr.modelId, trd.modelId), eq(tr.version, trd.version)))
      .where(and(eq(trd.modelId, model.id), upTo(tr.blockNumber, bound)))
      .groupBy(trd.datanetId),
    ctx.db.select().from(tr).where(and(eq(tr.modelId, model.id), upTo(tr.blockNumber, bound))).orderBy(desc(tr.version)).limit(limit),
  ]);
  const firstRun = new Map<string, number>();
  for (const r of firstRows) if (r.version !== null) firstRun.set(r.datanetId.toString(), Number(r.version));
  // The runs the model's flows went through (whatever their age), besides the latest `limit`.
  const runFlows = edges.get(`${model.id}|HAS_TRAINING_RUN`) ?? [];
  const have = new Set(latest.map((r) => r.version));
  const flowVersions = [...new Set(runFlows.map((e) => Number(e.toId.split(":")[1])).filter((v) => !have.has(v)))];
  const older = flowVersions.length ? await ctx.db.select().from(tr).where(and(eq(tr.modelId, model.id), inArray(tr.version, flowVersions))) : [];
  const runCount = countOf(await ctx.db.select({ n: count() }).from(tr).where(and(eq(tr.modelId, model.id), upTo(tr.blockNumber, bound))));
  const byRun = new Map(runFlows.map((e) => [Number(e.toId.split(":")[1]), e]));
  const direct = edges.get(`${model.id}|TRAINED_ON`) ?? [];
  return { byRun, direct, firstRun, runs: [...latest, ...older], runCount: Math.max(runCount, latest.length + older.length) };
}

/** The model's newest inferences at the bound, with their audit verdicts. */
async function recentOf(ctx: ApiContext, modelId: bigint, n: number, bound: Bound) {
  const i = ctx.t.inference;
  const rows = await ctx.db.select().from(i).where(and(eq(i.modelId, modelId), upTo(i.blockNumber, bound))).orderBy(desc(i.id)).limit(n);
  return Promise.all(rows.map(async (r) => ({ id: r.id, fee: r.fee, attributionCount: r.attributionCount, clean: (await verdictOf(r, ctx)).clean })));
}

/** Read once: a bad API_LINEAGE_MAX_NODES fails at start-up, not per request. */
const NODE_CAP = lineageNodeCap();

interface LineageArgs {
  bound: Bound;
  modelId: bigint;
  depth: number;
  limit: number;
  minWeightPpm: number;
  recentInferences: number;
}

export const lineageQuery = {
  async modelLineage(_: unknown, args: { modelId: unknown; depth?: unknown; minWeightPpm?: unknown; limit?: unknown; recentInferences?: unknown; block?: BlockArg }, ctx: ApiContext) {
    const q: LineageArgs = {
      modelId: need(decodeId(args.modelId, "modelId"), "modelId"),
      depth: need(decodeIntInRange(args.depth, "depth", 1, LIMITS.maxLineageDepth, LIMITS.defaultLineageDepth), "depth"),
      limit: need(decodeIntInRange(args.limit, "limit", 1, LIMITS.maxLineageLimit, LIMITS.defaultLineageLimit), "limit"),
      minWeightPpm: need(decodeIntInRange(args.minWeightPpm, "minWeightPpm", 0, 1_000_000, 0), "minWeightPpm"),
      recentInferences: need(decodeIntInRange(args.recentInferences, "recentInferences", 0, LIMITS.maxLineageInferences, LIMITS.defaultLineageInferences), "recentInferences"),
      bound: await resolveBlock(ctx, args.block),
    };
    // Whole responses to queries with this field are cached per data version (api/graphql/index.ts).
    return computeLineage(ctx, q);
  },
};

/** The lineage answer, read from the database (one round of reads per hop). */
async function computeLineage(ctx: ApiContext, { modelId, depth, limit, minWeightPpm, recentInferences, bound }: LineageArgs) {
  const model = await ctx.loaders.model.load(modelId);
  if (!model || (bound !== null && model.blockNumber > bound)) return null;
  const [totals, grain, ancestry] = await Promise.all([ctx.loaders.totals(MODEL, bound).load(modelId.toString()), lineageGrain(ctx, modelId, bound), ancestryOf(ctx, model)]);
  const inferenceCount = Number(totals.inference_count);
  const index = buildEdges(grain, ancestry);
  const totalsOfModel = totals;
  const g = new LineageBuilder({ maxNodes: NODE_CAP, inferenceCount, minWeightPpm });
  const root = g.addRoot("MODEL", modelId.toString(), model.name);
  /** Per run node id: its trainer's data and its datanet ids. */
  const runInfo = new Map<string, { data: TrainerData; version: number; datanetIds: string[] }>();

  let frontier: LineageNodeOut[] = [root];
  for (let hop = 1; hop <= depth && frontier.length > 0 && !g.truncated; hop++) {
    ctx.deadline?.check();
    const byKind = new Map<NodeKind, LineageNodeOut[]>();
    for (const n of frontier) byKind.set(n.kind, [...(byKind.get(n.kind) ?? []), n]);
    const models = byKind.get("MODEL") ?? [];

    // All reads of this hop at once.
    const kinds = [...byKind.entries()];
    const [trainers, inferences] = await Promise.all([
      Promise.all(models.map(async (m) => {
        const row = m === root ? model : await ctx.loaders.model.load(BigInt(m.entityId));
        return row ? trainerData(ctx, index, row, limit, bound) : null;
      })),
      hop === 1 && recentInferences > 0 ? recentOf(ctx, modelId, recentInferences, bound) : Promise.resolve([]),
    ]);
    const stored = (n: LineageNodeOut, kind: ChildKind) => rankedGroup(index, n.entityId, kind, limit);
    const next: LineageNodeOut[] = [];

    for (const [kind, parents] of byKind) {
      for (const parent of parents) {
        if (g.truncated) break;
        if (kind === "MODEL") {
          const data = trainers[models.indexOf(parent)] ?? null;
          const adapts = stored(parent, "ADAPTS");
          const untrained = stored(parent, "UNTRAINED");
          // Runs: each with what the inferences drew on it (the run recorded per attribution).
          let runGroup: { ranked: ChildEdge[]; totals: Totals } | null = null;
          const direct: ChildEdge[] = data?.direct ?? [];
          if (data) {
            const ranked = rankChildren(data.runs.map((r) => {
              const t = data.byRun.get(r.version) ?? emptyTotals();
              return { kind: "HAS_TRAINING_RUN" as const, toId: runEntityId(parent.entityId, r.version), weightSum: t.weightSum, amount: t.amount, attributionCount: t.attributionCount, label: `v${r.version}`, verified: r.verified };
            }));
            const flowTotals = totalsOf([...data.byRun.values()]);
            runGroup = { ranked, totals: { ...flowTotals, count: data.runCount } };
            for (const r of data.runs) runInfo.set(nodeId("TRAINING_RUN", runEntityId(parent.entityId, r.version)), { data, version: r.version, datanetIds: r.datanetIds.map(String) });
          }
          if (parent === root) {
            // What flowed into the served model from data: its parent, its runs, its untrained datanets.
            const inflow = [adapts?.totals, untrained?.totals, data ? totalsOf([...data.byRun.values(), ...data.direct]) : undefined];
            const ws = inflow.reduce((s, t) => s + (t?.weightSum ?? 0n), 0n);
            root.weight = root.weightPpm = relativePpm(ws, inferenceCount);
            root.amount = inflow.reduce((s, t) => s + (t?.amount ?? 0n), 0n);
            root.attributionCount = inflow.reduce((s, t) => s + (t?.attributionCount ?? 0), 0);
          }
          if (adapts) next.push(...g.addGroup(parent, "MODEL", adapts.ranked, adapts.totals, hop, limit));
          if (runGroup) next.push(...g.addGroup(parent, "TRAINING_RUN", runGroup.ranked, runGroup.totals, hop, limit));
          if (direct.length) next.push(...g.addGroup(parent, "DATANET", rankChildren(direct), totalsOf(direct), hop, limit));
          if (untrained) next.push(...g.addGroup(parent, "DATANET", untrained.ranked, untrained.totals, hop, limit));
          if (parent === root && hop === 1 && recentInferences > 0) {
            const w = BigInt(1_000_000);
            const shown: ChildEdge[] = inferences.map((i) => ({ kind: "SERVED", toId: i.id.toString(), weightSum: w, amount: i.fee, attributionCount: i.attributionCount, clean: i.clean }));
            const totals: Totals = { count: inferenceCount, weightSum: w * BigInt(inferenceCount), amount: totalsOfModel.total_fees!, attributionCount: Number(totalsOfModel.attribution_count) };
            // Newest first (not by weight: every inference weighs the same); minWeightPpm does not apply.
            g.addGroup(parent, "INFERENCE", shown, totals, hop, recentInferences, 0);
          }
        } else if (kind === "TRAINING_RUN") {
          const info = runInfo.get(parent.id);
          if (!info) continue;
          const flows = new Map((index.get(`${parent.entityId}|TRAINED_ON`) ?? []).map((e) => [e.toId, e]));
          const { ranked, totals } = runChildren(info.version, info.datanetIds, flows, info.data.firstRun);
          next.push(...g.addGroup(parent, "DATANET", ranked, totals, hop, limit));
        } else {
          for (const k of STORED_EDGES_FROM[kind] ?? []) {
            const grp = stored(parent, k);
            if (grp) next.push(...g.addGroup(parent, k === "HAS_CONTRIBUTION" ? "CONTRIBUTION" : "CONTRIBUTOR", grp.ranked, grp.totals, hop, limit));
          }
        }
      }
    }
    frontier = next;
  }

  // Labels: names of models and datanets (chain text, shown as text by clients).
  const all = [...g.nodes.values()];
  const modelIds = all.filter((n) => n.kind === "MODEL").map((n) => BigInt(n.entityId));
  const datanetIds = all.filter((n) => n.kind === "DATANET").map((n) => BigInt(n.entityId));
  const [models, datanets] = await Promise.all([ctx.loaders.model.loadMany(modelIds), ctx.loaders.datanet.loadMany(datanetIds)]);
  for (const m of models) if (m && !(m instanceof Error)) { const n = g.nodes.get(nodeId("MODEL", String((m as ModelRow).id))); if (n) n.label = (m as ModelRow).name; }
  for (const d of datanets) if (d && !(d instanceof Error)) { const n = g.nodes.get(nodeId("DATANET", String((d as DatanetRow).id))); if (n) n.label = (d as DatanetRow).name; }

  const { nodes, edges } = g.result();
  return { modelId, depth, limit, minWeightPpm, recentInferences, nodes, edges, inferenceCount, foldedNodes: g.foldedNodes, truncated: g.truncated };
}
