/**
 * Indexer profiling run (issue 7, indexing): replays a simulated chain kept as an anvil state dump
 * and times a full `ponder start` from spawn to the last block indexed, on PostgreSQL or PGlite.
 *
 *   npx tsx bench/indexer-profile.ts --scale small|medium [--seed 1] [--db postgres|pglite]
 *        [--cpu-prof] [--runs 1] [--cold] [--settle 31]
 *   npx tsx bench/cpuprofile-top.ts bench/tmp/prof/CPU.*.cpuprofile [N] [file filter]
 *
 * The first run of a scale generates the chain (sim/, ~150 s for medium) into
 * bench/tmp/<scale>-<seed>/ (state.json, deployment.json, manifest.json); later runs load it into
 * an anvil with chain id 31338 (not the devnet's 31337, so ponder.config.ts keeps Ponder's RPC
 * cache on, as in `npm run bench:index`). One database per invocation: a warm-up index fills
 * Ponder's RPC cache (ponder_sync), then each measured run indexes into a fresh schema with the
 * cache warm (--cold: a fresh database per run instead).
 * Prints: wall time, events indexed (Ponder's ponder_indexing_completed_events), events/s overall
 * and over the indexing phase (first to last event seen in /metrics, sampled every 500 ms), peak
 * RSS of the ponder process (VmHWM), the load average, and Ponder's per-event and per-table
 * timings from /metrics, and CPU seconds of ponder and of its PostgreSQL backends: events per
 * CPU-second is the figure to compare under a varying load average. --cpu-prof writes a V8 CPU
 * profile of the ponder process into bench/tmp/prof/. --settle N mines N empty blocks first, so
 * the whole scenario lies below Ponder's 30-block finality and is indexed in historical batches.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { anvilBinary } from "../chain/anvil.js";
import type { Deployment } from "../chain/deployment.js";
import { startDevChain } from "../sim/devchain.js";
import { simulate, type Manifest, type Scale } from "../sim/index.js";
import { indexedBlock, projectRoot, spawnPonder } from "../runtime/ponder.js";
import { freePort } from "../chain/anvil.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith("--") ? process.argv[i + 1]! : fallback;
}
const has = (name: string) => process.argv.includes(`--${name}`);

const scale = flag("scale", "small") as Scale;
const seed = Number(flag("seed", "1"));
const dbKind = flag("db", "postgres") as "postgres" | "pglite";
const runs = Number(flag("runs", "1"));
const cpuProf = has("cpu-prof");
/** Mine this many empty blocks on top of the scenario first, so Ponder (finality 30 blocks on a
 *  devnet) indexes all of it in its historical (batched) mode rather than the last 30 blocks live. */
const settle = Number(flag("settle", "31"));
const dir = join(projectRoot, "bench", "tmp", `${scale}-${seed}`);

async function ensureChain(): Promise<{ deployment: Deployment; manifest: Manifest }> {
  const state = join(dir, "state.json");
  if (!existsSync(state)) {
    mkdirSync(dir, { recursive: true });
    console.log(`generating the ${scale} scenario (seed ${seed}) into ${dir}…`);
    const t0 = performance.now();
    const chain = await startDevChain({ args: ["--dump-state", state] });
    try {
      const manifest = await simulate({ rpcUrl: chain.rpcUrl, deployment: chain.deployment, scale, seed });
      writeFileSync(join(dir, "deployment.json"), JSON.stringify(chain.deployment, null, 2));
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
    } finally {
      // anvil writes --dump-state on SIGTERM; a large state takes a while, so no SIGKILL deadline here.
      const exited = new Promise<void>((r) => chain.anvil.process.once("exit", () => r()));
      process.kill(-chain.anvil.process.pid!, "SIGTERM");
      await exited;
    }
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return {
    deployment: JSON.parse(readFileSync(join(dir, "deployment.json"), "utf8")),
    manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")),
  };
}

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

/** anvil with a long start-up deadline: loading a medium state dump (2.5 GB of JSON) takes a while. */
async function startAnvil(opts: { args: string[]; startupMs: number }) {
  const port = await freePort();
  const child = spawn(anvilBinary(), ["--port", String(port), "--host", "127.0.0.1", "--silent", ...opts.args], { stdio: ["ignore", "ignore", "inherit"], detached: true });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + opts.startupMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`);
    const ok = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) }).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) { process.kill(-child.pid!, "SIGKILL"); throw new Error("anvil did not start"); }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  };
  return { rpcUrl, stop };
}

/** Sums of a metric's samples by label set, from Prometheus text. */
function metric(text: string, name: string): { labels: string; value: number }[] {
  const out: { labels: string; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([0-9.e+-]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    out.push({ labels: m[2] ?? "", value: Number(m[3]) });
  }
  return out;
}

/** CPU seconds (user + system) of a process, and of the PostgreSQL backends serving database `db`. */
const cpuSeconds = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
};
const backendCpu = (db: string): number => {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.startsWith("postgres:") && cmd.includes(` ${db} `)) total += cpuSeconds(Number(pid));
    } catch {}
  }
  return total;
};

const peakRss = (pid: number): number => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

/** `ponder start` under node flags (--cpu-prof is not allowed in NODE_OPTIONS). */
function spawnProfiled(port: number, env: Record<string, string>, nodeArgs: string[], schema: string) {
  const bin = join(projectRoot, "node_modules/ponder/dist/esm/bin/ponder.js");
  const child = spawn(process.execPath, [...nodeArgs, bin, "--log-level", "warn", "start", "--schema", schema, "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: projectRoot,
    env: { ...process.env, PONDER_TELEMETRY_DISABLED: "true", DATABASE_SCHEMA: schema, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill(signal);
      await exited;
    },
  };
}

const BENCH_CHAIN_ID = 31338;
const cold = has("cold");

async function run(deployment: Deployment, manifest: Manifest, anvilUrl: string, i: number, label: string) {
  const name = cold ? `bench_idx_${process.pid}_${i}` : `bench_idx_${process.pid}`;
  // Outside the project: ponder start runs a vite file watcher over the project root.
  const pgliteDir = join(tmpdir(), cold ? `bench-pglite-${process.pid}-${i}` : `bench-pglite-${process.pid}`);
  const deploymentFile = join(tmpdir(), `bench-deployment-${process.pid}.json`);
  writeFileSync(deploymentFile, JSON.stringify({ ...deployment, chainId: BENCH_CHAIN_ID }));
  const schema = `run${i}`;
  const env: Record<string, string> = {
    RPC_URL: anvilUrl,
    CHAIN_ID: String(BENCH_CHAIN_ID),
    DEPLOYMENT_FILE: deploymentFile,
    POLLING_INTERVAL_MS: "100",
  };
  if (dbKind === "postgres") {
    await admin(`CREATE DATABASE "${name}"`).catch((e) => { if (!/already exists/.test(String(e))) throw e; });
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  } else {
    env.DATABASE_URL = "";
    env.PGLITE_DIR = pgliteDir;
  }
  let profArgs: string[] = [];
  if (cpuProf && label !== "warm-up") {
    const profDir = join(projectRoot, "bench", "tmp", "prof");
    mkdirSync(profDir, { recursive: true });
    profArgs = ["--cpu-prof", `--cpu-prof-dir=${profDir}`];
  }
  const load0 = loadavg();
  const port = await freePort();
  const t0 = performance.now();
  const ponder = profArgs.length ? spawnProfiled(port, env, profArgs, schema) : spawnPonder({ command: "start", port, schema, env });
  const target = Number(manifest.lastBlock);
  let firstEventAt: number | undefined;
  let cpuAtFirstEvent = 0;
  let lastEvents = 0;
  let lastEventAt = 0;
  let metricsText = "";
  let peak = 0;
  try {
    for (;;) {
      if (ponder.process.exitCode !== null) throw new Error(`ponder exited:\n${ponder.output().slice(-3000)}`);
      peak = Math.max(peak, peakRss(ponder.process.pid!));
      const text = await fetch(`${ponder.url}/metrics`).then((r) => r.text()).catch(() => "");
      if (text) {
        metricsText = text;
        const events = metric(text, "ponder_indexing_completed_events").reduce((s, x) => s + x.value, 0);
        const now = performance.now();
        if (events > 0 && firstEventAt === undefined) { firstEventAt = now; cpuAtFirstEvent = cpuSeconds(ponder.process.pid!); }
        if (events > lastEvents) { lastEvents = events; lastEventAt = now; }
      }
      const at = await indexedBlock(ponder.url);
      if (at !== null && at >= target && (await fetch(`${ponder.url}/ready`).then((r) => r.status === 200).catch(() => false))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const wall = (performance.now() - t0) / 1000;
    metricsText = await fetch(`${ponder.url}/metrics`).then((r) => r.text());
    const events = metric(metricsText, "ponder_indexing_completed_events").reduce((s, x) => s + x.value, 0);
    peak = Math.max(peak, peakRss(ponder.process.pid!));
    const ponderCpu = cpuSeconds(ponder.process.pid!);
    const pgCpu = dbKind === "postgres" ? backendCpu(name) : 0;
    const phase = ((lastEventAt || performance.now()) - (firstEventAt ?? t0)) / 1000;
    const load1 = loadavg();
    const result = {
      scale, seed, db: dbKind, run: label, rpcCache: cold || label === "warm-up" ? "cold" : "warm",
      wallSeconds: +wall.toFixed(1),
      events,
      eventsPerSecond: Math.round(events / wall),
      indexingPhaseSeconds: +phase.toFixed(1),
      eventsPerSecondIndexingPhase: Math.round(events / Math.max(phase, 0.001)),
      peakRssMB: Math.round(peak / 2 ** 20),
      ponderCpuSeconds: +ponderCpu.toFixed(1),
      /** From the first event seen in /metrics (start-up, build and migrations left out). */
      ponderIndexingCpuSeconds: +(ponderCpu - cpuAtFirstEvent).toFixed(1),
      eventsPerIndexingCpuSecond: Math.round(events / Math.max(ponderCpu - cpuAtFirstEvent + pgCpu, 0.001)),
      postgresCpuSeconds: +pgCpu.toFixed(1),
      /** Events per CPU-second of ponder + its PostgreSQL backends: steadier than wall time under load. */
      eventsPerCpuSecond: Math.round(events / Math.max(ponderCpu + pgCpu, 0.001)),
      loadAverage: { before: load0.map((x) => +x.toFixed(2)), after: load1.map((x) => +x.toFixed(2)) },
    };
    console.log(JSON.stringify(result));
    // Ponder's own breakdown: where indexing time went.
    const fn = metric(metricsText, "ponder_indexing_function_duration_sum").map((x) => ({ ...x, count: metric(metricsText, "ponder_indexing_function_duration_count").find((c) => c.labels === x.labels)?.value ?? 0 }));
    for (const f of fn.sort((a, b) => b.value - a.value)) console.log(`  fn ${f.labels} total ${(f.value / 1000).toFixed(1)} s, ${f.count} calls, ${(f.value / Math.max(f.count, 1) * 1000).toFixed(0)} µs/call`);
    const cache = metric(metricsText, "ponder_indexing_cache_query_duration_sum").filter((x) => x.value > 50).sort((a, b) => b.value - a.value);
    for (const c of cache.slice(0, 15)) console.log(`  db ${c.labels} ${(c.value / 1000).toFixed(2)} s`);
    for (const name of ["ponder_historical_transform_duration", "ponder_historical_extract_duration", "ponder_indexing_store_raw_sql_duration_sum", "ponder_historical_concurrency_group_duration"]) {
      for (const x of metric(metricsText, name)) console.log(`  ${name}${x.labels} ${(x.value / 1000).toFixed(2)} s`);
    }
    const requests = metric(metricsText, "ponder_indexing_cache_requests_total").filter((x) => x.labels.includes("miss")).sort((a, b) => b.value - a.value);
    for (const r of requests.slice(0, 8)) console.log(`  cache miss ${r.labels} ${r.value}`);
    writeFileSync(join(dir, `metrics-${dbKind}-${label}.txt`), metricsText);
    return result;
  } finally {
    await ponder.stop("SIGTERM");
    if (cold) await dropDatabase(name, pgliteDir);
  }
}

async function dropDatabase(name: string, pgliteDir: string) {
  if (dbKind === "postgres") await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  else rmSync(pgliteDir, { recursive: true, force: true });
}

const { deployment, manifest } = await ensureChain();
console.log(`${scale}: ${manifest.inferences} inferences, ${manifest.attributions} attributions, blocks ${manifest.firstBlock}..${manifest.lastBlock}`);
const anvil = await startAnvil({ args: ["--chain-id", String(BENCH_CHAIN_ID), "--load-state", join(dir, "state.json")], startupMs: 600_000 });
try {
  if (settle > 0) {
    await fetch(anvil.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_mine", params: [`0x${settle.toString(16)}`] }) });
  }
  if (!cold && runs > 0) await run(deployment, manifest, anvil.rpcUrl, 0, "warm-up");
  for (let i = 1; i <= runs; i++) await run(deployment, manifest, anvil.rpcUrl, i, `run ${i}`);
} finally {
  await anvil.stop();
  if (!cold) await dropDatabase(`bench_idx_${process.pid}`, join(tmpdir(), `bench-pglite-${process.pid}`));
}
