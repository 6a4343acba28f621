/**
 * Statistics of the indexed data for the cost estimate (cost.ts): table sizes for scans and the
 * largest fan-out of each list field that has no limit. Read with a handful of small queries
 * (aggregate rows and the small registry tables, never a scan of inferences or attributions), at
 * most every `ttlMs`, in the background once the first read is done: a request never waits for a
 * refresh, and a failed refresh keeps the previous figures.
 */
import { sql } from "ponder";
import type { SQL } from "drizzle-orm";
import { maxRootAttributions, pointTotals } from "../totals/read.js";
import { NETWORK } from "../totals/rollups.js";
import { DEFAULT_STATS, LIST_BOUNDS, type CostStats } from "./cost.js";
import type { Db, Tables } from "./context.js";

/** Attributions per inference the estimate assumes, as a multiple of the average (capped by the protocol's 256). */
const ATTRIBUTION_SPREAD = 4;

export async function readCostStats(db: Db, t: Tables): Promise<CostStats> {
  const one = async (query: SQL) => {
    const result = await db.execute(query);
    return (((result as unknown as { rows?: Record<string, unknown>[] }).rows ?? (result as unknown as Record<string, unknown>[]))[0] ?? {}) as Record<string, unknown>;
  };
  const { datanet: d, contribution: c, model: m, trainingRun: tr, trainingRunDatanet: trd, inference: i } = t;
  const [totals, rootMax, r] = await Promise.all([
    pointTotals(db, NETWORK, ["network"], null),
    maxRootAttributions(db),
    one(sql`SELECT
      (SELECT count(*) FROM ${d}) AS datanets, (SELECT count(*) FROM ${c}) AS contributions, (SELECT count(*) FROM ${m}) AS models,
      (SELECT count(*) FROM ${tr}) AS runs,
      (SELECT max(n) FROM (SELECT count(*) AS n FROM ${tr} GROUP BY ${tr.modelId}) x) AS runs_per_model,
      (SELECT max(n) FROM (SELECT count(*) AS n FROM ${m} WHERE ${m.parentModelId} IS NOT NULL GROUP BY ${m.parentModelId}) x) AS adapters,
      (SELECT max(cardinality(${tr.datanetIds})) FROM ${tr}) AS datanets_per_run,
      (SELECT max(${tr.recomputedCount}) FROM ${tr}) AS run_set,
      (SELECT max(n) FROM (SELECT count(DISTINCT ${trd.modelId}) AS n FROM ${trd} GROUP BY ${trd.datanetId}) x) AS models_per_datanet,
      (SELECT max(n) FROM (SELECT count(*) AS n FROM ${d} GROUP BY ${d.owner}) x) AS datanets_owned,
      (SELECT max(n) FROM (SELECT count(*) AS n FROM ${m} GROUP BY ${m.owner}) x) AS models_owned,
      (SELECT ${i.timestamp} FROM ${i} ORDER BY ${i.id} ASC LIMIT 1) AS first_ts,
      (SELECT ${i.timestamp} FROM ${i} ORDER BY ${i.id} DESC LIMIT 1) AS last_ts`),
  ]);
  const num = (v: unknown) => Number(v ?? 0) || 0;
  return costStatsFrom({
    inferences: Number(totals.inference_count),
    attributions: Number(totals.attribution_count),
    maxRootAttributions: rootMax ?? Number(totals.attribution_count),
    contributions: num(r.contributions),
    datanets: num(r.datanets),
    models: num(r.models),
    trainingRuns: num(r.runs),
    accounts: 0,
    daysSpanned: r.first_ts !== null && r.first_ts !== undefined ? Math.floor((num(r.last_ts) - num(r.first_ts)) / 86_400) + 1 : 1,
    maxDatanetsOwned: num(r.datanets_owned),
    maxModelsOwned: num(r.models_owned),
    maxAdapters: num(r.adapters),
    maxRunsPerModel: num(r.runs_per_model),
    maxDatanetsPerRun: num(r.datanets_per_run),
    maxModelsPerDatanet: num(r.models_per_datanet),
    maxRunSet: num(r.run_set),
  });
}

/** What the statistics are made of: counts from the network row and maxima from the small tables. */
export interface DataFigures {
  inferences: number;
  attributions: number;
  contributions: number;
  datanets: number;
  models: number;
  trainingRuns: number;
  accounts: number;
  daysSpanned: number;
  maxDatanetsOwned: number;
  maxModelsOwned: number;
  maxAdapters: number;
  maxRunsPerModel: number;
  maxDatanetsPerRun: number;
  maxModelsPerDatanet: number;
  maxRunSet: number;
  /** Most attributions of one datanet or contributor (the downstream lineages read them). */
  maxRootAttributions: number;
}

/** The cost statistics of data with these figures (pure; readCostStats reads the figures). */
export function costStatsFrom(f: DataFigures): CostStats {
  const avgAttributions = f.inferences > 0 ? f.attributions / f.inferences : 0;
  const perInference = Math.min(LIST_BOUNDS["Inference.attributions"]!, Math.max(16, Math.ceil(avgAttributions * ATTRIBUTION_SPREAD)));
  return {
    rows: {
      inference: f.inferences,
      attribution: f.attributions,
      contribution: f.contributions,
      contributionStatusChange: f.contributions * 3,
      datanet: f.datanets,
      model: f.models,
      trainingRun: f.trainingRuns,
      account: f.accounts,
      // One accrual per (inference, account, role): at most two per attribution plus two.
      rewardAccrual: f.attributions * 2 + f.inferences * 2,
      lineageEdge: f.attributions,
    },
    defaultRows: Math.max(f.attributions, 1000),
    fanout: {
      "Query.inferencesByOutput": 10,
      "Account.earningsByDay": Math.max(1, f.daysSpanned),
      "Contribution.earningsByDay": Math.max(1, f.daysSpanned),
      "Account.datanetsOwned": Math.max(1, f.maxDatanetsOwned),
      "Account.modelsOwned": Math.max(1, f.maxModelsOwned),
      "Inference.attributions": perInference,
      "Inference.accruals": 2 * perInference + 2,
      "Model.adapters": Math.max(1, f.maxAdapters),
      "Model.trainingRuns": Math.max(1, f.maxRunsPerModel),
      "TrainingRun.datanets": Math.max(1, f.maxDatanetsPerRun),
      "Datanet.models": Math.max(1, f.maxModelsPerDatanet),
      "Contribution.trainingRuns": Math.max(1, f.maxModelsPerDatanet * f.maxRunsPerModel),
    },
    maxRunSet: Math.max(1, f.maxRunSet),
    maxRootAttributions: Math.max(1, Math.min(f.maxRootAttributions, f.attributions)),
  };
}

/** The statistics in force, refreshed in the background every `ttlMs`. */
export class CostStatsCache {
  private stats: CostStats | null = null;
  private at = 0;
  private loading: Promise<CostStats> | null = null;

  constructor(
    private readonly load: () => Promise<CostStats>,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current figures; waits only for the very first read (and falls back to the defaults if it fails). */
  async current(): Promise<CostStats> {
    if (this.stats === null) return this.refresh().catch(() => DEFAULT_STATS);
    if (this.now() - this.at > this.ttlMs) this.refresh().catch(() => {});
    return this.stats;
  }

  private refresh(): Promise<CostStats> {
    this.loading ??= this.load()
      .then((s) => {
        this.stats = s;
        this.at = this.now();
        return s;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
