/**
 * Totals are exact at every moment a reader can see them, now and as of any block: the API's
 * totals (rollups of the finalized blocks plus the facts above them, api/totals/) against sums of
 * the indexed facts computed here with plain SQL, and against the chain's own `claimable()` at the
 * block asked for. Over the edge scenario (claims, a revocation, a fee change, an adapter), while
 * blocks arrive, across a rollup advance, and after a reorg of the unfinalized tail; on PostgreSQL
 * and on PGlite. The lineage of a model as of a block equals the lineage a fresh indexer serves
 * when it stops at that block.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Address } from "viem";
import { AttributionEngineAbi, ModelRegistryAbi } from "../abis/index.js";
import { mineEmptyBlocks, SETTLE_BLOCKS } from "../chain/anvil.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { indexedVerdicts } from "../testkit/checks.js";
import { driveEdgeScenario, driveMoreActivity } from "../testkit/edgeScenario.js";
import { freshDatabase, indexChain, type IndexedChain, type IndexerRun, postgresAvailable, sqlRows, startIndexer, type TestDatabase, writeDeploymentFile } from "../testkit/indexer.js";
import { gql } from "../testkit/api.js";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import type { Db } from "./db.js";
import { groupTotalsStatement, pointTotals, preparedQuery } from "./totals/read.js";
import { ACCOUNT as ACCOUNT_ROLLUP } from "./totals/rollups.js";

const hasPostgres = await postgresAvailable();

const ACCOUNT = `query A($a: String!, $b: BlockHeight) { account(address: $a, block: $b) {
  accrued claimed claimable accrualCount claimCount feesPaid inferencesPaid
  earningsByRole { role accrued accrualCount }
  earningsByModel(limit: 1000) { items { modelId accrued accrualCount } }
  earningsByDatanet(limit: 1000) { items { datanetId accrued ownerCut contributorCut attributionCount } }
  earningsByDay { day accrued claimed accrualCount }
} }`;
const NETWORK = `query N($b: BlockHeight) { network(block: $b) { inferences flaggedInferences attributions accounts totalFees totalAccrued totalClaimed contributions datanets models } }`;
const MODEL = `query M($id: BigInt!, $b: BlockHeight) { model(id: $id, block: $b) { inferenceCount flaggedInferenceCount totalFees } }`;
const DATANET = `query D($id: BigInt!, $b: BlockHeight) { datanet(id: $id, block: $b) { totalPaid ownerCutTotal contributorCutTotal attributionCount contributionCounts { total pending accepted rejected revoked } } }`;
const CONTRIBUTION = `query C($id: BigInt!, $b: BlockHeight) { contribution(id: $id, block: $b) { status earned ownerCut contributorCut inferenceCount } }`;

type Row = Record<string, string | number | null>;

/** Sums of the facts at or before block `n`, computed here with plain SQL (not api/totals/). */
async function factSums(db: TestDatabase, n: bigint) {
  const q = <T = Row>(sql: string) => sqlRows<T>(db.source, sql.replaceAll(":n", n.toString()));
  const accruals = await q<{ account: string; role: number; amount: string; model: string | null; day: string }>(
    `SELECT a.account::text, a.role, a.amount::text, i.model_id::text AS model, to_char(to_timestamp(a.timestamp::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
     FROM $schema."rewardAccrual" a LEFT JOIN $schema."inference" i ON i.id = a.inference_id WHERE a.block_number <= :n`);
  const claims = await q<{ account: string; amount: string; day: string }>(
    `SELECT account::text, amount::text, to_char(to_timestamp(timestamp::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM $schema."rewardClaim" WHERE block_number <= :n`);
  const inferences = await q<{ id: string; payer: string; fee: string; model: string; known: boolean; n: number }>(
    `SELECT id::text, payer::text, fee::text, model_id::text AS model, model_known AS known, attribution_count AS n FROM $schema."inference" WHERE block_number <= :n`);
  const attributions = await q<{ contribution: string; datanet: string | null; owner: string | null; contributor: string | null; known: boolean; share: string; oc: string; cc: string }>(
    `SELECT contribution_id::text AS contribution, datanet_id::text AS datanet, datanet_owner::text AS owner, contributor::text, contribution_known AS known, share::text, owner_cut::text AS oc, contributor_cut::text AS cc
     FROM $schema."attribution" WHERE block_number <= :n`);
  const status = await q<{ id: string; datanet: string; status: number }>(
    `SELECT c.id::text, c.datanet_id::text AS datanet, (SELECT h.status FROM $schema."contributionStatusChange" h WHERE h.contribution_id = c.id AND h.contribution_known AND h.block_number <= :n ORDER BY h.id DESC LIMIT 1) AS status
     FROM $schema."contribution" c WHERE c.block_number <= :n`);
  const verdicts = await indexedVerdicts(db.source);
  const flagged = new Set([...verdicts].filter(([, v]) => v.length > 0).map(([id]) => id));
  const owners = await q<{ address: string }>(
    `SELECT owner::text AS address FROM $schema."datanet" WHERE block_number <= :n UNION SELECT contributor::text FROM $schema."contribution" WHERE block_number <= :n UNION SELECT owner::text FROM $schema."model" WHERE block_number <= :n`);
  return { accruals, claims, inferences, attributions, status, flagged, owners: owners.map((o) => o.address) };
}

type Sums = Awaited<ReturnType<typeof factSums>>;
const sum = (xs: (string | bigint)[]) => xs.reduce<bigint>((t, x) => t + BigInt(x), 0n).toString();
const ROLES = ["TREASURY", "MODEL_OWNER", "DATANET_OWNER", "CONTRIBUTOR"];

/** What the API must answer for an account, from the facts. */
function expectedAccount(s: Sums, a: string) {
  const acc = s.accruals.filter((x) => x.account === a);
  const cl = s.claims.filter((x) => x.account === a);
  const paid = s.inferences.filter((x) => x.payer === a);
  const byModel = new Map<string, bigint[]>();
  for (const x of acc) if (x.model !== null) byModel.set(x.model, [(byModel.get(x.model)?.[0] ?? 0n) + BigInt(x.amount), (byModel.get(x.model)?.[1] ?? 0n) + 1n]);
  const byDatanet = new Map<string, bigint[]>();
  for (const t of s.attributions) {
    if (t.datanet === null) continue;
    for (const [who, oc, cc] of [[t.owner, BigInt(t.oc), 0n], [t.contributor, 0n, BigInt(t.cc)]] as const) {
      if (who !== a) continue;
      const cur = byDatanet.get(t.datanet) ?? [0n, 0n, 0n, 0n];
      byDatanet.set(t.datanet, [cur[0]! + oc + cc, cur[1]! + oc, cur[2]! + cc, cur[3]! + 1n]);
    }
  }
  const days = new Map<string, bigint[]>();
  for (const x of acc) days.set(x.day, [(days.get(x.day)?.[0] ?? 0n) + BigInt(x.amount), days.get(x.day)?.[1] ?? 0n, (days.get(x.day)?.[2] ?? 0n) + 1n]);
  for (const x of cl) days.set(x.day, [days.get(x.day)?.[0] ?? 0n, (days.get(x.day)?.[1] ?? 0n) + BigInt(x.amount), days.get(x.day)?.[2] ?? 0n]);
  const accrued = BigInt(sum(acc.map((x) => x.amount)));
  const claimed = BigInt(sum(cl.map((x) => x.amount)));
  return {
    accrued: accrued.toString(),
    claimed: claimed.toString(),
    claimable: (accrued - claimed).toString(),
    accrualCount: acc.length,
    claimCount: cl.length,
    feesPaid: sum(paid.map((x) => x.fee)),
    inferencesPaid: paid.length,
    earningsByRole: ROLES.map((role, r) => ({ role, accrued: sum(acc.filter((x) => x.role === r).map((x) => x.amount)), accrualCount: acc.filter((x) => x.role === r).length })),
    earningsByModel: [...byModel].map(([modelId, [v, c]]) => ({ modelId, accrued: v!.toString(), accrualCount: Number(c) })).sort((x, y) => x.modelId.localeCompare(y.modelId)),
    earningsByDatanet: [...byDatanet].map(([datanetId, v]) => ({ datanetId, accrued: v[0]!.toString(), ownerCut: v[1]!.toString(), contributorCut: v[2]!.toString(), attributionCount: Number(v[3]) })).sort((x, y) => x.datanetId.localeCompare(y.datanetId)),
    earningsByDay: [...days].map(([day, v]) => ({ day, accrued: v[0]!.toString(), claimed: v[1]!.toString(), accrualCount: Number(v[2]) })).sort((x, y) => x.day.localeCompare(y.day)),
  };
}

interface Api {
  url: string;
  db: TestDatabase;
  chain: ProtocolChain;
}

/** Every total the API serves at block n (as of n, or now when `now`), against the facts at or before n and the chain's claimable at n. */
async function checkTotals(api: Api, n: bigint, now = false, facts?: Sums): Promise<void> {
  const s = facts ?? (await factSums(api.db, n));
  const b = now ? null : { number: n.toString() };
  const ask = async <T>(query: string, vars: Record<string, unknown>) => {
    const r = await gql<T>(api.url, query, { ...vars, b });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!;
  };
  const addresses = [...new Set([...s.accruals.map((x) => x.account), ...s.claims.map((x) => x.account), ...s.inferences.map((x) => x.payer), ...s.owners])].sort();
  // The chain's own logs up to block n (its canonical chain, after any reorg), summed per account.
  const logsUpTo = { address: api.chain.engine, abi: AttributionEngineAbi, fromBlock: 0n, toBlock: n } as const;
  const perAccount = (logs: { args: { account?: Address; amount?: bigint } }[]) => {
    const m = new Map<string, bigint>();
    for (const { args } of logs) m.set(String(args.account).toLowerCase(), (m.get(String(args.account).toLowerCase()) ?? 0n) + (args.amount ?? 0n));
    return m;
  };
  const chainAccrued = perAccount(await api.chain.client.getContractEvents({ ...logsUpTo, eventName: "RewardAccrued" }));
  const chainClaimed = perAccount(await api.chain.client.getContractEvents({ ...logsUpTo, eventName: "RewardClaimed" }));
  const net = (await ask<{ network: Record<string, unknown> }>(NETWORK, {})).network;
  expect({ totalAccrued: net.totalAccrued, totalClaimed: net.totalClaimed }, `network at block ${n} against the chain's logs`).toEqual({
    totalAccrued: [...chainAccrued.values()].reduce((t, x) => t + x, 0n).toString(),
    totalClaimed: [...chainClaimed.values()].reduce((t, x) => t + x, 0n).toString(),
  });
  expect(net).toMatchObject({
    inferences: s.inferences.length,
    flaggedInferences: s.inferences.filter((i) => s.flagged.has(i.id)).length,
    attributions: s.inferences.reduce((t, i) => t + Number(i.n), 0),
    accounts: addresses.length,
    totalFees: sum(s.inferences.map((i) => i.fee)),
    totalAccrued: sum(s.accruals.map((x) => x.amount)),
    totalClaimed: sum(s.claims.map((x) => x.amount)),
    contributions: s.status.length,
  });
  for (const a of addresses) {
    const got = (await ask<{ account: ReturnType<typeof expectedAccount> }>(ACCOUNT, { a })).account;
    const want = expectedAccount(s, a);
    expect({ ...got, earningsByModel: { items: undefined }, earningsByDatanet: { items: undefined } }).toMatchObject({ ...want, earningsByModel: { items: undefined }, earningsByDatanet: { items: undefined } });
    expect((got.earningsByModel as unknown as { items: { modelId: string }[] }).items.sort((x, y) => x.modelId.localeCompare(y.modelId))).toEqual(want.earningsByModel);
    expect((got.earningsByDatanet as unknown as { items: { datanetId: string }[] }).items.sort((x, y) => x.datanetId.localeCompare(y.datanetId))).toEqual(want.earningsByDatanet);
    expect({ accrued: got.accrued, claimed: got.claimed }, `${a} at block ${n} against the chain's logs`).toEqual({ accrued: (chainAccrued.get(a.toLowerCase()) ?? 0n).toString(), claimed: (chainClaimed.get(a.toLowerCase()) ?? 0n).toString() });
    const onChain = await api.chain.client.readContract({ address: api.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [a as Address], blockNumber: n });
    expect(BigInt(got.claimable), `claimable of ${a} at block ${n}`).toBe(onChain);
  }
  for (const model of [...new Set(s.inferences.filter((i) => i.known).map((i) => i.model))]) {
    const mine = s.inferences.filter((i) => i.model === model);
    expect((await ask<{ model: unknown }>(MODEL, { id: model })).model).toEqual({ inferenceCount: mine.length, flaggedInferenceCount: mine.filter((i) => s.flagged.has(i.id)).length, totalFees: sum(mine.map((i) => i.fee)) });
  }
  for (const datanet of [...new Set(s.status.map((c) => c.datanet))]) {
    const paid = s.attributions.filter((t) => t.datanet === datanet && t.contributor !== null);
    const st = s.status.filter((c) => c.datanet === datanet);
    const d = (await ask<{ datanet: unknown }>(DATANET, { id: datanet })).datanet;
    if (d === null) continue; // its DatanetCreated came later than a contribution naming it
    expect(d).toEqual({
      totalPaid: sum(paid.map((t) => t.share)),
      ownerCutTotal: sum(paid.map((t) => t.oc)),
      contributorCutTotal: sum(paid.map((t) => t.cc)),
      attributionCount: paid.length,
      contributionCounts: { total: st.length, pending: st.filter((c) => c.status === 0).length, accepted: st.filter((c) => c.status === 1).length, rejected: st.filter((c) => c.status === 2).length, revoked: st.filter((c) => c.status === 3).length },
    });
  }
  for (const c of s.status) {
    const mine = s.attributions.filter((t) => t.contribution === c.id && t.known);
    expect((await ask<{ contribution: unknown }>(CONTRIBUTION, { id: c.id })).contribution).toEqual({
      status: ["PENDING", "ACCEPTED", "REJECTED", "REVOKED"][c.status],
      earned: sum(mine.map((t) => t.share)),
      ownerCut: sum(mine.map((t) => t.oc)),
      contributorCut: sum(mine.map((t) => t.cc)),
      inferenceCount: mine.length,
    });
  }
}

/** The head the API has indexed (the network's last event block is at or below it). */
async function indexedHead(run: IndexerRun): Promise<bigint> {
  const res = await fetch(`${run.url}/status`, { headers: run.operatorHeaders });
  const status = (await res.json()) as Record<string, { block: { number: number } }>;
  return BigInt(Math.min(...Object.values(status).map((x) => x.block.number)));
}

// Read live on PostgreSQL: the facts are summed here while the indexer runs. (PGlite is one process's
// database: the PGlite test below sums the facts while the indexer is stopped, then asks a restarted one.)
describe.each([["postgres" as const, hasPostgres]])("totals on %s", (kind, available) => {
  let chain: ProtocolChain;
  let db: TestDatabase;
  let run: IndexerRun;
  let deployment: ReturnType<typeof writeDeploymentFile>;
  let indexed: IndexedChain | undefined;
  beforeAll(async () => {
    if (!available) return;
    chain = await startProtocolChain();
    await driveEdgeScenario(chain);
    indexed = await indexChain(chain, kind);
    ({ run, db, deployment } = indexed);
  }, 300_000);
  afterAll(async () => {
    await indexed?.stop();
    await chain?.stop();
  });

  test.runIf(available)("while blocks arrive and the rollups advance, every total at every indexed block equals its facts and the chain", async () => {
    const api = { url: run.url, db, chain };
    const checked: bigint[] = [];
    await driveMoreActivity(chain, 5, 14, async (i) => {
      if (i % 7 !== 3) return;
      const head = await indexedHead(run);
      await checkTotals(api, head);
      checked.push(head);
      await mineEmptyBlocks(chain.anvil.rpcUrl, SETTLE_BLOCKS); // everything so far becomes final: the rollups advance past it
    });
    const tip = await chain.client.getBlockNumber();
    await run.waitForBlock(tip);
    for (const n of [...checked, tip]) await checkTotals(api, n);
    await checkTotals(api, tip, true);
    const [meta] = await sqlRows<{ w: string }>(db.source, `SELECT watermark::text AS w FROM $schema."r_meta"`);
    expect(BigInt(meta!.w)).toBeGreaterThan(checked[0]!); // the reads above crossed rolled-up blocks
  }, 300_000);

  test.runIf(available)("after a reorg of the unfinalized tail, totals now and as of blocks before, at and after the fork equal the facts and the chain", async () => {
    const api = { url: run.url, db, chain };
    const fork = await chain.client.getBlockNumber();
    const snapshot = await chain.snapshot();
    const abandoned = await driveMoreActivity(chain, 6, 5);
    await run.waitForBlock(abandoned);
    await checkTotals(api, abandoned, true);
    await chain.revert(snapshot);
    const tip = await driveMoreActivity(chain, 7, 9); // a different, longer history
    await run.waitForBlock(tip);
    await checkTotals(api, tip, true);
    for (const n of [fork - 40n, fork - 1n, fork, fork + 2n, tip]) if (n > 0n) await checkTotals(api, n);
  }, 300_000);

  test.runIf(available)("a model's lineage as of a block equals what an indexer stopped at that block serves", async () => {
    const models = Number(await chain.client.readContract({ address: chain.models, abi: ModelRegistryAbi, functionName: "modelCount" }));
    const n = (await indexedHead(run)) - 6n;
    const lineage = (url: string, m: number, b: unknown) =>
      gql(url, `query L($m: BigInt!, $b: BlockHeight) { modelLineage(modelId: $m, depth: 8, limit: 5000, recentInferences: 200, block: $b) { inferenceCount truncated nodes { id kind weight amount foldedCount verified clean } edges { from to kind weight amount } } }`, { m: String(m), b });
    const stopped = freshDatabase("postgres");
    const past = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db: stopped, endBlock: Number(n) });
    try {
      await past.waitForBlock(n);
      for (let m = 1; m <= models; m++) {
        const asOf = await lineage(run.url, m, { number: n.toString() });
        const fresh = await lineage(past.url, m, null);
        expect(asOf.errors).toBeUndefined();
        expect(asOf.data).toEqual(fresh.data);
      }
    } finally {
      await past.stop();
      await stopped.cleanup();
    }
  }, 300_000);

  test.runIf(available)("a lineage as of a finalized block is computed once and served from the cache while blocks arrive; now is recomputed", async () => {
    const [meta] = await sqlRows<{ w: string }>(db.source, `SELECT watermark::text AS w FROM $schema."r_meta"`);
    const final = BigInt(meta!.w);
    expect(final).toBeGreaterThan(0n);
    const ask = async (block: unknown) => {
      const res = await fetch(`${run.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `query L($b: BlockHeight) { modelLineage(modelId: "1", recentInferences: 7, block: $b) { inferenceCount nodes { id amount } } }`, variables: { b: block } }),
      });
      return { cache: res.headers.get("x-answer-cache"), body: await res.text() };
    };
    const first = await ask({ number: final.toString() });
    expect(first.cache).toBe("miss; finalized");
    const now1 = await ask(null);
    expect(now1.cache).toBe("miss");
    const tip = await driveMoreActivity(chain, 11, 3);
    await run.waitForBlock(tip);
    const again = await ask({ number: final.toString() });
    expect(again).toEqual({ cache: "hit; finalized", body: first.body });
    expect((await ask(null)).cache, "now is another question once a block arrived").toBe("miss");
  }, 120_000);

  test.runIf(available)("on PostgreSQL a total is read by a named prepared statement: planned once per connection, then a generic plan, the same totals", async () => {
    if (db.source.kind !== "postgres") throw new Error("expected a PostgreSQL database");
    // One connection, as Ponder's read-only pool sets it up (search path on the indexer's schema).
    const pool = new pg.Pool({ connectionString: db.source.connectionString, max: 1, options: `-c search_path="${db.source.schema}"` });
    try {
      const reader = drizzle(pool) as unknown as Db;
      const [busiest] = await sqlRows<{ account: string }>(db.source, `SELECT account FROM $schema."rewardAccrual" GROUP BY account ORDER BY count(*) DESC LIMIT 1`);
      const account = busiest!.account;
      const first = await pointTotals(reader, ACCOUNT_ROLLUP, [account], null);
      const [sum] = await sqlRows<{ accrued: string }>(db.source, `SELECT sum(amount)::text AS accrued FROM $schema."rewardAccrual" WHERE account = '${account}'`);
      expect(first.accrued).toBe(BigInt(sum!.accrued));
      for (let j = 0; j < 6; j++) expect(await pointTotals(reader, ACCOUNT_ROLLUP, [account], null)).toEqual(first);
      const statement = groupTotalsStatement(ACCOUNT_ROLLUP, { eq: { 0: account } }, null, true);
      const [prepared] = (await pool.query<{ generic_plans: string; custom_plans: string }>(`SELECT generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE name = $1`, [preparedQuery(statement.text, statement.params).name])).rows;
      expect(prepared, "the read is a named statement on this connection").toBeDefined();
      expect(Number(prepared!.generic_plans) + Number(prepared!.custom_plans)).toBe(7);
      expect(Number(prepared!.generic_plans), "PostgreSQL stopped planning it per call").toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  }, 60_000);

  test.runIf(available)("a block above the head, a hash off the chain and both at once are clear errors naming the indexed range", async () => {
    const head = await indexedHead(run);
    for (const [b, message] of [
      [{ number: (head + 1000n).toString() }, `is above the indexed head: the indexed range is blocks`],
      [{ hash: `0x${"12".repeat(32)}` }, "is not on the indexed chain: the indexed range is blocks"],
      [{ number: "1", hash: `0x${"12".repeat(32)}` }, "block takes one of number and hash"],
      [{ hash: "0x1234" }, "is not a 32-byte hash"],
    ] as const) {
      const r = await gql(run.url, NETWORK, { b });
      expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.message).toContain(message);
    }
    const block = await chain.client.getBlock({ blockNumber: head - 70n });
    const byHash = await gql<{ network: unknown }>(run.url, NETWORK, { b: { hash: block.hash } });
    const byNumber = await gql<{ network: unknown }>(run.url, NETWORK, { b: { number: (head - 70n).toString() } });
    expect(byHash.data).toEqual(byNumber.data);
  }, 120_000);
});

describe("totals on pglite", () => {
  test("as of blocks before and after rollup advances, and now, after a restart: every total equals its facts and the chain", async () => {
    const chain = await startProtocolChain();
    const deployment = writeDeploymentFile(chain.deployment);
    const db = freshDatabase("pglite");
    try {
      await driveEdgeScenario(chain);
      const early = await chain.client.getBlockNumber();
      await mineEmptyBlocks(chain.anvil.rpcUrl, SETTLE_BLOCKS);
      const middle = await driveMoreActivity(chain, 5, 7);
      await mineEmptyBlocks(chain.anvil.rpcUrl, SETTLE_BLOCKS);
      const tip = await driveMoreActivity(chain, 8, 6); // above the watermark: read from the facts
      let run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db });
      await run.waitForBlock(tip);
      await new Promise((r) => setTimeout(r, 3000)); // the rollups catch up with the finalized blocks
      await run.stop();
      const sums = new Map<bigint, Sums>();
      for (const n of [early, middle, tip]) sums.set(n, await factSums(db, n));
      const [meta] = await sqlRows<{ w: string }>(db.source, `SELECT watermark::text AS w FROM $schema."r_meta"`);
      expect(BigInt(meta!.w)).toBeGreaterThanOrEqual(middle); // some answers come from the rollups
      run = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db });
      try {
        await run.waitForBlock(tip);
        const api = { url: run.url, db, chain };
        for (const [n, s] of sums) await checkTotals(api, n, false, s);
        await checkTotals(api, tip, true, sums.get(tip));
      } finally {
        await run.stop();
      }
    } finally {
      deployment.cleanup();
      await db.cleanup();
      await chain.stop();
    }
  }, 300_000);
});
