/**
 * npm run bench:api -- [--scale medium] [--seed 42] [--runs 3] [--seconds 10] [--connections 10] [--no-warmup] [--profile]
 *
 * Indexes the cached benchmark chain into PostgreSQL once (schema bench_api, kept and resumed
 * between invocations), serves it with `ponder serve`, and loads three queries with autocannon,
 * at a fixed rate and at saturation: account earnings, inference traces, modelLineage. Beside each,
 * the floor: the same rows read with equivalent SQL straight through `pg`, under the same load.
 * Prints p50, p99 and requests/s (median, min–max of the runs) and writes bench/results/api.json (a quick check: api-quick.json or api-<scale>.json).
 * Then a storm: a cheap query's p99 at 20/s, alone and while 8 clients send expensive
 * queries back to back (lineages at the explorer's largest caps, computed, and nested lists within
 * the cost budget), with what became of the expensive ones.
 * Then subscription fan-out (bench/lib/fanout.ts): events/s delivered to --fanout-subscribers (500)
 * clients of `subscription { inferences }` while --fanout-inferences (50) are recorded, and the p99
 * from block indexed to event received. `--fanout-only` runs just that section (no benchmark chain;
 * at small numbers a quick check: --fanout-subscribers 20 --fanout-inferences 5).
 */
import pg from "pg";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { LIMITS } from "../api/graphql/limits.js";
import { groupTotalsStatement, preparedQuery } from "../api/totals/read.js";
import { ACCOUNT, LINEAGE as LINEAGE_ROLLUP } from "../api/totals/rollups.js";
import { SCALES, type Scale } from "../sim/index.js";
import { ensureChain, replayChain } from "./lib/chain.js";
import { onCleanup, withCleanup } from "./lib/cleanup.js";
import { runAutocannon, runHttpLoad, runSqlLoad, type LoadResult, type SqlRequest } from "./lib/load.js";
import { runStorm, type StormResult } from "./lib/storm.js";
import { ensureDatabase } from "./lib/ponderRun.js";
import { printProfile, profileArgs, profileDir, summarizeProfiles, type ProfileSummary } from "./lib/profile.js";
import { ADMIN_URL, API_SCHEMA as SCHEMA, ensureIndexed, serveIndex } from "./lib/served.js";
import { updateReadme } from "./lib/table.js";
import { measureFanout, type FanoutResult } from "./lib/fanout.js";
import { fmt, header, printHeader, resultName, summarize, writeResult, wroteLine } from "./lib/report.js";

const USAGE = "usage: npm run bench:api -- [--scale tiny|small|medium] [--seed N] [--runs N] [--seconds N] [--connections N] [--no-warmup] [--lineage-limit N] [--profile] [--fanout-subscribers N] [--fanout-inferences N] [--fanout-only]";

async function fanoutSection(subscribers: number, inferences: number): Promise<FanoutResult> {
  console.log(`\n## subscription fan-out: ${subscribers} subscribers of \`subscription { inferences }\` over SSE, ${inferences} inferences recorded one transaction at a time on a live indexer`);
  const r = await measureFanout({ subscribers, inferences });
  console.log(`${r.eventsDelivered} events delivered, ${r.eventsPerSecond.toFixed(0)} events/s; block indexed -> event received p50 ${r.latencyMs.p50.toFixed(0)} ms, p99 ${r.latencyMs.p99.toFixed(0)} ms, max ${r.latencyMs.max.toFixed(0)} ms (the server polls every ${r.pollMs} ms)`);
  return r;
}

/** Goals: earnings and lineage latencies, the cheap query under a storm of expensive ones, and "as of a block". */
const GOALS = { earningsP99At500: 25, lineageP99: 150, earningsRps: 2000, cheapDuringStormP99: 300, asOfTypicalP99At200: 25, asOfTreasuryP99At200: 100, lineageAsOfComputedMs: 1000 };
const STORM = { rate: 20, clients: 8 };
const STORM_LINEAGE = `query Storm($modelId: BigInt!, $w: Int) { modelLineage(modelId: $modelId, depth: ${LIMITS.maxLineageDepth}, limit: ${LIMITS.maxLineageLimit}, minWeightPpm: $w, recentInferences: ${LIMITS.maxLineageInferences}) {
  nodes { id kind label weightPpm amount } edges { from to kind weightPpm amount } truncated } }`;

interface Target {
  /** "lineage (computed)": the same requests against a ponder serve with the answer cache off. */
  name: "earnings" | "earnings as of (typical)" | "earnings as of (treasury)" | "inference" | "lineage" | "lineage (computed)" | "lineage as of (computed)";
  rate: number;
  bodies: string[];
  sql: SqlRequest;
  /** What the SQL floor reads, said in the output. */
  floor: string;
  /** Serve from the ponder serve without the lineage answer cache. */
  uncached?: boolean;
}

const gql = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

const EARNINGS = `query Earnings($address: String!) { account(address: $address) { address accrued claimed claimable accrualCount earningsByRole { role accrued accrualCount } } }`;
const EARNINGS_AS_OF = `query EarningsAt($address: String!, $block: BlockHeight) { account(address: $address, block: $block) { address accrued claimed claimable accrualCount earningsByRole { role accrued accrualCount } } }`;
const TRACE = `query Trace($id: BigInt!) { inference(id: $id) { id modelId payer fee method methodName outputHash blockNumber timestamp transactionHash clean
  violations { rule contributionIds message }
  attributions { contributionId datanetId contributor weightPpm share ownerCut contributorCut accepted inLineage }
  accruals { account role amount expectedAmount matchesSplit } } }`;
const LINEAGE = `query Lineage($modelId: BigInt!, $depth: Int, $limit: Int, $block: BlockHeight) { modelLineage(modelId: $modelId, depth: $depth, limit: $limit, block: $block) {
  inferenceCount foldedNodes truncated nodes { id kind label entityId depth weightPpm amount foldedCount } edges { from to kind weightPpm amount } } }`;

/** Sends each body once and insists on data without errors: no benchmark of error pages. */
async function check(url: string, t: Target): Promise<void> {
  for (const body of t.bodies.slice(0, 5)) {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const json = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    if (!res.ok || json.errors?.length || !json.data || Object.values(json.data).some((v) => v === null)) {
      throw new Error(`${t.name}: the API did not answer ${body.slice(0, 200)} with data: ${JSON.stringify(json).slice(0, 500)}`);
    }
  }
}

runMain(
  () =>
    withCleanup(async () => {
      const flags = parseFlags(process.argv.slice(2), ["no-warmup", "profile", "fanout-only"]);
      for (const k of Object.keys(flags)) if (!["scale", "seed", "runs", "seconds", "connections", "no-warmup", "lineage-limit", "profile", "fanout-subscribers", "fanout-inferences", "fanout-only"].includes(k)) throw new UsageError(`unknown option --${k}`);
      const fanoutSubscribers = Number(flags["fanout-subscribers"] ?? 500);
      const fanoutInferences = Number(flags["fanout-inferences"] ?? 50);
      for (const [k, v] of Object.entries({ "fanout-subscribers": fanoutSubscribers, "fanout-inferences": fanoutInferences })) {
        if (!Number.isSafeInteger(v) || v < 1) throw new UsageError(`--${k} must be a positive integer`);
      }
      if (flags["fanout-only"] === true) {
        await fanoutSection(fanoutSubscribers, fanoutInferences);
        return;
      }
      const scale = String(flags.scale ?? "medium") as Scale;
      if (!SCALES.includes(scale) || scale === "large") throw new UsageError("--scale must be tiny, small or medium");
      const seed = Number(flags.seed ?? 42);
      const runs = Number(flags.runs ?? 3);
      const seconds = Number(flags.seconds ?? 10);
      const connections = Number(flags.connections ?? 10);
      const wantedLimit = Number(flags["lineage-limit"] ?? 500);
      for (const [k, v] of Object.entries({ seed, runs, seconds, connections, "lineage-limit": wantedLimit })) {
        if (!Number.isSafeInteger(v) || v < (k === "seed" ? 0 : 1)) throw new UsageError(`--${k} must be a positive integer`);
      }
      const warmup = flags["no-warmup"] !== true;

      const h = header("api");
      printHeader(h);
      const chain = await ensureChain(scale, seed);
      const anvil = await replayChain(chain);
      const dbUrl = await ensureDatabase(ADMIN_URL, `bench_${chain.key}`);
      await ensureIndexed(chain, anvil.rpcUrl, anvil.head, dbUrl);
      const server = await serveIndex(chain, anvil.rpcUrl, dbUrl);
      // The same API with the answer cache off: every modelLineage answer computed from the database.
      const uncached = await serveIndex(chain, anvil.rpcUrl, dbUrl, { API_ANSWER_CACHE_BYTES: "0" });
      // The chain is not needed any more: ponder serve reads the database only.
      await anvil.stop(10_000);
      console.log(`# ponder serve on ${server.url} (and ${uncached.url} without the answer cache), schema ${SCHEMA} of database bench_${chain.key}`);

      // search_path: the API's statements (api/totals/read.ts) name the index's tables unqualified.
      const pool = new pg.Pool({ connectionString: dbUrl, max: connections + 2, options: `-c search_path="${SCHEMA}"` });
      onCleanup(() => pool.end());
      const S = `"${SCHEMA}"`;
      const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;

      // Real data: the accounts with the most accruals, typical ones (around the median), the treasury,
      // a spread of inferences, the busiest models, and blocks spread over the indexed range.
      const byCount = (await q<{ account: string; n: string }>(`SELECT account, count(*)::text AS n FROM ${S}."rewardAccrual" GROUP BY account ORDER BY count(*) DESC, account`));
      const accounts = byCount.slice(0, 50).map((r) => r.account);
      const mid = Math.floor(byCount.length / 2);
      const typical = byCount.slice(Math.max(0, mid - 25), mid + 25).map((r) => r.account);
      const treasury = (await q<{ treasury: string }>(`SELECT treasury FROM ${S}.network LIMIT 1`))[0]?.treasury;
      const inferenceIds = (await q<{ id: string }>(`SELECT id::text FROM ${S}.inference ORDER BY md5(id::text) LIMIT 200`)).map((r) => r.id);
      const models = (await q<{ id: string }>(`SELECT model_id::text AS id FROM ${S}.inference GROUP BY model_id ORDER BY count(*) DESC, model_id LIMIT 10`)).map((r) => r.id);
      const [range] = await q<{ lo: string; hi: string; w: string }>(`SELECT min(block_number)::text AS lo, max(block_number)::text AS hi, (SELECT watermark::text FROM ${S}.r_meta LIMIT 1) AS w FROM ${S}.inference`);
      if (!accounts.length || !inferenceIds.length || !models.length || !treasury || !range) throw new Error(`the index in ${SCHEMA} is empty`);
      const [lo, hi] = [BigInt(range.lo), BigInt(range.hi)];
      const blocks = Array.from({ length: 20 }, (_, j) => (lo + ((hi - lo) * BigInt(j + 1)) / 21n).toString());
      h.notes.push(`as of: 20 blocks spread over the indexed range (${lo}–${hi}; rollups up to block ${range.w ?? "none"}); typical accounts: the 50 around the median accrual count (${byCount[mid]?.n ?? 0} accruals), treasury: ${byCount.find((r) => r.account === treasury)?.n ?? 0} accruals`);
      /** The API's own totals statement (api/totals/read.ts), sent straight through pg as the API sends it: a named prepared statement. */
      const totalsSql = (st: { text: string; params: unknown[] }) => preparedQuery(st.text, st.params);
      const limit = Math.min(wantedLimit, LIMITS.maxLineageLimit);
      const depth = LIMITS.maxLineageDepth >= 4 ? 4 : LIMITS.maxLineageDepth;
      if (limit < wantedLimit) h.notes.push(`modelLineage limit ${wantedLimit} asked, the API caps it at ${LIMITS.maxLineageLimit}: measured with limit ${limit}`);
      h.notes.push(`modelLineage: depth ${depth}, limit ${limit}, node cap ${LIMITS.maxLineageNodes}; the 10 models with most inferences in turn`);
      h.notes.push("lineage: the API as shipped, responses cached per data version (the index does not change during the run, so after the first answer per model they are hits); lineage (computed): a second ponder serve with API_ANSWER_CACHE_BYTES=0, every answer computed from the database");

      const lineageTarget = (name: "lineage" | "lineage (computed)"): Target => ({
          name,
          uncached: name === "lineage (computed)",
          rate: 50,
          bodies: models.map((modelId) => gql(LINEAGE, { modelId, depth, limit })),
          floor: "the model's lineage grain (the LINEAGE rollup's head rows plus the attributions above its watermark: one statement, the API's own), then the datanets' names",
          sql: (c, i) => lineageFloor(c, models[i % models.length]!, null),
        });
      /** The block the as-of lineage of the j-th model is asked at. */
      const pastBlockOf = (j: number) => blocks[(j * 7) % blocks.length]!;
      /** The lineage floor: the model's grain (the API's own statement, now or at a bound), then the datanets' names. */
      const lineageFloor = async (c: pg.PoolClient, modelId: string, bound: bigint | null) => {
        const grain = (await c.query<{ k3: string }>(totalsSql(groupTotalsStatement(LINEAGE_ROLLUP, { eq: { 0: modelId } }, bound, true)))).rows;
        await c.query({ name: "floor_l2", text: `SELECT id, name FROM ${S}.datanet WHERE id = ANY($1::numeric[])`, values: [[...new Set(grain.map((r) => r.k3))]] });
      };
      const asOfTarget = (name: "earnings as of (typical)" | "earnings as of (treasury)", who: string[]): Target => ({
        name,
        rate: 200,
        bodies: who.flatMap((address) => blocks.map((number) => gql(EARNINGS_AS_OF, { address, block: { number } }))),
        floor: "the ACCOUNT rollup's latest version at or before the block plus the facts above the watermark (the API's own statement)",
        sql: async (c, i) => {
          const address = who[i % who.length]!;
          await c.query(totalsSql(groupTotalsStatement(ACCOUNT, { eq: { 0: address } }, BigInt(blocks[Math.floor(i / who.length) % blocks.length]!), true)));
        },
      });
      const targets: Target[] = [
        {
          name: "earnings",
          rate: 500,
          bodies: accounts.map((address) => gql(EARNINGS, { address })),
          floor: "the ACCOUNT rollup's head row plus the facts above its watermark (the API's own statement)",
          sql: async (c, i) => {
            await c.query(totalsSql(groupTotalsStatement(ACCOUNT, { eq: { 0: accounts[i % accounts.length]! } }, null, true)));
          },
        },
        asOfTarget("earnings as of (typical)", typical),
        asOfTarget("earnings as of (treasury)", [treasury]),
        {
          name: "inference",
          rate: 200,
          bodies: inferenceIds.map((id) => gql(TRACE, { id })),
          floor: "one statement: the inference row with its attributions and emitted accruals aggregated as JSON",
          sql: async (c, i) => {
            await c.query({
              name: "floor_trace",
              text: `SELECT i.*,
                (SELECT coalesce(json_agg(a ORDER BY a.position), '[]') FROM ${S}.attribution a WHERE a.inference_id = i.id) AS attributions,
                (SELECT coalesce(json_agg(r), '[]') FROM ${S}."rewardAccrual" r WHERE r.inference_id = i.id) AS accruals
                FROM ${S}.inference i WHERE i.id = $1`,
              values: [inferenceIds[i % inferenceIds.length]],
            });
          },
        },
        lineageTarget("lineage"),
        lineageTarget("lineage (computed)"),
        {
          // At a past block, computed on every request (the answer cache off): what the first request costs.
          ...lineageTarget("lineage (computed)"),
          name: "lineage as of (computed)",
          rate: 5,
          bodies: models.map((modelId, j) => gql(LINEAGE, { modelId, depth, limit, block: { number: pastBlockOf(j) } })),
          floor: "the model's lineage grain as of the block (the LINEAGE rollup is kept for the head only: the attributions up to the block), then the datanets' names",
          sql: (c, i) => lineageFloor(c, models[i % models.length]!, BigInt(pastBlockOf(i % models.length))),
        },
      ];

      type Row = { target: string; mode: string; side: "api" | "floor"; runs: LoadResult[] };
      const rows: Row[] = [];
      for (const t of targets) {
        const url = t.uncached ? uncached.url : server.url;
        await check(url, t);
        const sample = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: t.bodies[0] }).then((r) => r.text());
        console.log(`\n## ${t.name}: ${t.bodies.length} distinct requests, answer size ${(sample.length / 1024).toFixed(1)} KiB${t.name.startsWith("lineage") ? `, ${(JSON.parse(sample) as { data: { modelLineage: { nodes: unknown[] } } }).data.modelLineage.nodes.length} nodes` : ""}; floor: ${t.floor}`);
        for (const mode of [`${t.rate}/s`, "saturation"] as const) {
          const rate = mode === "saturation" ? undefined : t.rate;
          const api: Row = { target: t.name, mode, side: "api", runs: [] };
          const floor: Row = { target: t.name, mode, side: "floor", runs: [] };
          const total = (warmup ? 1 : 0) + runs;
          for (let r = 0; r < total; r++) {
            const secs = warmup && r === 0 ? Math.min(3, seconds) : seconds;
            const a = rate
              ? await runHttpLoad({ url: `${url}/graphql`, bodies: t.bodies, connections, seconds: secs, rate })
              : await runAutocannon({ url: `${url}/graphql`, bodies: t.bodies, connections, seconds: secs });
            const f = await runSqlLoad({ pool, request: t.sql, connections, seconds: secs, rate });
            const label = warmup && r === 0 ? "warm-up" : `run ${warmup ? r : r + 1}`;
            const line = (x: LoadResult) => `p50 ${x.p50.toFixed(2)} ms  p99 ${x.p99.toFixed(2)} ms  ${Math.round(x.requestsPerSecond)} req/s${x.errors ? `  ${x.errors} ERRORS` : ""}`;
            console.log(`${label.padEnd(8)} ${mode.padEnd(10)} api   ${line(a)}\n${"".padEnd(8)} ${"".padEnd(10)} floor ${line(f)}`);
            if (a.errors) throw new Error(`${t.name}: ${a.errors} failed API requests (errors, timeouts or non-2xx) under load${a.firstError ? `: ${a.firstError}` : ""}`);
            if (f.errors) throw new Error(`${t.name}: ${f.errors} failed floor queries: ${f.firstError}`);
            if (!(warmup && r === 0)) {
              api.runs.push(a);
              floor.runs.push(f);
            }
          }
          rows.push(api, floor);
        }
      }
      // The storm: on the server without the answer cache, so every lineage is computed.
      const CHEAP = gql("{ network { inferences datanets totalFees } }", {});
      const stormBodies = [
        ...models.map((modelId, i) => gql(STORM_LINEAGE, { modelId, w: i })),
        gql("{ attributions(limit: 100) { items { contribution { attributions(limit: 100) { items { weightPpm share } } } } } }", {}),
      ];
      const storms: { alone: LoadResult[]; during: StormResult[] } = { alone: [], during: [] };
      console.log(`\n## cheap query under a storm: { network } at ${STORM.rate}/s, alone and while ${STORM.clients} clients send lineages at depth ${LIMITS.maxLineageDepth}, limit ${LIMITS.maxLineageLimit}, ${LIMITS.maxLineageInferences} inferences (computed) and nested lists of 100, back to back`);
      for (let r = 0; r < (warmup ? 1 : 0) + runs; r++) {
        const label = warmup && r === 0 ? "warm-up" : `run ${warmup ? r : r + 1}`;
        const alone = await runHttpLoad({ url: `${uncached.url}/graphql`, bodies: [CHEAP], connections: 4, seconds, rate: STORM.rate });
        const during = await runStorm({ url: `${uncached.url}/graphql`, cheap: CHEAP, expensive: stormBodies, clients: STORM.clients, seconds, rate: STORM.rate });
        const e = during.expensive;
        console.log(`${label.padEnd(8)} cheap alone p99 ${alone.p99.toFixed(1)} ms, during the storm p50 ${during.cheap.p50.toFixed(1)} ms p99 ${during.cheap.p99.toFixed(1)} ms max ${during.cheap.max.toFixed(0)} ms${during.cheap.errors ? ` ${during.cheap.errors} ERRORS` : ""}; expensive: ${e.sent} sent, ${e.answered} answered (p50 ${e.p50.toFixed(0)} ms, max ${e.max.toFixed(0)} ms), ${e.busy} SERVER_BUSY, ${e.timedOut} QUERY_TIMEOUT, ${e.other} other`);
        if (during.cheap.errors || alone.errors) throw new Error(`the cheap query failed under the storm: ${during.cheap.firstError ?? alone.firstError}`);
        if (!(warmup && r === 0)) {
          storms.alone.push(alone);
          storms.during.push(during);
        }
      }
      await server.stop();
      await uncached.stop();

      const profiles: Record<string, ProfileSummary | null> = {};
      if (flags.profile === true) {
        // Per query, an extra unmeasured saturation run against a ponder serve under V8's CPU profiler.
        for (const t of targets) {
          const dir = profileDir(`api-${t.name.replace(/\W+/g, "-")}`);
          const profiled = await serveIndex(chain, anvil.rpcUrl, dbUrl, t.uncached ? { API_ANSWER_CACHE_BYTES: "0" } : {}, profileArgs(dir));
          await runAutocannon({ url: `${profiled.url}/graphql`, bodies: t.bodies, connections, seconds });
          await profiled.stop();
          profiles[t.name] = summarizeProfiles(dir);
          printProfile(`CPU profile of ponder serve, ${t.name} at saturation`, profiles[t.name]!, dir);
        }
      }

      console.log(`\nmedian (min–max) of ${runs} run(s) of ${seconds} s, ${connections} connections${warmup ? ", after a warm-up" : ""}`);
      console.log("target     load        side    p50 ms            p99 ms              req/s");
      const summary = rows.map((r) => {
        const s = { p50: summarize(r.runs.map((x) => x.p50)), p99: summarize(r.runs.map((x) => x.p99)), rps: summarize(r.runs.map((x) => x.requestsPerSecond)) };
        console.log(`${r.target.padEnd(10)} ${r.mode.padEnd(11)} ${r.side.padEnd(6)}  ${fmt(s.p50, 2).padEnd(17)} ${fmt(s.p99, 2).padEnd(19)} ${fmt(s.rps)}`);
        return { target: r.target, mode: r.mode, side: r.side, p50Ms: s.p50, p99Ms: s.p99, requestsPerSecond: s.rps, runs: r.runs };
      });
      const storm = {
        cheapAloneP99Ms: summarize(storms.alone.map((x) => x.p99)),
        cheapDuringStormP99Ms: summarize(storms.during.map((x) => x.cheap.p99)),
        cheapDuringStormMaxMs: summarize(storms.during.map((x) => x.cheap.max)),
        expensive: storms.during.map((x) => x.expensive),
      };
      console.log(`cheap query p99: alone ${fmt(storm.cheapAloneP99Ms, 1)} ms, during the storm ${fmt(storm.cheapDuringStormP99Ms, 1)} ms (max ${fmt(storm.cheapDuringStormMaxMs, 0)} ms)`);
      const find = (target: string, mode: string) => summary.find((s) => s.target === target && s.side === "api" && s.mode === mode);
      const e500 = find("earnings", "500/s");
      const eSat = find("earnings", "saturation");
      const lin = find("lineage", "50/s");
      const linComputed = find("lineage (computed)", "50/s");
      const asOfTypical = find("earnings as of (typical)", "200/s");
      const asOfTreasury = find("earnings as of (treasury)", "200/s");
      const linAsOf = find("lineage as of (computed)", "5/s");
      const goals = {
        earningsP99At500: e500 ? { goal: `< ${GOALS.earningsP99At500} ms`, value: e500.p99Ms.median, met: e500.p99Ms.median < GOALS.earningsP99At500 } : null,
        lineageP99: lin ? { goal: `< ${GOALS.lineageP99} ms`, value: lin.p99Ms.median, met: lin.p99Ms.median < GOALS.lineageP99 } : null,
        lineageComputedP99: linComputed ? { goal: `< ${GOALS.lineageP99} ms`, value: linComputed.p99Ms.median, met: linComputed.p99Ms.median < GOALS.lineageP99 } : null,
        earningsRps: eSat ? { goal: `>= ${GOALS.earningsRps}`, value: Math.round(eSat.requestsPerSecond.median), met: eSat.requestsPerSecond.median >= GOALS.earningsRps } : null,
        asOfTypicalP99At200: asOfTypical ? { goal: `< ${GOALS.asOfTypicalP99At200} ms`, value: asOfTypical.p99Ms.median, met: asOfTypical.p99Ms.median < GOALS.asOfTypicalP99At200 } : null,
        asOfTreasuryP99At200: asOfTreasury ? { goal: `< ${GOALS.asOfTreasuryP99At200} ms`, value: asOfTreasury.p99Ms.median, met: asOfTreasury.p99Ms.median < GOALS.asOfTreasuryP99At200 } : null,
        lineageAsOfComputedP99: linAsOf ? { goal: `< ${GOALS.lineageAsOfComputedMs} ms`, value: linAsOf.p99Ms.median, met: linAsOf.p99Ms.median < GOALS.lineageAsOfComputedMs } : null,
        cheapP99DuringStorm: { goal: `< ${GOALS.cheapDuringStormP99} ms`, value: storm.cheapDuringStormP99Ms.median, met: storm.cheapDuringStormP99Ms.median < GOALS.cheapDuringStormP99 },
      };
      console.log(`goals: ${Object.entries(goals).filter(([, g]) => g).map(([k, g]) => `${k} ${typeof g!.value === "number" ? Math.round(g!.value * 100) / 100 : g!.value} (${g!.goal}) ${g!.met ? "met" : "MISSED"}`).join("; ")}`);
      if (scale !== "medium") h.notes.push(`scale ${scale}: a quick check, not the reference medium scenario`);
      h.notes.push("load generator (autocannon, and the SQL driver for the floor) runs on the same 2-core machine as ponder serve and PostgreSQL");
      const where = resultName("api", scale, {
        [`${runs} run(s)`]: runs < 3,
        "no warm-up": !warmup,
        [`${seconds} s per measure`]: seconds !== 10,
        [`${connections} connections`]: connections !== 10,
        [`lineage limit ${limit}`]: limit !== 500,
        [`seed ${seed}`]: seed !== 42,
      });
      const fanout = await fanoutSection(fanoutSubscribers, fanoutInferences);
      const path = writeResult(where.name, {
        ...h,
        scenario: { scale, seed, key: chain.key, inferences: chain.manifest.inferences, attributions: chain.manifest.attributions },
        settings: { runs, seconds, connections, warmup, lineageDepth: depth, lineageLimit: limit },
        floors: Object.fromEntries(targets.map((t) => [t.name, t.floor])),
        goals,
        results: summary,
        storm,
        fanout,
        profiles,
      });
      if (where.official) updateReadme();
      console.log(wroteLine(path, where));
    }),
  USAGE,
);
