/**
 * `npm start` with RPC_URL behind the fault proxy at 10 % faults (429s, 5xx pages, -32603, slow and
 * cut-off answers, reset connections, a lagging head): it starts, indexes and serves exact figures;
 * the indexer SIGKILLed once it was ready is started again and serves the same figures. Behind the
 * same flaky endpoint a fatal error (a wrong CHAIN_ID, a deployment file of another chain) still
 * ends `npm start` at once with one line on stderr: the faults are retried, the mistake is not.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../chain/anvil.js";
import { startFaultProxy, type FaultProxy } from "../chain/faultProxy.js";
import { evenRates } from "../core/faults.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { AttributionEngineAbi } from "../abis/index.js";
import { driveEdgeScenario } from "../testkit/edgeScenario.js";
import { writeDeploymentFile } from "../testkit/indexer.js";
import { projectRoot } from "./ponder.js";
import { startNpmStart, type NpmStart } from "../testkit/npmStart.js";

/** Pids of the processes under `pid` whose command line mentions `needle` (Linux /proc). */
function descendants(pid: number, needle: string): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, "utf8").includes(needle)) out.push(c);
      } catch {}
      walk(c);
    }
  };
  walk(pid);
  return out;
}

describe("npm start with RPC_URL behind a flaky endpoint", () => {
  let chain: ProtocolChain;
  let proxy: FaultProxy;
  let deployment: ReturnType<typeof writeDeploymentFile>;
  let start: NpmStart;
  let base = "";
  const dir = mkdtempSync(join(tmpdir(), "start-chaos-"));


  beforeAll(async () => {
    chain = await startProtocolChain();
    await driveEdgeScenario(chain);
    deployment = writeDeploymentFile(chain.deployment);
    proxy = await startFaultProxy({ target: chain.anvil.rpcUrl, seed: 10, rates: evenRates(0.1), slowMs: [200, 1500] });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    start = startNpmStart({ RPC_URL: proxy.url, CHAIN_ID: "31337", DEPLOYMENT_FILE: deployment.path, PORT: String(port), PGLITE_DIR: join(dir, "pglite"), DATABASE_URL: "" });
    await start.waitFor(/is ready/);
  });

  afterAll(async () => {
    await start?.stop();
    await proxy?.close();
    deployment?.cleanup();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const figures = async () => {
    const res = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ network { inferences totalFees totalClaimed } }` }) });
    const body = (await res.json()) as { data?: { network: { inferences: number; totalFees: string; totalClaimed: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!.network;
  };
  const onChain = async () => ({
    inferences: Number(await chain.client.readContract({ address: chain.engine, abi: AttributionEngineAbi, functionName: "inferenceCount" })),
  });

  test("it started through the faults and serves the chain's figures", async () => {
    expect(proxy.counts().requests - proxy.counts().passed).toBeGreaterThan(0);
    // Ready means the backfill is done; the last blocks follow through the same faulty endpoint.
    const want = (await onChain()).inferences;
    await expect.poll(async () => (await figures()).inferences, { timeout: 90_000, interval: 500 }).toBe(want);
  });

  test("the indexer SIGKILLed after it was ready is started again, and serves the same figures", async () => {
    const before = await figures();
    const pids = descendants(start.child.pid!, "ponder/dist/esm/bin/ponder.js");
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, "SIGKILL");
    await start.waitFor(/the indexer was killed \(SIGKILL\); starting it again in 1 s/);
    // Ready again, and caught up with the chain again: the same figures.
    const deadline = Date.now() + 240_000;
    let now: Awaited<ReturnType<typeof figures>> | null = null;
    for (;;) {
      const ok = await fetch(`${base}/ready`).then((r) => r.status === 200).catch(() => false);
      now = ok ? await figures() : null;
      // All three figures: after the restart the last blocks are indexed again in order, so the
      // inference count can be back before a later claim is.
      if (now && JSON.stringify(now) === JSON.stringify(before)) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(now).toEqual(before);
    expect(start.child.exitCode).toBeNull();
  }, 300_000); // its own deadline is 240 s: the restart waits 25 s for the killed process's lock

  test.each([
    { name: "a wrong CHAIN_ID", env: { CHAIN_ID: "5" }, chainOfFile: 31337, line: /^error: CHAIN_ID is 5 but http:\/\/127\.0\.0\.1:\d+ is chain 31337; set CHAIN_ID=31337 or point RPC_URL at chain 5$/ },
    { name: "a deployment file of another chain", env: { CHAIN_ID: "" }, chainOfFile: 10, line: /^error: deployment file .*deployment-10\.json is for chain 10 but http:\/\/127\.0\.0\.1:\d+ is chain 31337; use the deployment file of this chain \(DEPLOYMENT_FILE\) or deploy with `npm run deploy`$/ },
  ])("behind the same 10 % faults, $name still ends npm start with one line", async ({ env, chainOfFile, line }) => {
    const file = join(dir, `deployment-${chainOfFile}.json`);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(deployment.path, "utf8")), chainId: chainOfFile }));
    const port = await freePort();
    const before = proxy.counts();
    // Its eth_chainId goes through the same faults (retried) before the mistake is found.
    const res = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
        cwd: projectRoot,
        env: { ...process.env, RPC_URL: proxy.url, DEPLOYMENT_FILE: file, PORT: String(port), PGLITE_DIR: join(dir, `pglite-${chainOfFile}`), DATABASE_URL: "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      c.stderr!.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => c.kill("SIGKILL"), 90_000);
      c.once("exit", (status) => (clearTimeout(timer), resolve({ status, stderr })));
    });
    expect(proxy.counts().requests).toBeGreaterThan(before.requests);
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  }, 120_000);
});
