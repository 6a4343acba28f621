/**
 * Start-up checks that turn the usual failures into one clear line each, with what to do:
 * an unreachable RPC, a wrong chain id, a deployment file for another chain, a port in use,
 * PostgreSQL refusing the connection.
 */
import { createServer } from "node:net";
import pg from "pg";
import type { Deployment } from "../chain/deployment.js";
import { describeOutcome, isTransient, parseRetryAfter, retryDelayMs, STARTUP_RETRY, type RetryPolicy, type RpcOutcome } from "../core/retry.js";

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

export interface RetryOptions {
  policy?: RetryPolicy;
  /** Per attempt. */
  timeoutMs?: number;
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** Told of each failed attempt that will be retried. */
  onRetry?: (failure: string, waitMs: number, attempt: number) => void;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function networkMessage(e: unknown): string {
  const err = e as Error & { cause?: { message?: string; code?: string } };
  if (err.name === "TimeoutError") return "timed out";
  return err.cause ? String(err.cause.code ?? err.cause.message ?? err.cause) : err.message;
}

/** One eth_chainId request: the chain id, or what went wrong (never throws). */
export async function chainIdAttempt(rpcUrl: string, timeoutMs: number): Promise<{ outcome: RpcOutcome; chainId?: number }> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    return { outcome: { kind: "network", message: networkMessage(e) } };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    return { outcome: { kind: "network", message: networkMessage(e) } };
  }
  if (!res.ok) return { outcome: { kind: "http", status: res.status, retryAfter: res.headers.get("retry-after") } };
  let body: { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { outcome: { kind: "unparsable", status: res.status } };
  }
  if (body?.error && typeof body.error === "object") {
    const code = typeof body.error.code === "number" ? body.error.code : 0;
    return { outcome: { kind: "rpc-error", code, message: String(body.error.message ?? "") } };
  }
  if (typeof body?.result !== "string" || !/^0x[0-9a-fA-F]+$/.test(body.result)) return { outcome: { kind: "no-result" } };
  return { outcome: { kind: "ok" }, chainId: Number(BigInt(body.result)) };
}

/**
 * The chain id of the node at `rpcUrl`, asked again with backoff while it answers with something a
 * retry can mend (429, 5xx, a JSON-RPC server error, a cut-off body, a dropped connection).
 */
export async function rpcChainId(rpcUrl: string, opts: RetryOptions = {}): Promise<number> {
  const policy = opts.policy ?? STARTUP_RETRY;
  const sleep = opts.sleep ?? sleepMs;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const { outcome, chainId } = await chainIdAttempt(rpcUrl, opts.timeoutMs ?? 5000);
    if (chainId !== undefined) return chainId;
    const failure = describeOutcome(outcome);
    const retryAfter = outcome.kind === "http" ? parseRetryAfter(outcome.retryAfter, Date.now()) : null;
    const wait = isTransient(outcome) ? retryDelayMs(attempt, policy, retryAfter) : null;
    if (wait === null) {
      const tries = attempt === 1 ? "" : ` after ${attempt} attempts in ${((Date.now() - started) / 1000).toFixed(1)} s`;
      if (outcome.kind === "network") throw new StartupError(`RPC_URL ${rpcUrl} is unreachable${tries} (${failure}); start the node or fix RPC_URL`);
      if (isTransient(outcome)) throw new StartupError(`RPC_URL ${rpcUrl} did not give its chain id${tries} (last: ${failure}); check the endpoint and its rate limit, or use another RPC_URL`);
      throw new StartupError(`RPC_URL ${rpcUrl} answered eth_chainId with ${failure} and no chain id; is it an Ethereum JSON-RPC endpoint?`);
    }
    opts.onRetry?.(failure, wait, attempt);
    await sleep(wait);
  }
}

export function checkChainIds(args: { rpcUrl: string; rpcChainId: number; configuredChainId?: number; deployment: Deployment; deploymentFile: string }): void {
  const { rpcUrl, rpcChainId, configuredChainId, deployment, deploymentFile } = args;
  if (configuredChainId !== undefined && configuredChainId !== rpcChainId) {
    throw new StartupError(`CHAIN_ID is ${configuredChainId} but ${rpcUrl} is chain ${rpcChainId}; set CHAIN_ID=${rpcChainId} or point RPC_URL at chain ${configuredChainId}`);
  }
  if (deployment.chainId !== rpcChainId) {
    throw new StartupError(`deployment file ${deploymentFile} is for chain ${deployment.chainId} but ${rpcUrl} is chain ${rpcChainId}; use the deployment file of this chain (DEPLOYMENT_FILE) or deploy with \`npm run deploy\``);
  }
}

export async function checkPortFree(port: number, what = "PORT"): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) =>
      reject(new StartupError(e.code === "EADDRINUSE"
        ? `port ${port} is already in use; stop what is using it or set ${what} to another port`
        : `cannot listen on port ${port} (${e.code ?? e.message}); set ${what} to another port`)),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
  });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** PostgreSQL errors a retry can mend: the server is down, starting up or shutting down. */
const TRANSIENT_PG = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P03", "57P01", "53300"]);

export async function checkPostgres(databaseUrl: string, opts: RetryOptions = {}): Promise<void> {
  const policy = opts.policy ?? STARTUP_RETRY;
  const sleep = opts.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: opts.timeoutMs ?? 5000 });
    try {
      await client.connect();
      await client.query("select 1");
      return;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason = err.code === "ECONNREFUSED" ? "connection refused" : err.message;
      const transient = TRANSIENT_PG.has(err.code ?? "") || /timeout/i.test(err.message);
      const wait = transient ? retryDelayMs(attempt, policy) : null;
      if (wait === null) {
        const tries = attempt === 1 ? "" : ` ${attempt} times`;
        throw new StartupError(`PostgreSQL at ${redactUrl(databaseUrl)} refused the connection${tries} (${reason}); start PostgreSQL or fix DATABASE_URL, or unset DATABASE_URL to use the embedded PGlite database`);
      }
      opts.onRetry?.(reason, wait, attempt);
      await sleep(wait);
    } finally {
      await client.end().catch(() => {});
    }
  }
}
