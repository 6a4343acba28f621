/**
 * npm run digest -- [--block N] [--schema NAME] [--tables]
 * Prints the sha256 of the indexed tables (indexer/digest.ts) from DATABASE_URL + DATABASE_SCHEMA,
 * or from the PGlite directory (PGLITE_DIR, default .ponder/pglite) while the indexer is stopped.
 * --block N refuses unless the indexed checkpoint is at block N: to digest at a fixed height,
 * index with END_BLOCK=N (ponder stops syncing at N) and run the digest with --block N.
 */
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { computeDigest, DigestError, sourceFromEnv } from "../indexer/digest.js";

const USAGE = "usage: npm run digest -- [--block N] [--schema NAME] [--tables]";

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), ["tables"]);
  const block = flags["block"];
  if (block !== undefined && (typeof block !== "string" || !/^\d+$/.test(block))) throw new UsageError("--block needs a block number");
  const schemaFlag = flags["schema"];
  if (schemaFlag === true) throw new UsageError("--schema needs a name");
  const digest = await computeDigest(sourceFromEnv(process.env, schemaFlag));
  if (block !== undefined && digest.checkpointBlock !== Number(block)) {
    throw new DigestError(
      `the indexed checkpoint is at block ${digest.checkpointBlock ?? "none"}, not ${block}; index with END_BLOCK=${block} and wait until it is reached`,
    );
  }
  if (flags["tables"]) for (const t of digest.tables) console.log(`${t.sha256}  ${t.name} (${t.rows} rows)`);
  console.log(digest.sha256);
}, USAGE);
