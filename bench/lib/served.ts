/**
 * The scenario's index on PostgreSQL, kept between invocations (schema bench_api of the chain's
 * benchmark database, resumed by Ponder when the app is unchanged, rebuilt when it is not), and
 * `ponder serve` over it: the API (and the explorer when EXPLORER_DIR is given) without an indexer.
 */
import { freePort } from "../../chain/anvil.js";
import { spawnPonder, type PonderHandle } from "../../runtime/ponder.js";
import { BENCH_CHAIN_ID, PONDER_FINALITY_BLOCKS, type BenchChain } from "./chain.js";
import { onCleanup } from "./cleanup.js";
import { dropSchema, indexOnce } from "./ponderRun.js";

export const API_SCHEMA = "bench_api";
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function ensureIndexed(chain: BenchChain, rpcUrl: string, head: bigint, dbUrl: string, log: (s: string) => void = console.log): Promise<void> {
  // Served reads add the facts above the rollups' watermark: wait until the rollups cover every finalized block (the one before
  // Ponder's finalized checkpoint's, which may end mid-block: api/totals/advance.ts), as a long-running indexer's do.
  const run = () => indexOnce({ db: { kind: "postgres", url: dbUrl }, schema: API_SCHEMA, rpcUrl, deploymentPath: chain.deploymentPath, head, waitForRollups: head - BigInt(PONDER_FINALITY_BLOCKS) - 1n });
  try {
    const r = await run();
    log(`# index ${API_SCHEMA} at the head after ${r.headSeconds.toFixed(1)} s (resumed when it existed), rollups caught up ${r.rollupCatchUpSeconds?.toFixed(1) ?? "?"} s later`);
  } catch (e) {
    if (!/previously used|different Ponder app|minor version/.test((e as Error).message)) throw e;
    log(`# schema ${API_SCHEMA} was indexed by another build of the app: dropping it and indexing again`);
    await dropSchema({ kind: "postgres", url: dbUrl }, API_SCHEMA);
    const r = await run();
    log(`# index ${API_SCHEMA} built in ${r.headSeconds.toFixed(1)} s, rollups caught up ${r.rollupCatchUpSeconds?.toFixed(1) ?? "?"} s later`);
  }
}

export async function serveIndex(chain: BenchChain, rpcUrl: string, dbUrl: string, env: Record<string, string> = {}, nodeArgs?: string[]): Promise<PonderHandle> {
  const port = await freePort();
  const handle = spawnPonder({
    command: "serve",
    nodeArgs,
    port,
    schema: API_SCHEMA,
    logLevel: "warn",
    env: { RPC_URL: rpcUrl, CHAIN_ID: String(BENCH_CHAIN_ID), DEPLOYMENT_FILE: chain.deploymentPath, DATABASE_URL: dbUrl, PGLITE_DIR: "", ...env },
  });
  onCleanup(() => handle.stop());
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (handle.process.exitCode !== null) throw new Error(`ponder serve exited:\n${handle.output().slice(-2000)}`);
    const ok = await fetch(`${handle.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return handle;
    if (Date.now() > deadline) throw new Error(`ponder serve did not answer within 120 s:\n${handle.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
