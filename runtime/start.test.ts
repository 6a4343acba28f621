/**
 * The newcomer path: `npm start` brings up devnet, scenario, indexer, API and explorer on one port,
 * keeps live activity coming, and Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
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

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe("npm start", () => {
  let child: ChildProcess;
  let output = "";
  let port: number;
  let devnetPort: number;
  const pgliteDir = mkdtempSync(join(tmpdir(), "start-pglite-"));
  let exit: Promise<number | null>;

  beforeAll(async () => {
    port = await freePort();
    devnetPort = await freePort();
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: projectRoot,
      env: { ...process.env, SCALE: "tiny", PORT: String(port), DEVNET_PORT: String(devnetPort), PGLITE_DIR: pgliteDir, LIVE_PER_MINUTE: "60", RPC_URL: "", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    exit = new Promise((r) => child.once("exit", (code) => r(code)));
    const deadline = Date.now() + 300_000;
    while (!output.includes("is ready")) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start not ready in 300 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      try { process.kill(-child.pid!, "SIGKILL"); } catch {}
    }
    rmSync(pgliteDir, { recursive: true, force: true });
  });

  test("prints the explorer's URL and what to try first", () => {
    expect(output).toContain(`Explorer   http://127.0.0.1:${port}/`);
    expect(output).toContain(`GraphQL    http://127.0.0.1:${port}/graphql`);
    expect(output).toMatch(/Try first:/);
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
    process.kill(-child.pid!, "SIGINT");
    const code = await Promise.race([exit, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 45_000))]);
    expect(code).toBe(0);
    await expect(checkPortFree(port)).resolves.toBeUndefined();
    await expect(checkPortFree(devnetPort)).resolves.toBeUndefined();
    // Nothing it spawned survives: its process group is empty.
    let groupAlive = true;
    try { process.kill(-child.pid!, 0); } catch { groupAlive = false; }
    expect(groupAlive).toBe(false);
  });
});
