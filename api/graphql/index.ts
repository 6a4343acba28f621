/**
 * ONE /graphql endpoint serving Ponder's generated tables AND our fields in one schema.
 *
 * Architecture decision: stitching, with a short path.
 * - Ponder 0.16 builds its GraphQL schema inside its graphql() middleware and does not export the
 *   builder. We mount that middleware on a private in-process Hono app (never exposed), obtain its
 *   schema once by introspection, and stitch it (@graphql-tools/stitch) with our own executable
 *   schema (typeDefs.ts + resolvers/ over the read-only Drizzle `db`). Ponder fields are delegated
 *   through an executor that calls the private app with `app.request()`: no network, no port.
 * - Our root fields win on name collisions (account, inference, model, datanet, contribution,
 *   trainingRun): Ponder's same-named singular fields are filtered out; its plural list fields
 *   (accounts, inferences, attributions, ... with where/orderBy/limit/after) and _meta stay.
 *   Shared types (BigInt, PageInfo) are ours and wire-compatible; a Ponder table type named like
 *   one of our types would be renamed "<name>Row".
 * - Short path: a query whose root fields are all ours (the common case: earnings, inference,
 *   lineage, search) is validated against the stitched schema but executed directly on our
 *   schema, skipping delegation. Parsed+validated documents are cached by query text.
 * Why not the alternative (a schema of our own reproducing Ponder's list fields with filters,
 * ordering and cursors): it would duplicate a large generated surface and drift from Ponder on
 * every schema change; stitching keeps Ponder's fields exactly as Ponder serves them, and the cost
 * (one in-process delegation for queries that use them) is paid only by those queries.
 *
 * Limits (limits.ts, api/LIMITS.md) are enforced here, in front of both schemas; the private Ponder
 * endpoint gets generous limits because everything reaching it has passed ours.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { buildClientSchema, getIntrospectionQuery, graphqlSync, lexicographicSortSchema, printSchema, type DocumentNode, type IntrospectionQuery } from "graphql/index.js";
import { AnswerCache } from "./answerCache.js";
import { createLoaders, type ApiContext, type Db, type Tables } from "./context.js";
import { readDataVersion } from "./dataVersion.js";
import { fixedBlockOf } from "./fixedBlock.js";
import { finalizedWatermark } from "../totals/read.js";
import { buildGateway, introspectPonder, type Gateway, type GraphqlRequest, type GraphqlResponse, type PonderExecutor } from "./gateway.js";
import { LIMITS, executionLimits, lineageNodeCap, type ExecutionLimits } from "./limits.js";
import { Admission, Deadline, RetryableError } from "./admission.js";
import { CostStatsCache, readCostStats } from "./costStats.js";
import { inLane } from "./dbGate.js";
import type { PonderTableInfo } from "./ponderArgs.js";
import { buildOurSchema } from "./schema.js";
import { ApiError } from "../http/errors.js";

export { LIMITS } from "./limits.js";

/** Executes against Ponder's graphql() middleware mounted on a private app (in process). */
export function ponderExecutor(ponderGraphql: MiddlewareHandler): PonderExecutor {
  const internal = new Hono();
  internal.post("/graphql", ponderGraphql);
  return async (request) => {
    const res = await internal.request("http://ponder.internal/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(request),
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`Ponder's GraphQL answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
  };
}

/** What the gateway is built with besides Ponder's executor: its tables and the operator's limits. */
export interface GatewayOptions {
  ponderTables?: Map<string, PonderTableInfo>;
  budgetMs?: number;
}

/** Builds the gateway once (lazily: Ponder's schema is introspected on first use) and retries after a failure. */
export function lazyGateway(ponder?: PonderExecutor, options: GatewayOptions = {}): () => Promise<Gateway> {
  let pending: Promise<Gateway> | null = null;
  return () => {
    if (!pending) {
      pending = (async () => {
        const ours = buildOurSchema();
        const common = { ours, ponderTables: options.ponderTables, budgetMs: options.budgetMs, lineageNodeCap: lineageNodeCap() };
        if (!ponder) return buildGateway(common);
        return buildGateway({ ...common, ponder: { schema: await introspectPonder(ponder), executor: ponder } });
      })();
      pending.catch(() => {
        pending = null;
      });
    }
    return pending;
  };
}

const schemaTexts = new WeakMap<Gateway, string>();

/** printSchema (sorted) of a schema as a client sees it through introspection: what schema.graphql holds. Built once per gateway. */
export function publishedSchemaText(gateway: Gateway): string {
  let text = schemaTexts.get(gateway);
  if (text === undefined) schemaTexts.set(gateway, (text = buildSchemaText(gateway)));
  return text;
}

function buildSchemaText(gateway: Gateway): string {
  const result = graphqlSync({ schema: gateway.schema, source: getIntrospectionQuery({ descriptions: true }) });
  if (result.errors?.length || !result.data) throw new Error(`introspection failed: ${result.errors?.map((e) => e.message).join("; ")}`);
  return `${printSchema(lexicographicSortSchema(buildClientSchema(result.data as unknown as IntrospectionQuery)))}\n`;
}

export async function readRequest(c: Context): Promise<GraphqlRequest> {
  if (c.req.method === "GET") {
    const query = c.req.query("query");
    if (query === undefined) throw new ApiError(400, 'GET /graphql needs ?query=...; or POST JSON {"query": "..."}');
    if (query.length > LIMITS.maxBodyBytes) throw new ApiError(413, "query too long");
    const vars = c.req.query("variables");
    let variables: unknown;
    if (vars !== undefined && vars !== "") {
      try {
        variables = JSON.parse(vars);
      } catch {
        throw new ApiError(400, "variables is not valid JSON");
      }
    }
    return { query, variables, operationName: c.req.query("operationName") || undefined };
  }
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(graphql-response\+)?json\b/i.test(type) && !/^application\/json/i.test(type)) {
    throw new ApiError(415, 'send the request as JSON: Content-Type: application/json, body {"query": "..."}');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, "the request body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, 'the request body must be a JSON object {"query": "...", "variables": {...}}');
  return body as GraphqlRequest;
}

/** A response kept by the answer cache: already serialized. */
export interface CachedResponse {
  status: 200 | 400;
  text: string;
  /** Kept only without errors: an error may be passing (a database hiccup). */
  ok: boolean;
}

/** "final@N" when every root field asks at block N and N is finalized (fixedBlock.ts), else null. */
async function finalVersion(db: Db, plan: { document: DocumentNode; operationName?: string; variables?: Record<string, unknown> }): Promise<string | null> {
  const n = fixedBlockOf(plan.document, plan.operationName, plan.variables);
  if (n === null) return null;
  const w = await finalizedWatermark(db).catch(() => null);
  return w !== null && n <= w ? `final@${n}` : null;
}

/** The answer cache of one app: responses by (request, data version), `maxBytes` of them. */
export function answerCache(maxBytes: number): AnswerCache<CachedResponse> | null {
  return maxBytes > 0 ? new AnswerCache<CachedResponse>({ maxCost: maxBytes, cost: (r) => r.text.length, keep: (r) => r.ok }) : null;
}

/** What one app's /graphql handler shares across requests. */
export interface HandlerDeps {
  db: Db;
  t: Tables;
  gateway: () => Promise<Gateway>;
  answers?: AnswerCache<CachedResponse> | null;
  /** Statistics for the cost estimate (default: read from `db`, refreshed in the background). */
  stats?: CostStatsCache;
  limits?: ExecutionLimits;
}

/**
 * The /graphql handler (GET with ?query= or POST JSON). Every request is planned first (parsed,
 * validated, variables coerced, cost estimated: over the budget is refused before anything runs).
 * Queries with modelLineage are answered from `answers` while the indexed data is unchanged
 * (answerCache.ts, dataVersion.ts). Operations estimated at LIMITS.expensiveCostMs or more take a
 * slot (admission.ts); every execution runs under a deadline.
 */
export function graphqlHandler(deps: HandlerDeps) {
  const limits = deps.limits ?? executionLimits();
  const stats = deps.stats ?? new CostStatsCache(() => readCostStats(deps.db, deps.t));
  const admission = new Admission({ slots: limits.expensiveSlots, maxQueue: limits.expensiveQueue });
  return async (c: Context) => {
    const request = await readRequest(c);
    const gateway = await deps.gateway();
    const plan = gateway.plan(request, await stats.current());
    if (!plan.ok) return c.json(plan.response.body, plan.response.status);
    // What the request was estimated to cost, for clients that pace themselves (api/LIMITS.md).
    c.header("X-Query-Cost", String(plan.cost));
    c.header("X-Query-Budget", String(gateway.budgetMs));
    const deadline = new Deadline(limits.requestTimeoutMs);
    try {
      let loaders: ApiContext["loaders"] | undefined;
      const context: ApiContext = {
        db: deps.db,
        t: deps.t,
        deadline,
        // Created on first use: most earnings queries never need a batch loader.
        get loaders() {
          return (loaders ??= createLoaders(deps.db, deps.t));
        },
      };
      const expensive = plan.cost >= LIMITS.expensiveCostMs;
      const compute = (): Promise<GraphqlResponse> => {
        // In the request's lane, its database reads are gated (expensive) and stop at its deadline (dbGate.ts).
        const run = () => inLane({ expensive, deadline }, () => gateway.execute(plan, context));
        const work = expensive ? admission.run(run, Math.min(LIMITS.maxQueueWaitMs, deadline.remaining())) : run();
        return Promise.race([work, deadline.expired]);
      };
      const answers = deps.answers;
      if (answers && plan.cacheable) {
        // At a finalized block the answer never changes: kept under the question alone.
        const final = await finalVersion(deps.db, plan);
        const version = final ?? (await readDataVersion(deps.db, deps.t));
        if (version !== null) {
          const key = JSON.stringify([request.query, request.variables ?? null, request.operationName ?? null]);
          let computed = false;
          const r = await answers.get(
            key,
            version,
            async (): Promise<CachedResponse> => {
              computed = true;
              const { status, body } = await compute();
              return { status, text: JSON.stringify(body), ok: status === 200 && !body.errors };
            },
            async () => (await finalVersion(deps.db, plan)) ?? (await readDataVersion(deps.db, deps.t)) ?? "",
          );
          // Whether the answer came from the cache, and whether it is kept for good (a finalized block).
          c.header("X-Answer-Cache", `${computed ? "miss" : "hit"}${final ? "; finalized" : ""}`);
          return c.newResponse(r.text, r.status, { "content-type": "application/json" });
        }
      }
      const { status, body } = await compute();
      return c.json(body, status);
    } catch (err) {
      if (err instanceof RetryableError) {
        return c.json({ errors: [{ message: err.message, extensions: { code: err.code, retryAfter: err.retryAfterSeconds } }] }, 503, { "Retry-After": String(err.retryAfterSeconds) });
      }
      throw err;
    } finally {
      deadline.clear();
    }
  };
}
