/** search(text): addresses, ids, names, output hashes and transaction hashes, ranked (api/search.ts). */
import { and, count, eq, or, sql } from "ponder";
import { accountsAt, groupTotals, pointTotals } from "../../totals/read.js";
import { ACCOUNT, CONTRIBUTION, DATANET, MODEL } from "../../totals/rollups.js";
import { decodeSearchText } from "../../input.js";
import { classifySearch, escapeLike, matchQuality, score } from "../../search.js";
import { countOf, listLimit, need, type ApiContext } from "../context.js";
import { LIMITS } from "../limits.js";

type Kind = "ACCOUNT" | "DATANET" | "MODEL" | "CONTRIBUTION" | "INFERENCE" | "TRAINING_RUN" | "CLAIM";
interface Result {
  kind: Kind;
  id: string;
  label: string;
  matched: string;
  score: number;
}

/** How much a model (inferences), datanet (attributions) or contribution (inferences) is used: a tie-breaker between equal matches. */
async function popularity(ctx: ApiContext, rollup: typeof MODEL | typeof DATANET | typeof CONTRIBUTION, id: bigint): Promise<number> {
  const t = await ctx.loaders.totals(rollup, null).load(id.toString());
  return Number(rollup === DATANET ? t.attribution_count : t.inference_count);
}

export const searchQuery = {
  async search(_: unknown, args: { text: unknown; limit?: number | null }, ctx: ApiContext): Promise<Result[]> {
    const text = need(decodeSearchText(args.text), "text");
    const limit = listLimit(args.limit, LIMITS.defaultSearchResults, LIMITS.maxSearchResults);
    const { db, t } = ctx;
    const results: Result[] = [];
    const add = (r: Result) => results.push(r);
    const tasks: Promise<void>[] = [];

    for (const intent of classifySearch(text)) {
      switch (intent.kind) {
        case "address":
          tasks.push(
            Promise.all([
              pointTotals(db, ACCOUNT, [intent.address], null),
              db.select({ n: count() }).from(t.contribution).where(eq(t.contribution.contributor, intent.address)),
            ]).then(([totals, contributions]) => {
              add({ kind: "ACCOUNT", id: intent.address, label: intent.address, matched: "address", score: score(3, "ACCOUNT", Number(totals.accrual_count) + countOf(contributions)) });
            }),
          );
          break;
        case "hexPrefix":
          tasks.push(
            accountsAt(db, null).then(async (all) => {
              const found = all.filter((a) => a.startsWith(intent.prefix)).slice(0, limit);
              const totals = new Map((await groupTotals(db, ACCOUNT, { in: found }, null)).map((r) => [r.key[0]!, Number(r.totals.accrual_count)]));
              found.forEach((address) => add({ kind: "ACCOUNT", id: address, label: address, matched: "address", score: score(2, "ACCOUNT", totals.get(address) ?? 0) }));
            }),
          );
          break;
        case "hash": {
          const h = intent.hash;
          tasks.push(
            db.select({ id: t.inference.id }).from(t.inference).where(eq(t.inference.outputHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "INFERENCE", id: r.id.toString(), label: `Inference #${r.id}`, matched: "outputHash", score: score(3, "INFERENCE") }))),
            db.select({ id: t.inference.id }).from(t.inference).where(eq(t.inference.transactionHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "INFERENCE", id: r.id.toString(), label: `Inference #${r.id}`, matched: "transactionHash", score: score(3, "INFERENCE") }))),
            db.select({ modelId: t.trainingRun.modelId, version: t.trainingRun.version }).from(t.trainingRun).where(eq(t.trainingRun.transactionHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "TRAINING_RUN", id: `${r.modelId}:${r.version}`, label: `Model #${r.modelId} v${r.version}`, matched: "transactionHash", score: score(3, "TRAINING_RUN") }))),
            db.select({ id: t.datanet.id, name: t.datanet.name }).from(t.datanet).where(eq(t.datanet.transactionHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "DATANET", id: r.id.toString(), label: r.name, matched: "transactionHash", score: score(3, "DATANET") }))),
            db.select({ id: t.model.id, name: t.model.name }).from(t.model).where(eq(t.model.transactionHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "MODEL", id: r.id.toString(), label: r.name, matched: "transactionHash", score: score(3, "MODEL") }))),
            db.select({ id: t.contribution.id }).from(t.contribution).where(or(eq(t.contribution.contentHash, h), eq(t.contribution.transactionHash, h))).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "CONTRIBUTION", id: r.id.toString(), label: `Contribution #${r.id}`, matched: "contentHash/transactionHash", score: score(3, "CONTRIBUTION") }))),
            db.select({ id: t.rewardClaim.id, account: t.rewardClaim.account }).from(t.rewardClaim).where(eq(t.rewardClaim.transactionHash, h)).limit(limit)
              .then((rows) => rows.forEach((r) => add({ kind: "CLAIM", id: r.account, label: `Claim by ${r.account}`, matched: "transactionHash", score: score(3, "CLAIM") }))),
          );
          break;
        }
        case "id": {
          const id = intent.id;
          tasks.push(
            db.select({ id: t.model.id, name: t.model.name }).from(t.model).where(eq(t.model.id, id)).limit(1)
              .then((rows) => Promise.all(rows.map(async (r) => add({ kind: "MODEL", id: r.id.toString(), label: r.name, matched: "id", score: score(3, "MODEL", await popularity(ctx, MODEL, r.id)) })))).then(() => {}),
            db.select({ id: t.datanet.id, name: t.datanet.name }).from(t.datanet).where(eq(t.datanet.id, id)).limit(1)
              .then((rows) => Promise.all(rows.map(async (r) => add({ kind: "DATANET", id: r.id.toString(), label: r.name, matched: "id", score: score(3, "DATANET", await popularity(ctx, DATANET, r.id)) })))).then(() => {}),
            db.select({ id: t.contribution.id }).from(t.contribution).where(eq(t.contribution.id, id)).limit(1)
              .then((rows) => Promise.all(rows.map(async (r) => add({ kind: "CONTRIBUTION", id: r.id.toString(), label: `Contribution #${r.id}`, matched: "id", score: score(3, "CONTRIBUTION", await popularity(ctx, CONTRIBUTION, r.id)) })))).then(() => {}),
            db.select({ id: t.inference.id }).from(t.inference).where(eq(t.inference.id, id)).limit(1)
              .then((rows) => rows.forEach((r) => add({ kind: "INFERENCE", id: r.id.toString(), label: `Inference #${r.id}`, matched: "id", score: score(3, "INFERENCE") }))),
          );
          break;
        }
        case "run":
          tasks.push(
            db.select({ modelId: t.trainingRun.modelId, version: t.trainingRun.version }).from(t.trainingRun)
              .where(and(eq(t.trainingRun.modelId, intent.modelId), eq(t.trainingRun.version, intent.version))).limit(1)
              .then((rows) => rows.forEach((r) => add({ kind: "TRAINING_RUN", id: `${r.modelId}:${r.version}`, label: `Model #${r.modelId} v${r.version}`, matched: "id", score: score(3, "TRAINING_RUN") }))),
          );
          break;
        case "text": {
          const pattern = `%${escapeLike(intent.text)}%`;
          const like = (col: typeof t.model.name | typeof t.datanet.name) => sql`${col} ilike ${pattern} escape '\\'`;
          tasks.push(
            db.select({ id: t.model.id, name: t.model.name }).from(t.model).where(like(t.model.name)).limit(limit * 4)
              .then((rows) => Promise.all(rows.map(async (r) => add({ kind: "MODEL", id: r.id.toString(), label: r.name, matched: "name", score: score(matchQuality(r.name, intent.text), "MODEL", await popularity(ctx, MODEL, r.id)) })))).then(() => {}),
            db.select({ id: t.datanet.id, name: t.datanet.name }).from(t.datanet).where(like(t.datanet.name)).limit(limit * 4)
              .then((rows) => Promise.all(rows.map(async (r) => add({ kind: "DATANET", id: r.id.toString(), label: r.name, matched: "name", score: score(matchQuality(r.name, intent.text), "DATANET", await popularity(ctx, DATANET, r.id)) })))).then(() => {}),
          );
          break;
        }
      }
    }
    await Promise.all(tasks);
    // One entry per thing (best match kept), best first, ties by kind then id for stable output.
    const best = new Map<string, Result>();
    for (const r of results) {
      const key = `${r.kind}:${r.id}`;
      const prev = best.get(key);
      if (!prev || r.score > prev.score) best.set(key, r);
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : 1)).slice(0, limit);
  },
};
