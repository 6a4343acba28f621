/**
 * The Hono app Ponder serves (src/api/index.ts re-exports api/index.ts, which builds this): one
 * /graphql, the CSV download, payout receipts, the built explorer with SPA fallback, security headers, body limits
 * and ONE onError. Ponder itself adds /health, /ready, /status and /metrics in front.
 */
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Db, Tables } from "./graphql/context.js";
import { LIMITS, answerCache, graphqlHandler, lazyGateway, ponderExecutor, publishedSchemaText } from "./graphql/index.js";
import { answerCacheBytes, executionLimits, streamSettings } from "./graphql/limits.js";
import { DEFAULT_STREAM_OPTIONS, FactStream } from "./stream/facts.js";
import { graphqlOverSse } from "./stream/sse.js";
import { ponderTableInfos } from "./graphql/ponderArgs.js";
import { earningsCsvResponse } from "./http/earningsCsv.js";
import { compress } from "./http/compress.js";
import { ApiError, onError } from "./http/errors.js";
import { securityHeaders } from "./http/headers.js";
import { isApiPath, serveExplorer } from "./http/static.js";
import { receiptHandler, type ChainInfo } from "./receipt.js";

export const DEFAULT_EXPLORER_DIR = fileURLToPath(new URL("../explorer-ui/dist", import.meta.url));

export interface AppDeps {
  db: Db;
  tables: Tables;
  /** Ponder's graphql() middleware; without it /graphql serves only our fields (unit tests). */
  ponderGraphql?: MiddlewareHandler;
  explorerDir?: string;
  /** Chain id and contract addresses (the deployment file): receipts cite them. */
  chain?: ChainInfo;
}

/** Rejects request bodies over the limit before they are read (413, JSON). */
const limitBody = bodyLimit({
  maxSize: LIMITS.maxBodyBytes,
  onError: () => {
    throw new HTTPException(413, { message: "request body too large" });
  },
});

export function createApp(deps: AppDeps) {
  // Read once: a bad API_QUERY_* / API_EXPENSIVE_* value stops start-up instead of failing requests.
  const limits = executionLimits();
  const gateway = lazyGateway(deps.ponderGraphql ? ponderExecutor(deps.ponderGraphql) : undefined, {
    ponderTables: ponderTableInfos(deps.tables as unknown as Record<string, unknown>),
    budgetMs: limits.queryBudgetMs,
  });
  // Build the stitched schema now (introspecting Ponder's in process), not on the first request.
  if (deps.ponderGraphql) setTimeout(() => gateway().catch((err) => console.error(`[api] building the GraphQL schema failed (retried on the next request): ${err?.message ?? err}`)), 0);
  const explorerDir = deps.explorerDir ?? process.env.EXPLORER_DIR ?? DEFAULT_EXPLORER_DIR;
  const app = new Hono();

  app.use("*", securityHeaders);
  app.use("*", compress());
  app.use("/graphql", limitBody);
  // Subscriptions (Accept: text/event-stream), all fed by one poller of the facts tables.
  const stream = streamSettings();
  const facts = new FactStream(deps.db, deps.tables, { ...DEFAULT_STREAM_OPTIONS, pollMs: stream.pollMs, depth: stream.reorgDepth });
  app.on(["GET", "POST"], "/graphql", graphqlOverSse({ db: deps.db, t: deps.tables, gateway, stream: facts, limits: stream }));
  app.on(["GET", "POST"], "/graphql", graphqlHandler({ db: deps.db, t: deps.tables, gateway, answers: answerCache(answerCacheBytes()), limits }));
  app.all("/graphql", () => {
    throw new ApiError(405, "use GET ?query=... or POST JSON on /graphql");
  });
  /** The published schema (what schema.graphql holds), for tooling. */
  app.get("/graphql/schema.graphql", async (c) => c.text(publishedSchemaText(await gateway())));
  app.get("/api/accounts/:address/earnings.csv", (c) => earningsCsvResponse(deps.db, deps.tables, c.req.param("address"), { fromBlock: c.req.query("fromBlock"), toBlock: c.req.query("toBlock") }));
  /** The payout receipt of an inference, for `openledger-explorer verify` (api/receipt.ts). */
  app.get("/api/receipts/inferences/:file", receiptHandler({ db: deps.db, tables: deps.tables, chain: deps.chain, timeoutMs: limits.requestTimeoutMs }));
  app.use("*", serveExplorer(explorerDir));
  app.all("*", (c) => {
    if (isApiPath(c.req.path)) throw new ApiError(404, `no such endpoint: ${c.req.method} ${c.req.path}`);
    if (!existsSync(join(explorerDir, "index.html"))) {
      return c.text("The explorer is not built: run `npm run build:ui`. The API is at /graphql.", 404);
    }
    throw new ApiError(404, "not found");
  });
  app.onError(onError);
  return app;
}
