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
import { freePort } from "../chain/anvil.js";
import { readDeployment, type Deployment } from "../chain/deployment.js";
import { checkChainIds, checkPortFree, checkPostgres, rpcChainId, StartupError } from "../runtime/preflight.js";
import { indexedBlock, projectRoot, spawnPonder } from "../runtime/ponder.js";
import { explorerDistIsFresh, explorerRoot } from "../runtime/explorer.js";
import { installLifecycle, isShuttingDown, onShutdown, shutdown, trackProcessGroup } from "../runtime/lifecycle.js";
import { devnetArgs, startDevChain } from "../sim/devchain.js";

const env = process.env;
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

async function startDevnet(): Promise<{ rpcUrl: string; deployment: Deployment; deploymentFile: string }> {
  const wanted = Number(env.DEVNET_PORT ?? 8545);
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
  const scale = (env.SCALE ?? "small") as "tiny" | "small" | "medium" | "large";
  const seed = Number(env.SEED ?? 1);
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
  const port = Number(env.PORT ?? 42069);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new StartupError(`PORT must be a port number, not "${env.PORT}"`);
  await checkPortFree(port);
  if (env.DATABASE_URL) await checkPostgres(env.DATABASE_URL);

  const devnet = !env.RPC_URL;
  let rpcUrl: string, deployment: Deployment, deploymentFile: string;
  const pgliteDir = env.PGLITE_DIR ?? join(projectRoot, ".ponder", devnet ? "devnet" : "pglite");
  let schema = env.DATABASE_SCHEMA ?? (devnet ? "openledger_devnet" : "openledger");

  if (devnet) {
    ({ rpcUrl, deployment, deploymentFile } = await startDevnet());
    // A devnet is new every start: the previous index describes another chain.
    await resetDatabase(schema, pgliteDir);
  } else {
    rpcUrl = env.RPC_URL!;
    deploymentFile = env.DEPLOYMENT_FILE ?? join(projectRoot, ".devnet", "deployment.json");
    const parsed = readDeployment(deploymentFile);
    if (!parsed.ok) throw new StartupError(parsed.error);
    deployment = parsed.deployment;
    const chainId = await rpcChainId(rpcUrl);
    checkChainIds({ rpcUrl, rpcChainId: chainId, configuredChainId: env.CHAIN_ID ? Number(env.CHAIN_ID) : undefined, deployment, deploymentFile });
  }

  buildExplorerIfStale();

  log(`indexing chain ${deployment.chainId} from ${rpcUrl} into ${env.DATABASE_URL ? "PostgreSQL" : `PGlite (${pgliteDir})`}, schema "${schema}"…`);
  const ponder = spawnPonder({
    command: "start", port, schema, stdio: "inherit", logLevel: (env.LOG_LEVEL as "warn") ?? "warn",
    env: { RPC_URL: rpcUrl, CHAIN_ID: String(deployment.chainId), DEPLOYMENT_FILE: deploymentFile, PGLITE_DIR: pgliteDir },
  });
  trackProcessGroup(ponder.process.pid);
  onShutdown(() => ponder.stop());
  ponder.process.once("exit", (code) => {
    if (!isShuttingDown()) {
      console.error(`[start] the indexer stopped unexpectedly (exit code ${code}); see its output above`);
      void shutdown(code ?? 1);
    }
  });

  const client = createPublicClient({ transport: http(rpcUrl) });
  const progress = setInterval(async () => {
    const [indexed, head] = await Promise.all([indexedBlock(ponder.url), client.getBlockNumber().catch(() => null)]);
    if (indexed !== null && head !== null) log(`indexing… block ${indexed} of ${head} (${Math.floor((indexed / Number(head)) * 100)} %)`);
    else log("indexing… (starting)");
  }, 3000);
  try {
    await ponder.waitReady(24 * 3600_000);
    // /ready means the backfill is over; the last (unfinalized) blocks are still caught up in
    // realtime mode. Ready for people means: indexed up to the head we saw.
    const head = Number(await client.getBlockNumber());
    while (((await indexedBlock(ponder.url)) ?? -1) < head) await new Promise((r) => setTimeout(r, 250));
  } finally {
    clearInterval(progress);
  }

  if (devnet) {
    const { startLiveActivity } = await import("../sim/index.js");
    const live = await startLiveActivity({ rpcUrl, deployment, seed: Number(env.SEED ?? 1) + 1, perMinute: Number(env.LIVE_PER_MINUTE ?? 6) });
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
