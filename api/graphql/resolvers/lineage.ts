/**
 * modelLineage: breadth-first from the model, one round of indexed reads per hop (all in parallel):
 * - models: the indexer's ADAPTS/UNTRAINED edges ranked per parent (window functions over the
 *   lineageEdge (modelId, kind, fromId) primary-key range), all its TRAINED_ON edges of that model
 *   (one per datanet with flow), the first run naming each datanet (trainingRunDatanet primary-key
 *   range of the model) and the runs to show (trainingRun by primary key);
 * - the served model only: its most recent inferences (inference (modelId, id) index);
 * - training runs: no read (their datanets came with the run row);
 * - datanets and contributions: HAS_CONTRIBUTION / CONTRIBUTED_BY ranked per parent.
 * api/lineage.ts routes flows through runs, folds the tails and applies the node cap. No read
 * touches attribution rows.
 */
import { and, desc, eq, inArray, lte, min, sql } from "ponder";
import { decodeId, decodeIntInRange } from "../../input.js";
import {
  LineageBuilder,
  STORED_EDGES_FROM,
  emptyTotals,
  rankChildren,
  relativePpm,
  routeToRuns,
  runChildren,
  totalsOf,
  type ChildEdge,
  type LineageNodeOut,
  type NodeKind,
  type Totals,
} from "../../lineage.js";
import { need, type ApiContext, type DatanetRow, type ModelRow, type TrainingRunRow } from "../context.js";
import { LIMITS, lineageNodeCap } from "../limits.js";

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

const big = (v: string | number | bigint | null | undefined): bigint => (v === null || v === undefined ? 0n : BigInt(typeof v === "string" ? v.split(".")[0]! : v));

/** The top `limit` children per (parent, kind) of the given parents, with totals over all of them. */
async function rankedChildren(ctx: ApiContext, modelId: bigint, kinds: string[], fromIds: string[], limit: number): Promise<RankedRow[]> {
  if (kinds.length === 0 || fromIds.length === 0) return [];
  const le = ctx.t.lineageEdge;
  const part = sql`partition by ${le.fromId}, ${le.kind}`;
  const ranked = ctx.db
    .select({
      kind: le.kind,
      fromId: le.fromId,
      toId: le.toId,
      weightPpm: le.weightPpm,
      amount: le.amount,
      attributionCount: le.attributionCount,
      rn: sql<number>`row_number() over (${part} order by ${le.weightPpm} desc, ${le.amount} desc, ${le.toId} asc)`.as("rn"),
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

/** Groups ranked rows by (parent entity id, kind): ranked children and totals. */
function groupRanked(rows: RankedRow[]): Map<string, { ranked: ChildEdge[]; totals: Totals }> {
  const groups = new Map<string, { ranked: ChildEdge[]; totals: Totals }>();
  for (const r of rows) {
    const key = `${r.fromId}|${r.kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ranked: [], totals: { count: Number(r.n), weightSum: big(r.w), amount: big(r.a), attributionCount: Number(big(r.c)) } }));
    g.ranked.push({ kind: r.kind as ChildEdge["kind"], toId: r.toId, weightSum: big(r.weightPpm), amount: big(r.amount), attributionCount: r.attributionCount });
  }
  for (const g of groups.values()) g.ranked = rankChildren(g.ranked);
  return groups;
}

/** What a model node needs to show its runs: flows per datanet, first run per datanet, the run rows. */
interface TrainerData {
  flows: Map<string, ChildEdge>;
  firstRun: Map<string, number>;
  runs: TrainingRunRow[];
  runCount: number;
}

async function trainerData(ctx: ApiContext, servedId: bigint, model: ModelRow, limit: number): Promise<TrainerData> {
  const { lineageEdge: le, trainingRunDatanet: trd, trainingRun: tr } = ctx.t;
  const [flowRows, firstRows, latest] = await Promise.all([
    ctx.db
      .select({ toId: le.toId, weightPpm: le.weightPpm, amount: le.amount, attributionCount: le.attributionCount })
      .from(le)
      .where(and(eq(le.modelId, servedId), eq(le.kind, "TRAINED_ON"), eq(le.fromId, model.id.toString()))),
    ctx.db
      .select({ datanetId: trd.datanetId, version: min(trd.version) })
      .from(trd)
      .where(eq(trd.modelId, model.id))
      .groupBy(trd.datanetId),
    ctx.db.select().from(tr).where(eq(tr.modelId, model.id)).orderBy(desc(tr.version)).limit(limit),
  ]);
  const flows = new Map<string, ChildEdge>();
  for (const r of flowRows) flows.set(r.toId, { kind: "TRAINED_ON", toId: r.toId, weightSum: big(r.weightPpm), amount: big(r.amount), attributionCount: r.attributionCount });
  const firstRun = new Map<string, number>();
  for (const r of firstRows) if (r.version !== null) firstRun.set(r.datanetId.toString(), Number(r.version));
  // The runs carrying flow, whatever their age, besides the latest `limit`.
  const have = new Set(latest.map((r) => r.version));
  const flowVersions = [...new Set([...flows.keys()].map((d) => firstRun.get(d)).filter((v): v is number => v !== undefined && !have.has(v)))];
  const older = flowVersions.length ? await ctx.db.select().from(tr).where(and(eq(tr.modelId, model.id), inArray(tr.version, flowVersions))) : [];
  return { flows, firstRun, runs: [...latest, ...older], runCount: Math.max(model.trainingRunCount, latest.length + older.length) };
}

/** Read once: a bad API_LINEAGE_MAX_NODES fails at start-up, not per request. */
const NODE_CAP = lineageNodeCap();

interface LineageArgs {
  modelId: bigint;
  depth: number;
  limit: number;
  minWeightPpm: number;
  recentInferences: number;
}

export const lineageQuery = {
  async modelLineage(_: unknown, args: { modelId: unknown; depth?: unknown; minWeightPpm?: unknown; limit?: unknown; recentInferences?: unknown }, ctx: ApiContext) {
    const q: LineageArgs = {
      modelId: need(decodeId(args.modelId, "modelId"), "modelId"),
      depth: need(decodeIntInRange(args.depth, "depth", 1, LIMITS.maxLineageDepth, LIMITS.defaultLineageDepth), "depth"),
      limit: need(decodeIntInRange(args.limit, "limit", 1, LIMITS.maxLineageLimit, LIMITS.defaultLineageLimit), "limit"),
      minWeightPpm: need(decodeIntInRange(args.minWeightPpm, "minWeightPpm", 0, 1_000_000, 0), "minWeightPpm"),
      recentInferences: need(decodeIntInRange(args.recentInferences, "recentInferences", 0, LIMITS.maxLineageInferences, LIMITS.defaultLineageInferences), "recentInferences"),
    };
    // Whole responses to queries with this field are cached per data version (api/graphql/index.ts).
    return computeLineage(ctx, q);
  },
};

/** The lineage answer, read from the database (one round of reads per hop). */
async function computeLineage(ctx: ApiContext, { modelId, depth, limit, minWeightPpm, recentInferences }: LineageArgs) {
  const model = await ctx.loaders.model.load(modelId);
  if (!model) return null;
  const inferenceCount = model.inferenceCount;
  const g = new LineageBuilder({ maxNodes: NODE_CAP, inferenceCount, minWeightPpm });
  const root = g.addRoot("MODEL", modelId.toString(), model.name);
  /** Per run node id: its trainer's data and its datanet ids. */
  const runInfo = new Map<string, { data: TrainerData; version: number; datanetIds: string[] }>();

  let frontier: LineageNodeOut[] = [root];
  for (let hop = 1; hop <= depth && frontier.length > 0 && !g.truncated; hop++) {
    const byKind = new Map<NodeKind, LineageNodeOut[]>();
    for (const n of frontier) byKind.set(n.kind, [...(byKind.get(n.kind) ?? []), n]);
    const models = byKind.get("MODEL") ?? [];

    // All reads of this hop at once.
    const kinds = [...byKind.entries()];
    const [rows, trainers, inferences] = await Promise.all([
      Promise.all(kinds.map(([k, ns]) => rankedChildren(ctx, modelId, STORED_EDGES_FROM[k], ns.map((n) => n.entityId), limit))),
      Promise.all(models.map(async (m) => {
        const row = m === root ? model : await ctx.loaders.model.load(BigInt(m.entityId));
        return row ? trainerData(ctx, modelId, row, limit) : null;
      })),
      hop === 1 && recentInferences > 0
        ? ctx.db
            .select({ id: ctx.t.inference.id, fee: ctx.t.inference.fee, clean: ctx.t.inference.clean, attributionCount: ctx.t.inference.attributionCount })
            .from(ctx.t.inference)
            .where(eq(ctx.t.inference.modelId, modelId))
            .orderBy(desc(ctx.t.inference.id))
            .limit(recentInferences)
        : Promise.resolve([]),
    ]);
    const groups = new Map(kinds.map(([k], i) => [k, groupRanked(rows[i] ?? [])]));
    const stored = (n: LineageNodeOut, kind: string) => groups.get(n.kind)?.get(`${n.entityId}|${kind}`);
    const next: LineageNodeOut[] = [];

    for (const [kind, parents] of byKind) {
      for (const parent of parents) {
        if (g.truncated) break;
        if (kind === "MODEL") {
          const data = trainers[models.indexOf(parent)] ?? null;
          const adapts = stored(parent, "ADAPTS");
          const untrained = stored(parent, "UNTRAINED");
          // Runs: the model's flows routed to the first run naming each datanet.
          let runGroup: { ranked: ChildEdge[]; totals: Totals } | null = null;
          let direct: ChildEdge[] = [];
          if (data) {
            const routed = routeToRuns([...data.flows.values()], data.firstRun);
            direct = routed.direct;
            const ranked = rankChildren(data.runs.map((r) => {
              const t = routed.byRun.get(r.version) ?? emptyTotals();
              return { kind: "HAS_TRAINING_RUN" as const, toId: `${parent.entityId}:${r.version}`, weightSum: t.weightSum, amount: t.amount, attributionCount: t.attributionCount, label: `v${r.version}`, verified: r.verified };
            }));
            const flowTotals = totalsOf([...routed.byRun.values()].map((t) => ({ kind: "HAS_TRAINING_RUN" as const, toId: "", ...t })));
            runGroup = { ranked, totals: { ...flowTotals, count: data.runCount } };
            for (const r of data.runs) runInfo.set(`run:${parent.entityId}:${r.version}`, { data, version: r.version, datanetIds: r.datanetIds.map(String) });
          }
          if (parent === root) {
            // What flowed into the served model from data: its parent, its runs, its untrained datanets.
            const inflow = [adapts?.totals, untrained?.totals, data ? totalsOf([...data.flows.values()]) : undefined];
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
            const totals: Totals = { count: model.inferenceCount, weightSum: w * BigInt(model.inferenceCount), amount: model.totalFees, attributionCount: model.attributionCount };
            // Newest first (not by weight: every inference weighs the same); minWeightPpm does not apply.
            g.addGroup(parent, "INFERENCE", shown, totals, hop, recentInferences, 0);
          }
        } else if (kind === "TRAINING_RUN") {
          const info = runInfo.get(parent.id);
          if (!info) continue;
          const { ranked, totals } = runChildren(info.version, info.datanetIds, info.data.flows, info.data.firstRun);
          next.push(...g.addGroup(parent, "DATANET", ranked, totals, hop, limit));
        } else {
          for (const k of STORED_EDGES_FROM[kind]) {
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
  for (const m of models) if (m && !(m instanceof Error)) { const n = g.nodes.get(`model:${(m as ModelRow).id}`); if (n) n.label = (m as ModelRow).name; }
  for (const d of datanets) if (d && !(d instanceof Error)) { const n = g.nodes.get(`datanet:${(d as DatanetRow).id}`); if (n) n.label = (d as DatanetRow).name; }

  const { nodes, edges } = g.result();
  return { modelId, depth, limit, minWeightPpm, recentInferences, nodes, edges, inferenceCount, foldedNodes: g.foldedNodes, truncated: g.truncated };
}
