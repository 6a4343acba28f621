/** The API Ponder serves (re-exported by src/api/index.ts). Everything is built in api/app.ts. */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { graphql } from "ponder";
import { createApp } from "./app.js";

// Ponder's own middleware, mounted privately and stitched into our /graphql (api/graphql/index.ts).
// Its limits are generous because every request reaching it has passed ours (api/LIMITS.md).
const ponderGraphql = graphql({ db, schema }, { maxOperationTokens: 100_000, maxOperationDepth: 1_000, maxOperationAliases: 1_000 });

export default createApp({ db, tables: schema, ponderGraphql });
