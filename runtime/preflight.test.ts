import { createServer, type Server } from "node:net";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
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

const fakeSleep = (waits: number[]) => async (ms: number) => void waits.push(ms);

type Answer = (res: ServerResponse) => void;
const answers = {
  tooMany: (retryAfter: string): Answer => (res) => res.writeHead(429, { "retry-after": retryAfter }).end("Too Many Requests"),
  badGateway: (res: ServerResponse) => res.writeHead(502, { "content-type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>"),
  rpcError: (res: ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32603, message: "internal error" } })),
  truncated: (res: ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":1,"res'),
  dropped: (res: ServerResponse) => res.socket?.destroy(),
  notFound: (res: ServerResponse) => res.writeHead(404).end("not found"),
  unknownMethod: (res: ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32601, message: "method not found" } })),
  chain: (id: number): Answer => (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: `0x${id.toString(16)}` })),
};

/** An endpoint that gives the scripted answers in turn (the last one for ever); counts requests. */
async function scripted(script: Answer[]): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => script[Math.min(n++, script.length - 1)]!(res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests: () => n, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe("start-up rides out a flaky RPC", () => {
  const policy = { attempts: 6, baseMs: 10, maxMs: 2000 };

  test("429 with Retry-After, a 502 page, -32603, a cut-off body and a dropped connection, then the chain id", async () => {
    const rpc = await scripted([answers.tooMany("1"), answers.badGateway, answers.rpcError, answers.truncated, answers.dropped, answers.chain(31337)]);
    const waits: number[] = [];
    const retried: string[] = [];
    try {
      expect(await rpcChainId(rpc.url, { policy, sleep: fakeSleep(waits), onRetry: (f) => retried.push(f) })).toBe(31337);
      expect(rpc.requests()).toBe(6);
      expect(waits).toEqual([1000, 20, 40, 80, 160]); // Retry-After: 1 s, then the backoff
      expect(retried.slice(0, 4)).toEqual(["HTTP 429", "HTTP 502", "JSON-RPC error -32603: internal error", "HTTP 200 with a body that is not JSON"]);
    } finally {
      await rpc.close();
    }
  });

  test("an endpoint that keeps answering 429 fails after the last attempt, naming the endpoint and the last failure", async () => {
    const rpc = await scripted([answers.tooMany("0")]);
    try {
      await expect(rpcChainId(rpc.url, { policy, sleep: fakeSleep([]) })).rejects.toThrow(
        new RegExp(`^RPC_URL ${rpc.url.replace(/[.]/g, "\\.")} did not give its chain id after 6 attempts in [\\d.]+ s \\(last: HTTP 429\\); check the endpoint and its rate limit`),
      );
      expect(rpc.requests()).toBe(6);
    } finally {
      await rpc.close();
    }
  });

  test.each([
    ["404 Not Found", answers.notFound, "HTTP 404"],
    ["method not found", answers.unknownMethod, "JSON-RPC error -32601: method not found"],
  ])("%s fails at once: a retry cannot mend it", async (_name, answer, failure) => {
    const rpc = await scripted([answer, answers.chain(1)]);
    try {
      await expect(rpcChainId(rpc.url, { policy, sleep: fakeSleep([]) })).rejects.toThrow(`answered eth_chainId with ${failure} and no chain id; is it an Ethereum JSON-RPC endpoint?`);
      expect(rpc.requests()).toBe(1);
    } finally {
      await rpc.close();
    }
  });
});

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

  test("an unreachable RPC is tried again, then says so and what to do", async () => {
    const port = await freePort();
    const waits: number[] = [];
    await expect(rpcChainId(`http://127.0.0.1:${port}`, { policy: { attempts: 3, baseMs: 10, maxMs: 100 }, sleep: fakeSleep(waits) })).rejects.toThrow(
      /^RPC_URL http:\/\/127\.0\.0\.1:\d+ is unreachable after 3 attempts in [\d.]+ s \(ECONNREFUSED\); start the node or fix RPC_URL$/,
    );
    expect(waits).toEqual([10, 20]);
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
    const waits: number[] = [];
    await expect(checkPostgres(`postgresql://postgres:secret@127.0.0.1:${port}/test`, { policy: { attempts: 2, baseMs: 5, maxMs: 5 }, sleep: fakeSleep(waits) })).rejects.toThrow(
      /PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/test refused the connection 2 times \(connection refused\); start PostgreSQL or fix DATABASE_URL/,
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

  test.each([
    [{ PORT: "abc" }, 'error: PORT must be an integer from 1 to 65535, got "abc"'],
    [{ SCALE: "huge" }, 'error: SCALE must be one of tiny, small, medium, large, got "huge"'],
  ])("npm start with %o stops before starting anything, with one line naming the variable", (bad, line) => {
    const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: projectRoot,
      env: { ...process.env, RPC_URL: "", DATABASE_URL: "", ...bad },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.stderr.trim()).toBe(line);
    expect(res.status).toBe(1);
  });
});
