/**
 * The PostgreSQL restart watch on a private cluster (chaos/pgCluster.ts): a crash-like stop and a
 * start is one restart seen; a server that keeps running is none.
 */
import { describe, expect, test } from "vitest";
import { privateClusterAvailable, startPgCluster } from "../chaos/pgCluster.js";
import { watchPostgresRestarts } from "./pgRestartWatch.js";

const available = privateClusterAvailable();
if (!available && process.env.CI === "true") throw new Error("initdb and pg_ctl are needed under CI for the private PostgreSQL cluster");

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
};

describe.runIf(available)("PostgreSQL restart watch", () => {
  test("a crash and a start is one restart; a running server is none", async () => {
    const cluster = await startPgCluster();
    let seen = 0;
    const watch = watchPostgresRestarts(cluster.url("postgres"), () => void seen++, 200);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(seen).toBe(0);
      cluster.stop("immediate");
      await new Promise((r) => setTimeout(r, 1000));
      expect(seen).toBe(0); // down is not yet a restart
      cluster.start();
      await until(() => seen > 0, 10_000);
      expect(seen).toBe(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(seen).toBe(1);
    } finally {
      watch.stop();
      cluster.destroy();
    }
  });
});
