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
import { buildClientSchema, getIntrospectionQuery, graphqlSync, lexicographicSortSchema, printSchema, type IntrospectionQuery } from "graphql/index.js";
import { AnswerCache } from "./answerCache.js";
import { createLoaders, type ApiContext, type Db, type Tables } from "./context.js";
import { readDataVersion } from "./dataVersion.js";
import { buildGateway, introspectPonder, type Gateway, type GraphqlRequest, type PonderExecutor } from "./gateway.js";
import { LIMITS } from "./limits.js";
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

/** Builds the gateway once (lazily: Ponder's schema is introspected on first use) and retries after a failure. */
export function lazyGateway(ponder?: PonderExecutor): () => Promise<Gateway> {
  let pending: Promise<Gateway> | null = null;
  return () => {
    if (!pending) {
      pending = (async () => {
        const ours = buildOurSchema();
        if (!ponder) return buildGateway({ ours });
        return buildGateway({ ours, ponder: { schema: await introspectPonder(ponder), executor: ponder } });
      })();
      pending.catch(() => {
        pending = null;
      });
    }
    return pending;
  };
}

/** printSchema (sorted) of a schema as a client sees it through introspection: what schema.graphql holds. */
export function publishedSchemaText(gateway: Gateway): string {
  const result = graphqlSync({ schema: gateway.schema, source: getIntrospectionQuery({ descriptions: true }) });
  if (result.errors?.length || !result.data) throw new Error(`introspection failed: ${result.errors?.map((e) => e.message).join("; ")}`);
  return `${printSchema(lexicographicSortSchema(buildClientSchema(result.data as unknown as IntrospectionQuery)))}\n`;
}

async function readRequest(c: Context): Promise<GraphqlRequest> {
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

/** The answer cache of one app: responses by (request, data version), `maxBytes` of them. */
export function answerCache(maxBytes: number): AnswerCache<CachedResponse> | null {
  return maxBytes > 0 ? new AnswerCache<CachedResponse>({ maxCost: maxBytes, cost: (r) => r.text.length, keep: (r) => r.ok }) : null;
}

/**
 * The /graphql handler (GET with ?query= or POST JSON). Queries with modelLineage (the expensive
 * field) are answered from `answers` while the indexed data is unchanged (answerCache.ts,
 * dataVersion.ts): the whole serialized response, so a hit costs one small read of the version.
 */
export function graphqlHandler(deps: { db: Db; t: Tables; gateway: () => Promise<Gateway>; answers?: AnswerCache<CachedResponse> | null }) {
  return async (c: Context) => {
    const request = await readRequest(c);
    const gateway = await deps.gateway();
    let loaders: ApiContext["loaders"] | undefined;
    const context: ApiContext = {
      db: deps.db,
      t: deps.t,
      // Created on first use: most earnings queries never need a batch loader.
      get loaders() {
        return (loaders ??= createLoaders(deps.db, deps.t));
      },
    };
    const answers = deps.answers;
    if (answers && gateway.cacheable(request)) {
      const version = await readDataVersion(deps.db, deps.t);
      if (version !== null) {
        const key = JSON.stringify([request.query, request.variables ?? null, request.operationName ?? null]);
        const compute = async (): Promise<CachedResponse> => {
          const { status, body } = await gateway.run(request, context);
          return { status, text: JSON.stringify(body), ok: status === 200 && !body.errors };
        };
        const r = await answers.get(key, version, compute, async () => (await readDataVersion(deps.db, deps.t)) ?? "");
        return c.newResponse(r.text, r.status, { "content-type": "application/json" });
      }
    }
    const { status, body } = await gateway.run(request, context);
    return c.json(body, status);
  };
}
