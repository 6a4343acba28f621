/**
 * Starts the anvil binary shipped by the npm package @foundry-rs/anvil on a free port and stops it
 * with its process group, so no anvil outlives the process that started it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createServer } from "node:net";

const require = createRequire(import.meta.url);

/** Anvil's well-known first dev account: public test key, never use on a real chain. */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
] as const;

export function anvilBinary(): string {
  const pkgDir = dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json"));
  for (const candidate of [join(pkgDir, "bin", "anvil"), join(pkgDir, "anvil")]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("anvil binary not found in @foundry-rs/anvil-linux-amd64; run `npm install`");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

export interface AnvilHandle {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM to its process group, SIGKILL after `graceMs` (anvil writes --dump-state on exit). */
  stop(graceMs?: number): Promise<void>;
}

export interface StartAnvilOptions {
  port?: number;
  args?: string[];
  accounts?: number;
  /** How long to wait for its RPC to answer (loading a big --load-state takes a while). */
  readyMs?: number;
  /** Called with `stop` as soon as anvil is spawned, before it answers: to stop it if we are interrupted meanwhile. */
  onSpawn?(stop: (graceMs?: number) => Promise<void>): void;
}

export async function startAnvil(opts: StartAnvilOptions = {}): Promise<AnvilHandle> {
  const port = opts.port ?? (await freePort());
  const args = ["--port", String(port), "--host", "127.0.0.1", "--accounts", String(opts.accounts ?? 10), "--silent", ...(opts.args ?? [])];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 3000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try { process.kill(-child.pid!, "SIGTERM"); } catch {}
    const timer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch {} }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  opts.onSpawn?.(stop);
  const readyMs = opts.readyMs ?? 15_000;
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${rpcUrl} within ${readyMs / 1000} s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { rpcUrl, port, process: child, stop };
}

/**
 * Blocks a chain must grow past a block before Ponder treats it as final (30 for chain 31337 and
 * chains it does not know), with two more for margin: mined after a simulated scenario, they settle
 * it, as a live chain does while an indexer catches up, so its facts are final (api/totals/ rolls
 * them up) instead of waiting for live activity to mine 30 more blocks.
 */
export const SETTLE_BLOCKS = 32;

/** Mines `count` empty blocks on an anvil (anvil_mine). */
export async function mineEmptyBlocks(rpcUrl: string, count: number): Promise<void> {
  const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_mine", params: [`0x${count.toString(16)}`] }) });
  const body = (await res.json()) as { error?: { message?: string } };
  if (body.error) throw new Error(`anvil_mine failed: ${body.error.message ?? JSON.stringify(body.error)}`);
}
