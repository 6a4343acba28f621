/**
 * npm run bench:api -- [--scale medium] [--seed 42] [--runs 3] [--seconds 10] [--connections 10] [--no-warmup] [--profile]
 *
 * Indexes the cached benchmark chain into PostgreSQL once (schema bench_api, kept and resumed
 * between invocations), serves it with `ponder serve`, and loads three queries with autocannon,
 * at a fixed rate and at saturation: account earnings, inference traces, modelLineage. Beside each,
 * the floor: the same rows read with equivalent SQL straight through `pg`, under the same load.
 * Prints p50, p99 and requests/s (median, min–max of the runs) and writes bench/results/api.json (a quick check: api-quick.json or api-<scale>.json).
 */
import pg from "pg";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { LIMITS } from "../api/graphql/limits.js";
import { SCALES, type Scale } from "../sim/index.js";
import { ensureChain, replayChain } from "./lib/chain.js";
import { onCleanup, withCleanup } from "./lib/cleanup.js";
import { runAutocannon, runHttpLoad, runSqlLoad, type LoadResult, type SqlRequest } from "./lib/load.js";
import { ensureDatabase } from "./lib/ponderRun.js";
import { printProfile, profileArgs, profileDir, summarizeProfiles, type ProfileSummary } from "./lib/profile.js";
import { ADMIN_URL, API_SCHEMA as SCHEMA, ensureIndexed, serveIndex } from "./lib/served.js";
import { updateReadme } from "./lib/table.js";
import { fmt, header, printHeader, resultName, summarize, writeResult, wroteLine } from "./lib/report.js";

const USAGE = "usage: npm run bench:api -- [--scale tiny|small|medium] [--seed N] [--runs N] [--seconds N] [--connections N] [--no-warmup] [--lineage-limit N] [--profile]";

/** Goals from issue 7. */
const GOALS = { earningsP99At500: 25, lineageP99: 150, earningsRps: 2000 };

interface Target {
  /** "lineage (computed)": the same requests against a ponder serve with the answer cache off. */
  name: "earnings" | "inference" | "lineage" | "lineage (computed)";
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
const TRACE = `query Trace($id: BigInt!) { inference(id: $id) { id modelId payer fee method methodName outputHash blockNumber timestamp transactionHash clean
  violations { rule contributionIds message }
  attributions { contributionId datanetId contributor weightPpm share ownerCut contributorCut accepted inLineage }
  accruals { account role amount expectedAmount matchesSplit } } }`;
const LINEAGE = `query Lineage($modelId: BigInt!, $depth: Int, $limit: Int) { modelLineage(modelId: $modelId, depth: $depth, limit: $limit) {
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
      const flags = parseFlags(process.argv.slice(2), ["no-warmup", "profile"]);
      for (const k of Object.keys(flags)) if (!["scale", "seed", "runs", "seconds", "connections", "no-warmup", "lineage-limit", "profile"].includes(k)) throw new UsageError(`unknown option --${k}`);
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

      const pool = new pg.Pool({ connectionString: dbUrl, max: connections + 2 });
      onCleanup(() => pool.end());
      const S = `"${SCHEMA}"`;
      const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;

      // Real data: the accounts with the most accruals, a spread of inferences, the busiest models.
      const accounts = (await q<{ address: string }>(`SELECT address FROM ${S}.account ORDER BY accrual_count DESC, address LIMIT 50`)).map((r) => r.address);
      const inferenceIds = (await q<{ id: string }>(`SELECT id::text FROM ${S}.inference ORDER BY md5(id::text) LIMIT 200`)).map((r) => r.id);
      const models = (await q<{ id: string; n: number }>(`SELECT id::text, inference_count AS n FROM ${S}.model ORDER BY inference_count DESC, id LIMIT 10`)).map((r) => r.id);
      if (!accounts.length || !inferenceIds.length || !models.length) throw new Error(`the index in ${SCHEMA} is empty`);
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
          floor: `three ranked reads of lineageEdge, hop by hop (model -> datanets, top ${limit} contributions per datanet, top ${limit} contributors per contribution), then the names`,
          sql: async (c, i) => {
            const modelId = models[i % models.length]!;
            const ranked = (kind: string) =>
              `SELECT from_id, to_id, weight_ppm, amount FROM (SELECT from_id, to_id, weight_ppm, amount,
                 row_number() OVER (PARTITION BY from_id ORDER BY weight_ppm DESC, amount DESC, to_id) AS rn
                 FROM ${S}."lineageEdge" WHERE model_id = $1 AND kind = '${kind}' AND from_id = ANY($2)) r WHERE rn <= ${limit}`;
            const hop1 = (await c.query<{ kind: string; to_id: string }>({ name: "floor_l1", text: `SELECT kind, to_id, weight_ppm, amount FROM ${S}."lineageEdge" WHERE model_id = $1 AND kind IN ('TRAINED_ON', 'UNTRAINED', 'ADAPTS')`, values: [modelId] })).rows;
            const datanets = hop1.filter((r) => r.kind !== "ADAPTS");
            const contributions = (await c.query<{ to_id: string }>({ name: "floor_l2", text: ranked("HAS_CONTRIBUTION"), values: [modelId, datanets.map((r) => r.to_id)] })).rows;
            await c.query({ name: "floor_l3", text: ranked("CONTRIBUTED_BY"), values: [modelId, contributions.map((r) => r.to_id)] });
            await c.query({ name: "floor_l4", text: `SELECT id, name FROM ${S}.datanet WHERE id = ANY($1::numeric[])`, values: [datanets.map((r) => r.to_id)] });
          },
        });
      const targets: Target[] = [
        {
          name: "earnings",
          rate: 500,
          bodies: accounts.map((address) => gql(EARNINGS, { address })),
          floor: "one SELECT of the account's aggregate row by primary key",
          sql: async (c, i) => {
            await c.query({ name: "floor_account", text: `SELECT * FROM ${S}.account WHERE address = $1`, values: [accounts[i % accounts.length]] });
          },
        },
        {
          name: "inference",
          rate: 200,
          bodies: inferenceIds.map((id) => gql(TRACE, { id })),
          floor: "one statement: the inference row with its attributions and observed accruals aggregated as JSON",
          sql: async (c, i) => {
            await c.query({
              name: "floor_trace",
              text: `SELECT i.*,
                (SELECT coalesce(json_agg(a ORDER BY a.position), '[]') FROM ${S}.attribution a WHERE a.inference_id = i.id) AS attributions,
                (SELECT coalesce(json_agg(r), '[]') FROM ${S}."rewardAccrual" r WHERE r.inference_id = i.id AND r.observed) AS accruals
                FROM ${S}.inference i WHERE i.id = $1`,
              values: [inferenceIds[i % inferenceIds.length]],
            });
          },
        },
        lineageTarget("lineage"),
        lineageTarget("lineage (computed)"),
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
      const find = (target: string, mode: string) => summary.find((s) => s.target === target && s.side === "api" && s.mode === mode);
      const e500 = find("earnings", "500/s");
      const eSat = find("earnings", "saturation");
      const lin = find("lineage", "50/s");
      const linComputed = find("lineage (computed)", "50/s");
      const goals = {
        earningsP99At500: e500 ? { goal: `< ${GOALS.earningsP99At500} ms`, value: e500.p99Ms.median, met: e500.p99Ms.median < GOALS.earningsP99At500 } : null,
        lineageP99: lin ? { goal: `< ${GOALS.lineageP99} ms`, value: lin.p99Ms.median, met: lin.p99Ms.median < GOALS.lineageP99 } : null,
        lineageComputedP99: linComputed ? { goal: `< ${GOALS.lineageP99} ms`, value: linComputed.p99Ms.median, met: linComputed.p99Ms.median < GOALS.lineageP99 } : null,
        earningsRps: eSat ? { goal: `>= ${GOALS.earningsRps}`, value: Math.round(eSat.requestsPerSecond.median), met: eSat.requestsPerSecond.median >= GOALS.earningsRps } : null,
      };
      console.log(`goals: ${Object.entries(goals).filter(([, g]) => g).map(([k, g]) => `${k} ${typeof g!.value === "number" ? Math.round(g!.value * 100) / 100 : g!.value} (${g!.goal}) ${g!.met ? "met" : "MISSED"}`).join("; ")}`);
      if (scale !== "medium") h.notes.push(`scale ${scale}: a quick check, not the issue's medium scenario`);
      h.notes.push("load generator (autocannon, and the SQL driver for the floor) runs on the same 2-core machine as ponder serve and PostgreSQL");
      const where = resultName("api", scale, {
        [`${runs} run(s)`]: runs < 3,
        "no warm-up": !warmup,
        [`${seconds} s per measure`]: seconds !== 10,
        [`${connections} connections`]: connections !== 10,
        [`lineage limit ${limit}`]: limit !== 500,
        [`seed ${seed}`]: seed !== 42,
      });
      const path = writeResult(where.name, {
        ...h,
        scenario: { scale, seed, key: chain.key, inferences: chain.manifest.inferences, attributions: chain.manifest.attributions },
        settings: { runs, seconds, connections, warmup, lineageDepth: depth, lineageLimit: limit },
        floors: Object.fromEntries(targets.map((t) => [t.name, t.floor])),
        goals,
        results: summary,
        profiles,
      });
      if (where.official) updateReadme();
      console.log(wroteLine(path, where));
    }),
  USAGE,
);
