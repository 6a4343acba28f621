/**
 * Runs `ponder start` (indexer + API) or `ponder serve` (API replica) as a child process in its
 * own process group, so stopping it stops everything it spawned.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const ponderBin = fileURLToPath(new URL("../node_modules/ponder/dist/esm/bin/ponder.js", import.meta.url));

export interface PonderOptions {
  command: "start" | "serve";
  port: number;
  /** DATABASE_SCHEMA: required by `ponder start` and `ponder serve`. */
  schema: string;
  env?: Record<string, string | undefined>;
  logLevel?: "error" | "warn" | "info" | "debug";
  /** Where ponder's output goes: inherited (the terminal) or collected for tests. */
  stdio?: "inherit" | "pipe";
  /** Another Ponder app's root (its ponder.config.ts, ponder.schema.ts, src/); default: this project. */
  root?: string;
  /** Options for node itself (e.g. --cpu-prof, which node refuses in NODE_OPTIONS). */
  nodeArgs?: string[];
}

export interface PonderHandle {
  url: string;
  /** Headers that open Ponder's operator routes (/status, /metrics) of this process (api/http/ponderServer.ts). */
  operatorHeaders: Record<string, string>;
  process: ChildProcess;
  /** Everything ponder printed, when stdio is "pipe". */
  output(): string;
  waitReady(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export class PonderExitedError extends Error {
  constructor(code: number | null, output: string) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    super(`ponder exited with code ${code} before it was ready${tail ? `:\n${tail}` : ""}`);
    this.name = "PonderExitedError";
  }
}

/**
 * Ponder's row cache cap (PONDER_CACHE_BYTES) when the user sets none, on PostgreSQL. Ponder's own
 * default is a fifth of V8's heap limit (~830 MiB here), and the handlers insert facts that no
 * handler reads back, so the cache grows with the chain: 2.9 GB of RSS at the medium scenario.
 * Capped, Ponder evicts first the tables it reads least (those facts) and inserts into them without
 * reading on PostgreSQL. On PGlite it is left alone: there every insert into an evicted table reads
 * the database first (Ponder 0.16's store checks the primary key), so the cap would cost time.
 */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

/** PONDER_CACHE_BYTES to add to a child's environment: none if the user chose one or the database is PGlite. */
export function cacheBytesDefault(env: Record<string, string | undefined>): Record<string, string> {
  if ((env.PONDER_CACHE_BYTES ?? "").trim() !== "") return {};
  if ((env.DATABASE_URL ?? "").trim() === "") return {};
  return { PONDER_CACHE_BYTES: String(DEFAULT_CACHE_BYTES) };
}

export function spawnPonder(opts: PonderOptions): PonderHandle {
  const args = [...(opts.nodeArgs ?? []), ponderBin, ...(opts.root ? ["--root", opts.root] : []), "--log-level", opts.logLevel ?? "warn", opts.command, "--schema", opts.schema, "--port", String(opts.port), "--hostname", "127.0.0.1"];
  // /status and /metrics answer only with the operator token: the operator's, or one of our own.
  const token = opts.env?.API_OPERATOR_TOKEN || process.env.API_OPERATOR_TOKEN || randomBytes(24).toString("base64url");
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: (() => {
      const env = { ...process.env, PONDER_TELEMETRY_DISABLED: "true", DATABASE_SCHEMA: opts.schema, ...opts.env, API_OPERATOR_TOKEN: token };
      return { ...env, ...cacheBytesDefault(env) };
    })(),
    stdio: ["ignore", opts.stdio ?? "pipe", opts.stdio ?? "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${opts.port}`;

  const waitReady = async (timeoutMs = 300_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new PonderExitedError(child.exitCode, output);
      try {
        const res = await fetch(`${url}/ready`);
        if (res.status === 200) return;
      } catch {}
      if (Date.now() > deadline) throw new Error(`ponder at ${url} not ready after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try { process.kill(-child.pid!, signal); } catch {}
    const timer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch {} }, 10_000);
    await exited;
    clearTimeout(timer);
  };

  return { url, operatorHeaders: { authorization: `Bearer ${token}` }, process: child, output: () => output, waitReady, stop };
}

/** Where a Ponder process serves, and the headers its operator routes need. */
export type PonderEndpoint = Pick<PonderHandle, "url" | "operatorHeaders">;

/** The latest block ponder has indexed per chain, from its /status endpoint (null if not yet known). */
export async function indexedBlock(ponder: PonderEndpoint): Promise<number | null> {
  try {
    const res = await fetch(`${ponder.url}/status`, { headers: ponder.operatorHeaders });
    if (!res.ok) return null;
    const status = (await res.json()) as Record<string, { block?: { number?: number } | null }>;
    const blocks = Object.values(status).map((s) => s.block?.number).filter((n): n is number => typeof n === "number");
    return blocks.length ? Math.min(...blocks) : null;
  } catch {
    return null;
  }
}
