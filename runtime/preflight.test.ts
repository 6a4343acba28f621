import { createServer, type Server } from "node:net";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort, startAnvil, type AnvilHandle } from "../chain/anvil.js";
import type { Deployment } from "../chain/deployment.js";
import { checkChainIds, checkPortFree, checkPostgres, rpcChainId, StartupError } from "./preflight.js";
import { projectRoot } from "./ponder.js";

const deployment = (chainId: number): Deployment => {
  const c = { address: "0x0000000000000000000000000000000000000001" as const, startBlock: 1 };
  return { chainId, contracts: { OpenToken: c, DatanetRegistry: c, ModelRegistry: c, AttributionEngine: c } };
};

describe("start-up failures are explained in one line", () => {
  let anvil: AnvilHandle;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    anvil = await startAnvil({ args: ["--chain-id", "31337"] });
    busyPort = await freePort();
    busy = createServer();
    await new Promise<void>((r) => busy.listen(busyPort, "127.0.0.1", () => r()));
  });
  afterAll(async () => {
    await anvil?.stop();
    busy?.close();
  });

  test("an unreachable RPC says so and what to do", async () => {
    const port = await freePort();
    await expect(rpcChainId(`http://127.0.0.1:${port}`)).rejects.toThrow(/RPC_URL http:\/\/127\.0\.0\.1:\d+ is unreachable .*start the node or fix RPC_URL/);
  });

  test("reads the chain id of a live node", async () => {
    expect(await rpcChainId(anvil.rpcUrl)).toBe(31337);
  });

  test.each([
    { name: "a wrong CHAIN_ID", configured: 1, file: 31337, message: /CHAIN_ID is 1 but .* is chain 31337; set CHAIN_ID=31337/ },
    { name: "a deployment file for another chain", configured: undefined, file: 10, message: /is for chain 10 but .* is chain 31337; use the deployment file of this chain/ },
  ])("$name", ({ configured, file, message }) => {
    const check = () => checkChainIds({ rpcUrl: anvil.rpcUrl, rpcChainId: 31337, configuredChainId: configured, deployment: deployment(file), deploymentFile: "d.json" });
    expect(check).toThrow(StartupError);
    expect(check).toThrow(message);
  });

  test("matching chain ids pass", () => {
    expect(() => checkChainIds({ rpcUrl: anvil.rpcUrl, rpcChainId: 31337, configuredChainId: 31337, deployment: deployment(31337), deploymentFile: "d.json" })).not.toThrow();
  });

  test("a port in use", async () => {
    await expect(checkPortFree(busyPort)).rejects.toThrow(`port ${busyPort} is already in use; stop what is using it or set PORT to another port`);
    await expect(checkPortFree(await freePort())).resolves.toBeUndefined();
  });

  test("PostgreSQL refusing the connection", async () => {
    const port = await freePort();
    await expect(checkPostgres(`postgresql://postgres:secret@127.0.0.1:${port}/test`)).rejects.toThrow(
      /PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/test refused the connection \(connection refused\); start PostgreSQL or fix DATABASE_URL/,
    );
  });

  test("npm start exits with one clear line for a deployment file of another chain", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-"));
    const file = join(dir, "deployment.json");
    writeFileSync(file, JSON.stringify(deployment(5)));
    const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: projectRoot,
      env: { ...process.env, RPC_URL: anvil.rpcUrl, DEPLOYMENT_FILE: file, PORT: String(busyPort + 1) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toMatch(/^error: deployment file .* is for chain 5 but http:\/\/127\.0\.0\.1:\d+ is chain 31337; use the deployment file of this chain/);
  });

  test("npm start exits with one clear line for a malformed deployment file", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-"));
    const file = join(dir, "deployment.json");
    writeFileSync(file, "{ not json");
    const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: projectRoot,
      env: { ...process.env, RPC_URL: anvil.rpcUrl, DEPLOYMENT_FILE: file },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toMatch(/^error: deployment file .* is not valid JSON .*regenerate it with `npm run deploy`$/);
  });
});
