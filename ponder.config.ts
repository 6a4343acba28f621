/**
 * Ponder config: chain from RPC_URL / CHAIN_ID, addresses and start blocks from the deployment file
 * (DEPLOYMENT_FILE, default the devnet's), PGlite by default or PostgreSQL when DATABASE_URL is set.
 * END_BLOCK stops indexing at that block (inclusive), for digests at a fixed height.
 *
 * No transaction receipts: SPLIT_MISMATCH is decided incrementally from the RewardAccrued events
 * themselves (see indexer/AttributionEngine.ts), so the sync fetches logs and blocks only.
 */
import { createConfig } from "ponder";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi } from "./abis/index.js";
import { readDeployment } from "./chain/deployment.js";
import { purgeForeignSyncData } from "./indexer/syncGuard.js";
import { envInt } from "./core/env.js";

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** An integer setting from 0, or `fallback` when unset; a bad value stops the config with its name. */
function intEnv(name: string, fallback: number | undefined): number | undefined {
  try {
    return fallback === undefined ? envInt(process.env, name, { min: 0 }) : envInt(process.env, name, { min: 0, fallback });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}; fix or unset ${name}`);
  }
}

const rpcUrl = process.env.RPC_URL || "http://127.0.0.1:8545";
const chainId = intEnv("CHAIN_ID", 31337)!;
const endBlock = intEnv("END_BLOCK", undefined);
const deploymentFile = process.env.DEPLOYMENT_FILE || ".devnet/deployment.json";

const read = readDeployment(deploymentFile);
if (!read.ok) fail(read.error);
const { deployment } = read;
if (deployment.chainId !== chainId) {
  fail(`deployment file ${deploymentFile} is for chain ${deployment.chainId} but CHAIN_ID is ${chainId}; set CHAIN_ID=${deployment.chainId} or use the deployment file of chain ${chainId} (DEPLOYMENT_FILE)`);
}

const isDevnet = chainId === 31337;
const pollingInterval = intEnv("POLLING_INTERVAL_MS", isDevnet ? 250 : 1000);

// A restarted devnet reuses chain id and block numbers: drop another chain's rows from ponder_sync
// (only when indexing, never from `ponder serve`, which must not touch a running indexer's data).
const indexing = process.argv.some((a) => a === "start" || a === "dev");
if (isDevnet && indexing && process.env.DATABASE_URL) {
  if (await purgeForeignSyncData({ connectionString: process.env.DATABASE_URL, chainId, rpcUrl })) {
    console.warn(`note: removed ponder_sync data of an earlier chain ${chainId} (the devnet was restarted)`);
  }
}

const contract = <abi>(abi: abi, name: keyof typeof deployment.contracts) => ({
  abi,
  chain: "chain" as const,
  address: deployment.contracts[name].address,
  startBlock: deployment.contracts[name].startBlock,
  ...(endBlock !== undefined ? { endBlock } : {}),
});

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PGLITE_DIR || ".ponder/pglite" },
  chains: {
    chain: {
      id: chainId,
      rpc: rpcUrl,
      pollingInterval,
      // A local devnet is rewritten at will (anvil_reorg, restarts): never cache its RPC results.
      disableCache: isDevnet,
    },
  },
  contracts: {
    DatanetRegistry: contract(DatanetRegistryAbi, "DatanetRegistry"),
    ModelRegistry: contract(ModelRegistryAbi, "ModelRegistry"),
    AttributionEngine: contract(AttributionEngineAbi, "AttributionEngine"),
  },
});
