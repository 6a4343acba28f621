/**
 * The newcomer path: `npm start` brings up devnet, scenario, indexer, API and explorer on one port,
 * keeps live activity coming, and Ctrl-C stops everything it started.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, http } from "viem";
import { freePort } from "../chain/anvil.js";
import { readDeployment } from "../chain/deployment.js";
import { AttributionEngineAbi } from "../abis/index.js";
import { checkPortFree } from "./preflight.js";
import { projectRoot } from "./ponder.js";
import { startNpmStart, type NpmStart } from "../testkit/npmStart.js";

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe("npm start", () => {
  let start: NpmStart;
  let port: number;
  let devnetPort: number;
  const pgliteDir = mkdtempSync(join(tmpdir(), "start-pglite-"));

  beforeAll(async () => {
    port = await freePort();
    devnetPort = await freePort();
    start = startNpmStart({ SCALE: "tiny", PORT: String(port), DEVNET_PORT: String(devnetPort), PGLITE_DIR: pgliteDir, LIVE_PER_MINUTE: "60", RPC_URL: "", DATABASE_URL: "" });
    await start.waitFor(/is ready/, 300_000);
  });

  afterAll(async () => {
    start?.signal("SIGKILL");
    rmSync(pgliteDir, { recursive: true, force: true });
  });

  test("prints the explorer's URL and what to try first", () => {
    expect(start.output()).toContain(`Explorer   http://127.0.0.1:${port}/`);
    expect(start.output()).toContain(`GraphQL    http://127.0.0.1:${port}/graphql`);
    expect(start.output()).toMatch(/Try first:/);
  });

  test("serves the explorer and the API on one port, with the chain's numbers", async () => {
    const base = `http://127.0.0.1:${port}`;
    const page = await fetch(`${base}/model/1`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const { network, topEarners } = await gql<{ network: { inferences: number }; topEarners: { address: `0x${string}`; claimable: string }[] }>(
      base, `{ network { inferences } topEarners(limit: 3) { address claimable } }`,
    );
    const manifest = JSON.parse(readFileSync(join(projectRoot, ".devnet", "manifest.json"), "utf8")) as { inferences: number };
    expect(manifest.inferences).toBeGreaterThan(0);
    expect(network.inferences).toBeGreaterThanOrEqual(manifest.inferences);
    const parsed = readDeployment(join(projectRoot, ".devnet", "deployment.json"));
    if (!parsed.ok) throw new Error(parsed.error);
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${devnetPort}`) });
    for (const e of topEarners) {
      const onChain = await client.readContract({ address: parsed.deployment.contracts.AttributionEngine.address, abi: AttributionEngineAbi, functionName: "claimable", args: [e.address] });
      // Live activity may credit more between the two reads, never less.
      expect(onChain >= BigInt(e.claimable)).toBe(true);
    }
  });

  test("keeps live activity coming", async () => {
    const base = `http://127.0.0.1:${port}`;
    const before = (await gql<{ network: { inferences: number } }>(base, `{ network { inferences } }`)).network.inferences;
    const deadline = Date.now() + 60_000;
    let now = before;
    while (now <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      now = (await gql<{ network: { inferences: number } }>(base, `{ network { inferences } }`)).network.inferences;
    }
    expect(now).toBeGreaterThan(before);
  });

  test("Ctrl-C stops everything it started", async () => {
    start.signal("SIGINT");
    const code = await Promise.race([start.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 45_000))]);
    expect(code).toBe(0);
    await expect(checkPortFree(port)).resolves.toBeUndefined();
    await expect(checkPortFree(devnetPort)).resolves.toBeUndefined();
    // Nothing it spawned survives: its process group is empty.
    expect(start.signal(0)).toBe(false);
  });
});
