/**
 * Start-up checks that turn the usual failures into one clear line each, with what to do:
 * an unreachable RPC, a wrong chain id, a deployment file for another chain, a port in use,
 * PostgreSQL refusing the connection.
 */
import { createServer } from "node:net";
import pg from "pg";
import type { Deployment } from "../chain/deployment.js";

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

export async function rpcChainId(rpcUrl: string, timeoutMs = 5000): Promise<number> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new StartupError(`RPC_URL ${rpcUrl} is unreachable (${(e as Error).cause ? String((e as Error & { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}); start the node or fix RPC_URL`);
  }
  const body = (await res.json().catch(() => null)) as { result?: string } | null;
  if (!res.ok || typeof body?.result !== "string") {
    throw new StartupError(`RPC_URL ${rpcUrl} answered eth_chainId with HTTP ${res.status} and no chain id; is it an Ethereum JSON-RPC endpoint?`);
  }
  return Number(BigInt(body.result));
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

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === "ECONNREFUSED" ? "connection refused" : err.message;
    throw new StartupError(`PostgreSQL at ${redactUrl(databaseUrl)} refused the connection (${reason}); start PostgreSQL or fix DATABASE_URL, or unset DATABASE_URL to use the embedded PGlite database`);
  } finally {
    await client.end().catch(() => {});
  }
}
