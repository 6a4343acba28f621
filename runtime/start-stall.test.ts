/**
 * The stall watchdog of `npm start` (runtime/stallWatch.ts): the indexer alive and ready, but its
 * RPC_URL hangs on every eth_getLogs (a hung upstream: the fault proxy holds those requests and
 * never answers), while the chain goes on. After STALL_RESTART_S without progress `npm start` says
 * so in one line and starts the indexer again with the crash backoff; the endpoint answering
 * again, the new indexer catches up and serves the chain's exact figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AttributionEngineAbi } from "../abis/index.js";
import { freePort } from "../chain/anvil.js";
import { startFaultProxy, type FaultProxy } from "../chain/faultProxy.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { driveEdgeScenario, driveMoreActivity } from "../testkit/edgeScenario.js";
import { writeDeploymentFile } from "../testkit/indexer.js";
import { startNpmStart, type NpmStart } from "../testkit/npmStart.js";

describe("npm start restarts an indexer that stalls", () => {
  let chain: ProtocolChain;
  let proxy: FaultProxy;
  let deployment: ReturnType<typeof writeDeploymentFile>;
  let start: NpmStart;
  let base = "";
  const dir = mkdtempSync(join(tmpdir(), "start-stall-"));

  beforeAll(async () => {
    chain = await startProtocolChain();
    await driveEdgeScenario(chain);
    deployment = writeDeploymentFile(chain.deployment);
    proxy = await startFaultProxy({ target: chain.anvil.rpcUrl, seed: 4, rates: {} });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    start = startNpmStart({ RPC_URL: proxy.url, CHAIN_ID: "31337", DEPLOYMENT_FILE: deployment.path, PORT: String(port), PGLITE_DIR: join(dir, "pglite"), DATABASE_URL: "", STALL_RESTART_S: "10" });
    await start.waitFor(/is ready/, 600_000);
  }, 660_000);

  afterAll(async () => {
    await start?.stop();
    await proxy?.close();
    deployment?.cleanup();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gql = async <T>(query: string): Promise<T> => {
    const res = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!;
  };
  /** What the API serves and what the chain says: the number of inferences and each account's claimable. */
  const served = async () => {
    const { network } = await gql<{ network: { inferences: number } }>(`query StallInferences { network { inferences } }`);
    const claimable: string[] = [];
    for (const a of chain.accounts.slice(0, 6)) claimable.push((await gql<{ account: { claimable: string } | null }>(`query StallClaimable { account(address: "${a}") { claimable } }`)).account?.claimable ?? "0");
    return { inferences: network.inferences, claimable };
  };
  const onChain = async () => {
    const inferences = Number(await chain.client.readContract({ address: chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" }));
    const claimable: string[] = [];
    for (const a of chain.accounts.slice(0, 6)) claimable.push(String(await chain.client.readContract({ address: chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [a] })));
    return { inferences, claimable };
  };

  test("stalled behind the head for STALL_RESTART_S, the indexer is restarted in one line, catches up and serves exact figures", async () => {
    await expect.poll(served, { timeout: 90_000, interval: 500 }).toEqual(await onChain());
    // A quiet chain, caught up: no stall however long it stays so.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(start.output()).not.toMatch(/stalled/);

    proxy.hold(["eth_getLogs"]);
    await driveMoreActivity(chain, 700, 4);
    await start.waitFor(/\[start\] the indexer has not advanced past block \d+ for \d+ s while the chain head went on to \d+ \(stalled\); starting it again in 1 s \(it resumes from its last checkpoint\)/, 180_000);
    expect(proxy.counts().held).toBeGreaterThan(0);
    proxy.hold(null);

    const want = await onChain();
    await expect.poll(served, { timeout: 240_000, interval: 1000 }).toEqual(want);
    expect(start.child.exitCode).toBeNull();
    expect(start.output().match(/\(stalled\)/g)).toHaveLength(1);
  }, 600_000);
});
