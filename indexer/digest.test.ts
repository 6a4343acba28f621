import { describe, expect, test } from "vitest";
import { getTableName } from "drizzle-orm";
import { checkpointBlockNumber, schemaTables, sourceFromEnv } from "./digest.js";

describe("digest", () => {
  test.each([
    // Ponder checkpoint: timestamp(10) chainId(16) blockNumber(16) txIndex(16) eventType(1) eventIndex(16)
    ["179529330700000000000313370000000000000013000000000000002550000000000000025", 13],
    ["000000000000000000000000010000000012345678000000000000000050000000000000000", 12345678],
  ])("reads the block number of checkpoint %s", (checkpoint, block) => {
    expect(checkpointBlockNumber(checkpoint)).toBe(block);
  });

  test("covers every table of the schema, in name order, and nothing of Ponder's own", () => {
    const names = schemaTables().map(getTableName);
    expect(names).toEqual([...names].sort());
    expect(names).toContain("inference");
    expect(names).toContain("rewardAccrual");
    expect(names.some((n) => n.startsWith("_"))).toBe(false);
  });

  test("reads PostgreSQL when DATABASE_URL is set, else the PGlite directory", () => {
    expect(sourceFromEnv({ DATABASE_URL: "postgresql://x/y", DATABASE_SCHEMA: "s" })).toEqual({ kind: "postgres", connectionString: "postgresql://x/y", schema: "s" });
    expect(sourceFromEnv({ PGLITE_DIR: "/tmp/p" })).toEqual({ kind: "pglite", directory: "/tmp/p", schema: "public" });
    expect(sourceFromEnv({}, "mine")).toEqual({ kind: "pglite", directory: ".ponder/pglite", schema: "mine" });
  });
});
