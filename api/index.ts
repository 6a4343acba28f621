/** The API Ponder serves (re-exported by src/api/index.ts). Everything is built in api/app.ts. */
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { graphql } from "ponder";
import { createApp } from "./app.js";
import { guardPonderServer } from "./http/ponderServer.js";
import { gatePonderDatabase } from "./graphql/dbGate.js";
import { setBlockSource, type BlockSource } from "./graphql/resolvers/block.js";
import { startAdvancerInPonder } from "./totals/advance.js";
import { readDeployment } from "../chain/deployment.js";

// Before Ponder creates its HTTP server: operator-only /metrics and /status, security headers on
// Ponder's own routes, a JSON 431 (api/http/ponderServer.ts).
guardPonderServer();
// Expensive requests' reads through a small gate, every request's reads bounded by its deadline.
gatePonderDatabase();
// Rollups of the finalized blocks, advanced by the indexing process (api/totals/advance.ts).
startAdvancerInPonder();
// block: { hash } arguments are checked against the chain (api/graphql/resolvers/block.ts).
setBlockSource((Object.values(publicClients)[0] as BlockSource | undefined) ?? null);

// Ponder's own middleware, mounted privately and stitched into our /graphql (api/graphql/index.ts).
// Its limits are generous because every request reaching it has passed ours (api/LIMITS.md).
const ponderGraphql = graphql({ db, schema }, { maxOperationTokens: 100_000, maxOperationDepth: 1_000, maxOperationAliases: 1_000 });

// Chain id and contract addresses for receipts: the deployment file ponder.config.ts read.
const deployment = readDeployment(process.env.DEPLOYMENT_FILE || ".devnet/deployment.json");
const chain = deployment.ok
  ? {
      chainId: deployment.deployment.chainId,
      contracts: {
        DatanetRegistry: deployment.deployment.contracts.DatanetRegistry.address,
        ModelRegistry: deployment.deployment.contracts.ModelRegistry.address,
        AttributionEngine: deployment.deployment.contracts.AttributionEngine.address,
      },
    }
  : undefined;

export default createApp({ db, tables: schema, ponderGraphql, chain });
