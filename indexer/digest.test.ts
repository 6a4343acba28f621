import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getTableName } from "drizzle-orm";
import { checkpointBlockNumber, schemaTables, sourceFromEnv } from "./digest.js";

const HERE = dirname(fileURLToPath(import.meta.url));

describe("digest", () => {
  test.each([
    // Ponder checkpoint: timestamp(10) chainId(16) blockNumber(16) txIndex(16) eventType(1) eventIndex(16)
    ["179529330700000000000313370000000000000013000000000000002550000000000000025", 13],
    ["000000000000000000000000010000000012345678000000000000000050000000000000000", 12345678],
  ])("reads the block number of checkpoint %s", (checkpoint, block) => {
    expect(checkpointBlockNumber(checkpoint)).toBe(block);
  });

  test("covers every table of the schema, in name order, and nothing of Ponder's own", () => {
    // Every onchainTable("name", ...) written in ponder.schema.ts, read from its text (not from the
    // module's exports, which is how schemaTables() finds them).
    const declared = [...readFileSync(join(HERE, "..", "ponder.schema.ts"), "utf8").matchAll(/onchainTable\(\s*"([^"]+)"/g)].map((m) => m[1]!);
    expect(declared.length).toBeGreaterThan(10);
    expect(schemaTables().map(getTableName)).toEqual([...declared].sort());
  });

  test("reads PostgreSQL when DATABASE_URL is set, else the PGlite directory", () => {
    expect(sourceFromEnv({ DATABASE_URL: "postgresql://x/y", DATABASE_SCHEMA: "s" })).toEqual({ kind: "postgres", connectionString: "postgresql://x/y", schema: "s" });
    expect(sourceFromEnv({ PGLITE_DIR: "/tmp/p" })).toEqual({ kind: "pglite", directory: "/tmp/p", schema: "public" });
    expect(sourceFromEnv({}, "mine")).toEqual({ kind: "pglite", directory: ".ponder/pglite", schema: "mine" });
  });
});
