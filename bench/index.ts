/**
 * npm run bench:index -- [--scale medium] [--seed 42] [--runs 3] [--no-warmup] [--db postgres,pglite,framework] [--no-floor] [--profile] [--source anvil|recorded]
 *
 * Indexes the cached benchmark chain (bench/lib/chain.ts) from scratch with `ponder start` on
 * PostgreSQL and on PGlite, with Ponder's RPC cache warm (the warm-up round fills it), and beside
 * it in the same run the floor (bench/lib/floor.ts) and Ponder alone ("framework": the app in
 * bench/framework/, the same events with handlers that do nothing, on PostgreSQL). Rounds
 * interleave them so that drifting background load hits all alike. Prints events/s, the ratio to the floor
 * and peak memory (median, min–max) and writes bench/results/index.json (a quick check: index-quick.json or index-<scale>.json).
 * The chain is served by anvil from its state dump, or (`--source recorded`, and always at the
 * large scale) from a recording by chain/recordedRpc.ts (bench/lib/chain.ts says why).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { SCALES, type Scale } from "../sim/index.js";
import { cacheDir, CHAIN_SOURCES, defaultSource, ensureChain, PONDER_FINALITY_BLOCKS, replayChain, type ChainSource } from "./lib/chain.js";
import { withCleanup } from "./lib/cleanup.js";
import { printProfile, profileArgs, profileDir, summarizeProfiles, type ProfileSummary } from "./lib/profile.js";
import { runFloor, type FloorRun } from "./lib/floor.js";
import { dropSchema, ensureDatabase, indexOnce, type DbTarget, type IndexRun } from "./lib/ponderRun.js";
import { updateReadme } from "./lib/table.js";
import { fmt, header, load, printHeader, readResult, resultName, summarize, writeResult, wroteLine, type Summary } from "./lib/report.js";

const USAGE = "usage: npm run bench:index -- [--scale tiny|small|medium|large] [--seed N] [--runs N] [--no-warmup] [--db postgres,pglite,framework] [--no-floor] [--profile] [--source anvil|recorded]";
const KINDS = ["postgres", "pglite", "framework"] as const;
/** The framework floor's Ponder app: the indexer's events, handlers that do nothing. */
const FRAMEWORK_ROOT = fileURLToPath(new URL("./framework/", import.meta.url));
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * Goals of indexing into PostgreSQL (the medium scenario): throughput, against the floor, against
 * Ponder alone (the framework) in the same run, memory; and PGlite against PostgreSQL.
 */
const GOALS = { eventsPerSecond: 15_000, ratioToFloor: 3, ratioToFramework: 3, peakMemoryMiB: 2048, pgliteToPostgres: 2.5 };

runMain(
  () =>
    withCleanup(async () => {
      const flags = parseFlags(process.argv.slice(2), ["no-warmup", "no-floor", "profile"]);
      for (const k of Object.keys(flags)) if (!["scale", "seed", "runs", "no-warmup", "db", "no-floor", "profile", "source"].includes(k)) throw new UsageError(`unknown option --${k}`);
      const scale = String(flags.scale ?? "medium") as Scale;
      if (!SCALES.includes(scale)) throw new UsageError("--scale must be tiny, small, medium or large");
      const source = String(flags.source ?? defaultSource(scale)) as ChainSource;
      if (!CHAIN_SOURCES.includes(source)) throw new UsageError(`--source must be ${CHAIN_SOURCES.join(" or ")}`);
      if (scale === "large" && source === "anvil") throw new UsageError("--scale large is served from a recording only (anvil would hold ~40 GB): drop --source anvil");
      const seed = Number(flags.seed ?? 42);
      const runs = Number(flags.runs ?? 3);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError("--seed must be a non-negative integer");
      if (!Number.isSafeInteger(runs) || runs < 1) throw new UsageError("--runs must be a positive integer");
      const kinds = String(flags.db ?? KINDS.join(",")).split(",");
      if (!kinds.length || kinds.some((k) => !(KINDS as readonly string[]).includes(k))) throw new UsageError(`--db takes ${KINDS.join(", ")} (comma-separated)`);
      const warmup = flags["no-warmup"] !== true;
      const floor = flags["no-floor"] !== true;

      const h = header("index");
      printHeader(h);
      const chain = await ensureChain(scale, seed, console.log, source);
      const m = chain.manifest;
      console.log(`# chain: ${scale}, seed ${seed}, key ${chain.key}: ${m.inferences.toLocaleString("en-US")} inferences, ${m.attributions.toLocaleString("en-US")} attributions, blocks ${m.firstBlock}..${m.lastBlock}, dump ${(chain.stateBytes / 2 ** 20).toFixed(0)} MiB`);
      const rec = chain.recording;
      if (rec) console.log(`# recorded: ${(rec.recordingBytes / 2 ** 20).toFixed(0)} MiB on disk, generated in ${rec.seconds} s with peak RSS anvil ${rec.anvilPeakRssMiB} MiB, simulator + recorder ${rec.recorderPeakRssMiB} MiB`);
      const anvil = await replayChain(chain);
      console.log(source === "recorded" ? `# served by chain/recordedRpc.ts (eth_call: anvil --load-state of the head state, ${anvil.loadSeconds.toFixed(1)} s to start); head block ${anvil.head}` : `# replayed by anvil --load-state in ${anvil.loadSeconds.toFixed(1)} s; head block ${anvil.head}`);

      const pgUrl = await ensureDatabase(ADMIN_URL, `bench_${chain.key}`);
      const pgliteDir = join(cacheDir, `pglite-${chain.key}`);
      mkdirSync(pgliteDir, { recursive: true });
      const targets: Record<string, DbTarget> = { postgres: { kind: "postgres", url: pgUrl }, pglite: { kind: "pglite", dir: pgliteDir }, framework: { kind: "postgres", url: pgUrl } };

      const floorRuns: FloorRun[] = [];
      const indexRuns: Record<string, IndexRun[]> = Object.fromEntries(kinds.map((k) => [k, []]));
      const rounds = (warmup ? 1 : 0) + runs;
      for (let r = 0; r < rounds; r++) {
        const label = warmup && r === 0 ? "warm-up" : `run ${warmup ? r : r + 1}/${runs}`;
        const keep = !(warmup && r === 0);
        if (floor) {
          const f = await runFloor({ rpcUrl: anvil.rpcUrl, deployment: chain.deployment, head: anvil.head, connectionString: pgUrl, schema: "bench_floor" });
          console.log(`${label}  floor     ${f.seconds.toFixed(2)} s  ${Math.round(f.eventsPerSecond).toLocaleString("en-US")} events/s  (fetch ${f.fetchSeconds.toFixed(1)} s, decode ${f.decodeSeconds.toFixed(1)} s, copy ${f.copySeconds.toFixed(1)} s, ${f.requests} getLogs)`);
          if (keep) floorRuns.push(f);
        }
        for (const kind of kinds) {
          const db = targets[kind]!;
          const schema = `bench_r${r}_${process.pid}`;
          await dropSchema(db, schema);
          try {
            // On PostgreSQL, also how long the rollups (api/totals/) take after the head to cover every finalized block.
            const waitForRollups = kind === "postgres" ? anvil.head - BigInt(PONDER_FINALITY_BLOCKS) - 1n : undefined;
            const run = await indexOnce({ db, schema, rpcUrl: anvil.rpcUrl, deploymentPath: chain.deploymentPath, head: anvil.head, root: kind === "framework" ? FRAMEWORK_ROOT : undefined, waitForRollups });
            console.log(`${label}  ${kind.padEnd(9)} ready ${run.readySeconds.toFixed(2)} s, head ${run.headSeconds.toFixed(2)} s  ${run.ponderEvents.toLocaleString("en-US")} events  peak RSS ${run.peakRssMiB} MiB  RPC cache ${run.cachedBlocks}/${run.totalBlocks} blocks${run.rollupCatchUpSeconds !== undefined ? `  rollups caught up ${run.rollupCatchUpSeconds.toFixed(1)} s after the head` : ""}`);
            if (keep) indexRuns[kind]!.push(run);
          } finally {
            await dropSchema(db, schema);
          }
        }
      }
      let profile: ProfileSummary | null = null;
      if (flags.profile === true) {
        // One more, unmeasured run of the first database with V8's CPU profiler on.
        const dir = profileDir(`index-${kinds[0]}`);
        const db = targets[kinds[0]!]!;
        const schema = `bench_prof_${process.pid}`;
        await dropSchema(db, schema);
        try {
          await indexOnce({ db, schema, rpcUrl: anvil.rpcUrl, deploymentPath: chain.deploymentPath, head: anvil.head, nodeArgs: profileArgs(dir) });
          profile = summarizeProfiles(dir);
          printProfile(`CPU profile of ponder start (${kinds[0]}, an extra unmeasured run)`, profile, dir);
        } finally {
          await dropSchema(db, schema);
        }
      }
      const rpcCalls = anvil.rpcCalls?.();
      if (rpcCalls) console.log(`recording server, all rounds: ${Object.entries(rpcCalls).sort((a, b) => b[1].ms - a[1].ms).map(([m, c]) => `${m} ${c.calls} calls ${(c.ms / 1000).toFixed(1)} s`).join(", ")}`);
      await anvil.stop(10_000);

      const events = floorRuns[0]?.events ?? indexRuns[kinds[0]!]?.[0]?.ponderEvents ?? 0;
      const floorSec = summarize(floorRuns.map((f) => f.seconds));
      const floorEps = summarize(floorRuns.map((f) => f.eventsPerSecond));
      const results: Record<string, unknown> = {};
      console.log(`\nevents indexed: ${events.toLocaleString("en-US")} (logs of ${"DatanetRegistry, ModelRegistry, AttributionEngine"})`);
      console.log("median (min–max) of", runs, "run(s)", warmup ? "after a warm-up" : "without warm-up");
      if (floor) {
        console.log(`floor (viem getLogs + decode + COPY)   ${fmt(floorSec, 2)} s   ${fmt(floorEps)} events/s`);
        results.floor = { seconds: floorSec, eventsPerSecond: floorEps, runs: floorRuns };
      }
      for (const kind of kinds) {
        const rs = indexRuns[kind]!;
        const ready = summarize(rs.map((r) => r.readySeconds));
        const head = summarize(rs.map((r) => r.headSeconds));
        const eps = summarize(rs.map((r) => events / r.headSeconds));
        const epsReady = summarize(rs.map((r) => events / r.readySeconds));
        const rss = summarize(rs.map((r) => r.peakRssMiB));
        const ratio: Summary | null = floor ? summarize(rs.map((r) => r.headSeconds / floorSec.median)) : null;
        const catchUp: Summary | null = rs.length && rs.every((r) => r.rollupCatchUpSeconds !== undefined) ? summarize(rs.map((r) => r.rollupCatchUpSeconds!)) : null;
        console.log(
          `ponder ${kind.padEnd(9)} to /ready ${fmt(ready, 2)} s, to head ${fmt(head, 2)} s   ${fmt(eps)} events/s (to /ready: ${fmt(epsReady)})` +
            `${ratio ? `   ${fmt(ratio, 2)}× the floor's time` : ""}   peak RSS ${fmt(rss)} MiB${catchUp ? `   rollups caught up ${fmt(catchUp, 1)} s after the head` : ""}`,
        );
        results[kind] = { measured: { date: h.date, commit: h.commit.sha, loadBefore: h.loadBefore, loadAfter: load(), runs, warmup, calibrationMs: h.machine.calibrationMs }, readySeconds: ready, headSeconds: head, eventsPerSecond: eps, eventsPerSecondToReady: epsReady, ratioToFloor: ratio, peakRssMiB: rss, rollupCatchUpSeconds: catchUp, runs: rs };
      }
      for (const kind of kinds) {
        const last = indexRuns[kind]!.at(-1);
        if (!last) continue;
        const top = (o: Record<string, number>) => Object.entries(o).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ");
        console.log(`where the time went (${kind}, last run, Ponder /metrics): handlers: ${top(last.metrics.functions) || "n/a"}; database: ${top(last.metrics.database) || "n/a"}`);
      }
      // A run of one database keeps the other's figures from the previous run on the same chain,
      // each with the date, commit and load of its own run.
      const where = resultName("index", scale, { [`${runs} run(s)`]: runs < 3, "no warm-up": !warmup, "no floor": !floor, [`seed ${seed}`]: seed !== 42 });
      if (source !== defaultSource(scale)) {
        where.official = false;
        where.reasons.push(`${source} chain`);
      }
      const name = source !== defaultSource(scale) ? `${where.name}-${source}` : where.name;
      const previous = readResult(name);
      if (previous && (previous.scenario as { key?: string } | undefined)?.key === chain.key) {
        for (const kind of KINDS) {
          const old = (previous.results as Record<string, { measured?: { date: string; loadBefore: number[] } }> | undefined)?.[kind];
          if (!kinds.includes(kind) && old) {
            results[kind] = old;
            h.notes.push(`${kind} figures kept from the run of ${old.measured?.date ?? previous.date} (load before ${(old.measured?.loadBefore ?? previous.loadBefore).join(" ")}), ratio against that run's floor`);
          }
        }
      }
      const pgr = results.postgres as { eventsPerSecond: Summary; headSeconds: Summary; ratioToFloor: Summary | null; peakRssMiB: Summary; measured?: { date: string } } | undefined;
      const framework = results.framework as { headSeconds: Summary; measured?: { date: string } } | undefined;
      const pglite = results.pglite as { headSeconds: Summary; measured?: { date: string } } | undefined;
      const sameRun = (other?: { measured?: { date: string } }) => other?.measured?.date === h.date;
      const ratioOf = (a: Summary, b: Summary, goal: number) => ({ goal: `<= ${goal}`, value: Math.round((a.median / b.median) * 100) / 100, met: a.median / b.median <= goal });
      const goals = pgr
        ? {
            eventsPerSecond: { goal: `>= ${GOALS.eventsPerSecond}`, value: Math.round(pgr.eventsPerSecond.median), met: pgr.eventsPerSecond.median >= GOALS.eventsPerSecond },
            ratioToFloor: pgr.ratioToFloor ? { goal: `<= ${GOALS.ratioToFloor}`, value: Math.round(pgr.ratioToFloor.median * 100) / 100, met: pgr.ratioToFloor.median <= GOALS.ratioToFloor } : null,
            // Against Ponder alone and PGlite only when measured in the same run (same load).
            ratioToFramework: framework && sameRun(framework) && sameRun(pgr) ? ratioOf(pgr.headSeconds, framework.headSeconds, GOALS.ratioToFramework) : null,
            peakMemoryMiB: { goal: `< ${GOALS.peakMemoryMiB}`, value: pgr.peakRssMiB.max, met: pgr.peakRssMiB.max < GOALS.peakMemoryMiB },
            pgliteToPostgres: pglite && sameRun(pglite) && sameRun(pgr) ? ratioOf(pglite.headSeconds, pgr.headSeconds, GOALS.pgliteToPostgres) : null,
          }
        : null;
      if (goals) console.log(`goals (PostgreSQL): ${Object.entries(goals).filter(([, g]) => g).map(([k, g]) => `${k} ${g!.value} (${g!.goal}) ${g!.met ? "met" : "MISSED"}`).join("; ")}`);
      if (scale !== "medium") h.notes.push(`scale ${scale}: a quick check, not the reference medium scenario`);
      h.notes.push("peak RSS: summed RSS of the ponder process group, sampled every 250 ms (PostgreSQL's own server processes not included; PGlite runs inside ponder)");
      h.notes.push("events/s = logs of the three indexed contracts / seconds from spawning `ponder start` until /status reports the head block");
      const path = writeResult(name, {
        ...h,
        scenario: { scale, seed, source, key: chain.key, ...(rec ? { recording: { ...rec, recordingMiB: Math.round(rec.recordingBytes / 2 ** 20) } } : {}), inferences: m.inferences, attributions: m.attributions, firstBlock: m.firstBlock, headBlock: String(anvil.head), stateDumpMiB: Math.round(chain.stateBytes / 2 ** 20), events },
        ...(rpcCalls ? { recordingServer: rpcCalls } : {}),
        runsPerTarget: runs,
        warmup,
        goals,
        results,
        profile,
      });
      if (where.official) updateReadme();
      console.log(wroteLine(path, where));
    }),
  USAGE,
);
