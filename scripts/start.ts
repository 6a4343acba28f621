/**
 * npm start: the whole thing on one port.
 *  - without RPC_URL: a local devnet (anvil), the contracts deployed, the small scenario simulated,
 *    indexed into PGlite (or DATABASE_URL), API + explorer served, live activity kept going;
 *  - with RPC_URL (+ DEPLOYMENT_FILE): index that chain; no devnet, no simulator.
 * Ctrl-C stops everything it started.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { createPublicClient, http } from "viem";
import { freePort, mineEmptyBlocks, SETTLE_BLOCKS } from "../chain/anvil.js";
import { readDeployment, type Deployment } from "../chain/deployment.js";
import { checkChainIds, checkPortFree, checkPostgres, rpcChainId, StartupError } from "../runtime/preflight.js";
import { indexedBlock, projectRoot, spawnPonder } from "../runtime/ponder.js";
import { explorerDistIsFresh, explorerRoot } from "../runtime/explorer.js";
import { installLifecycle, isShuttingDown, onShutdown, shutdown, trackProcessGroup } from "../runtime/lifecycle.js";
import { watchPostgresRestarts } from "../runtime/pgRestartWatch.js";
import { observeProgress, stallLine, stallThresholdMs, type StallState } from "../runtime/stallWatch.js";
import { devnetArgs, startDevChain } from "../chain/devchain.js";
import { EnvError, envChoice, envInt, envPort } from "../core/env.js";
import { SCALES } from "../sim/scenario.js";

const env = process.env;

/** npm start's numeric and chosen settings, all read (and refused with the variable's name) before anything starts. */
function readSettings() {
  try {
    return {
      port: envPort(env, "PORT", 42069),
      devnetPort: envPort(env, "DEVNET_PORT", 8545),
      scale: envChoice(env, "SCALE", SCALES, "small"),
      seed: envInt(env, "SEED", { min: 0, max: 999_999_999_999_999, fallback: 1 }),
      chainId: envInt(env, "CHAIN_ID", { min: 1 }),
      livePerMinute: envInt(env, "LIVE_PER_MINUTE", { min: 1, max: 6000, fallback: 6 }),
    };
  } catch (err) {
    throw err instanceof EnvError ? new StartupError(err.message) : err;
  }
}
type Settings = ReturnType<typeof readSettings>;
installLifecycle({ onSignal: (sig) => console.log(`\nstopping (${sig})…`) });

function log(line: string) {
  console.log(`[start] ${line}`);
}

function buildExplorerIfStale() {
  if (!existsSync(explorerRoot) || explorerDistIsFresh()) return;
  log("building the explorer…");
  const res = spawnSync("npm", ["run", "-s", "build:ui"], { cwd: projectRoot, stdio: "inherit" });
  if (res.status !== 0) throw new StartupError("building the explorer failed (npm run build:ui); see the errors above");
}

async function startDevnet(settings: Settings): Promise<{ rpcUrl: string; deployment: Deployment; deploymentFile: string }> {
  const wanted = settings.devnetPort;
  const anvilPort = await checkPortFree(wanted).then(() => wanted, freePort);
  log(`starting a local devnet (anvil) on port ${anvilPort}…`);
  const chain = await startDevChain({ port: anvilPort, args: devnetArgs() });
  trackProcessGroup(chain.anvil.process.pid);
  onShutdown(() => chain.stop());
  const { anvil, deployment } = chain;
  const deploymentFile = join(projectRoot, ".devnet", "deployment.json");
  mkdirSync(join(projectRoot, ".devnet"), { recursive: true });
  writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2) + "\n");
  log(`deployed the protocol; wrote ${deploymentFile}`);

  const { simulate } = await import("../sim/index.js");
  const { scale, seed } = settings;
  log(`simulating the ${scale} scenario (seed ${seed})…`);
  let last = 0;
  const manifest = await simulate({
    rpcUrl: anvil.rpcUrl, deployment, scale, seed,
    manifestPath: join(projectRoot, ".devnet", "manifest.json"),
    onProgress: (p) => {
      if (Date.now() - last < 2000 && p.done !== p.total) return;
      last = Date.now();
      log(`  ${p.phase}: ${p.done}/${p.total}`);
    },
  });
  log(`simulated ${manifest.inferences} inferences with ${manifest.attributions} attributions`);
  // Settle the scenario: its blocks become final for the indexer at once (their totals rolled up).
  await mineEmptyBlocks(anvil.rpcUrl, SETTLE_BLOCKS);
  return { rpcUrl: anvil.rpcUrl, deployment, deploymentFile };
}

async function resetDatabase(schema: string, pgliteDir: string) {
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema.replace(/"/g, '""')}" cascade`);
    await client.end();
  } else {
    rmSync(pgliteDir, { recursive: true, force: true });
  }
}

async function main() {
  const settings = readSettings();
  const { port } = settings;
  const stallMs = (() => {
    try {
      return stallThresholdMs(env.STALL_RESTART_S);
    } catch (e) {
      throw new StartupError((e as Error).message);
    }
  })();
  await checkPortFree(port);
  if (env.DATABASE_URL) await checkPostgres(env.DATABASE_URL, { onRetry: (failure, wait) => log(`PostgreSQL: ${failure}; trying again in ${(wait / 1000).toFixed(2)} s`) });

  const devnet = !env.RPC_URL;
  let rpcUrl: string, deployment: Deployment, deploymentFile: string;
  const pgliteDir = env.PGLITE_DIR ?? join(projectRoot, ".ponder", devnet ? "devnet" : "pglite");
  let schema = env.DATABASE_SCHEMA ?? (devnet ? "openledger_devnet" : "openledger");

  if (devnet) {
    ({ rpcUrl, deployment, deploymentFile } = await startDevnet(settings));
    // A devnet is new every start: the previous index describes another chain.
    await resetDatabase(schema, pgliteDir);
  } else {
    rpcUrl = env.RPC_URL!;
    deploymentFile = env.DEPLOYMENT_FILE ?? join(projectRoot, ".devnet", "deployment.json");
    const parsed = readDeployment(deploymentFile);
    if (!parsed.ok) throw new StartupError(parsed.error);
    deployment = parsed.deployment;
    const chainId = await rpcChainId(rpcUrl, { onRetry: (failure, wait) => log(`RPC_URL answered eth_chainId with ${failure}; trying again in ${(wait / 1000).toFixed(2)} s`) });
    checkChainIds({ rpcUrl, rpcChainId: chainId, configuredChainId: settings.chainId, deployment, deploymentFile });
  }

  buildExplorerIfStale();

  log(`indexing chain ${deployment.chainId} from ${rpcUrl} into ${env.DATABASE_URL ? "PostgreSQL" : `PGlite (${pgliteDir})`}, schema "${schema}"…`);
  // The indexer under a supervisor: killed (out of memory, an operator's kill -9) after it was ready,
  // it is started again with backoff (it resumes from its checkpoint); exiting before it was ever
  // ready is a fatal start-up error, reported as such. A PostgreSQL restart restarts it too: Ponder
  // commits without waiting for the disk (runtime/pgRestartWatch.ts). So does a stall: alive and
  // ready, but its indexed block stuck while the chain head goes on (runtime/stallWatch.ts); it is
  // stopped and started again with the same backoff as after a crash.
  const launch = () => {
    const p = spawnPonder({
      command: "start", port, schema, stdio: "inherit", logLevel: (env.LOG_LEVEL as "warn") ?? "warn",
      env: { RPC_URL: rpcUrl, CHAIN_ID: String(deployment.chainId), DEPLOYMENT_FILE: deploymentFile, PGLITE_DIR: pgliteDir },
    });
    trackProcessGroup(p.process.pid);
    p.process.once("exit", (code, signal) => void onExit(p, code, signal));
    return p;
  };
  let ponder = launch();
  let everReady = false;
  let restarting = false;
  /** Why the watchdog stopped the current indexer, if it did. */
  let stalled: string | null = null;
  const restarts: number[] = [];
  const onExit = async (p: typeof ponder, code: number | null, signal: NodeJS.Signals | null) => {
    if (isShuttingDown() || restarting || p !== ponder) return;
    const how = stalled ?? (signal ? `was killed (${signal})` : `exited with code ${code}`);
    stalled = null;
    const now = Date.now();
    while (restarts.length && restarts[0]! < now - 10 * 60_000) restarts.shift();
    if (!everReady || restarts.length >= 5) {
      console.error(`error: the indexer ${how}${everReady ? " 5 times in 10 minutes" : " before it was ready"}; see its output above`);
      void shutdown(code || 1);
      return;
    }
    restarts.push(now);
    const wait = Math.min(30_000, 1000 * 2 ** (restarts.length - 1));
    log(`the indexer ${how}; starting it again in ${wait / 1000} s (it resumes from its last checkpoint)`);
    await new Promise((r) => setTimeout(r, wait));
    if (!isShuttingDown()) ponder = launch();
  };
  onShutdown(() => ponder.stop());
  if (env.DATABASE_URL) {
    const watch = watchPostgresRestarts(env.DATABASE_URL, async () => {
      if (isShuttingDown()) return;
      log("PostgreSQL restarted: restarting the indexer so that it resumes from what the database kept");
      restarting = true;
      try {
        await ponder.stop();
        ponder = launch();
      } finally {
        restarting = false;
      }
    });
    onShutdown(async () => watch.stop());
  }

  const client = createPublicClient({ transport: http(rpcUrl) });
  if (stallMs > 0) {
    // The stall watchdog: it watches a run once that run is ready (backfills may fetch for minutes
    // before the indexed block moves), and reads the head through RPC_URL like the indexer does.
    let watched = ponder;
    let live = false;
    let state: StallState | null = null;
    let busy = false;
    const timer = setInterval(async () => {
      if (busy || isShuttingDown() || restarting || stalled) return;
      busy = true;
      try {
        const p = ponder;
        if (p !== watched) {
          watched = p;
          live = false;
          state = null;
        }
        if (!live) live = await fetch(`${p.url}/ready`).then((r) => r.status === 200).catch(() => false);
        if (!live) return;
        const [indexed, head] = await Promise.all([indexedBlock(p), client.getBlockNumber().then(Number).catch(() => null)]);
        const next = observeProgress(state, { now: Date.now(), indexed, head }, stallMs);
        state = next.state;
        if (next.verdict.stalled && p === ponder && !isShuttingDown() && !restarting) {
          stalled = stallLine(next.verdict);
          void p.stop(); // its exit restarts it (onExit), with the crash backoff
        }
      } finally {
        busy = false;
      }
    }, Math.min(2000, Math.max(250, stallMs / 10)));
    onShutdown(async () => clearInterval(timer));
  }
  const progress = setInterval(async () => {
    const [indexed, head] = await Promise.all([indexedBlock(ponder), client.getBlockNumber().catch(() => null)]);
    if (indexed !== null && head !== null) log(`indexing… block ${indexed} of ${head} (${Math.floor((indexed / Number(head)) * 100)} %)`);
    else log("indexing… (starting)");
  }, 3000);
  try {
    for (;;) {
      const p = ponder;
      try {
        await p.waitReady(24 * 3600_000);
        everReady = true;
        break;
      } catch (e) {
        if (p === ponder && !restarting) throw e; // a restart after a PostgreSQL restart: wait for the new one
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    // /ready means the backfill is over; the last (unfinalized) blocks are still caught up in
    // realtime mode. Ready for people means: indexed up to the head we saw.
    const head = Number(await client.getBlockNumber());
    while (((await indexedBlock(ponder)) ?? -1) < head) await new Promise((r) => setTimeout(r, 250));
  } finally {
    clearInterval(progress);
  }

  if (devnet) {
    const { startLiveActivity } = await import("../sim/index.js");
    const live = await startLiveActivity({ rpcUrl, deployment, seed: settings.seed + 1, perMinute: settings.livePerMinute });
    onShutdown(() => live.stop()); // runs first: the activity stops before the chain under it
  }

  const base = ponder.url;
  console.log(`
  OpenLedger explorer is ready.

    Explorer   ${base}/
    GraphQL    ${base}/graphql

  Try first:
    - the lineage graph of a model:  ${base}/model/1
    - what the auditors found:       ${base}/audit
    - paste any address, id, output hash or transaction hash into the search box
  ${devnet ? `Live activity keeps coming from the devnet at ${rpcUrl}.\n  ` : ""}Press Ctrl-C to stop everything.
`);
}

main().catch(async (err) => {
  console.error(`error: ${err instanceof StartupError ? err.message : err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
