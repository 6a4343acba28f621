/**
 * A private PostgreSQL cluster for the chaos campaign: initdb in a temp directory, its own port and
 * socket directory, so it can be stopped and started (even killed) without touching any other
 * server on the machine. Run as the postgres system user when we are root (initdb refuses root).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../chain/anvil.js";

export interface PgCluster {
  port: number;
  /** A connection string to database `db` of this cluster. */
  url(db: string): string;
  createDatabase(name: string): Promise<void>;
  /** Stops the server: "immediate" is the crash-like stop (no checkpoint, recovery at the next start). */
  stop(mode?: "immediate" | "fast"): void;
  start(): void;
  running(): boolean;
  destroy(): void;
}

function findBinary(name: string): string | null {
  for (const dir of ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/local/bin", "/usr/bin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Whether a private cluster can be made here (initdb and pg_ctl found, and a non-root user to run them). */
export function privateClusterAvailable(): boolean {
  if (!findBinary("initdb") || !findBinary("pg_ctl")) return false;
  if (process.getuid?.() !== 0) return true;
  return spawnSync("id", ["-u", "postgres"]).status === 0 && spawnSync("runuser", ["--help"]).status === 0;
}

export async function startPgCluster(): Promise<PgCluster> {
  const initdb = findBinary("initdb");
  const pgCtl = findBinary("pg_ctl");
  if (!initdb || !pgCtl) throw new Error("initdb/pg_ctl not found; install PostgreSQL server binaries");
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "wt-chaos-pg-"));
  chmodSync(dir, 0o755);
  if (root) {
    const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) => {
    const [cmd, full] = root ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
    const res = spawnSync(cmd, full as string[], { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${bin.split("/").pop()} ${args[0]} failed: ${(res.stderr || res.stdout).trim()}`);
  };
  const data = join(dir, "data");
  run(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=32MB`;
  let up = false;
  const cluster: PgCluster = {
    port,
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: cluster.url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
    start: () => {
      run(pgCtl, ["start", "-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60"]);
      up = true;
    },
    stop: (mode = "fast") => {
      run(pgCtl, ["stop", "-D", data, "-m", mode, "-w", "-t", "60"]);
      up = false;
    },
    running: () => up,
    destroy: () => {
      if (up) {
        try {
          cluster.stop("immediate");
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
