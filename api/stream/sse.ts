/**
 * GraphQL-over-SSE (the graphql-sse protocol, "distinct connections" mode): a subscription sent to
 * /graphql (POST JSON, or GET ?query=) with Accept: text/event-stream is answered with a stream of
 * `event: next` messages (one execution result each) and a final `event: complete`. Bounded: at most
 * `maxPerClient` open subscriptions per client address and `maxTotal` in all; more are refused
 * with 429 and a message. Errors before the stream starts are JSON with a 4xx status.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getOperationAST, parse, specifiedRules, subscribe, validate, type DocumentNode, type ExecutionResult, type GraphQLError } from "graphql/index.js";
import { createLoaders, type ApiContext, type Db, type Tables } from "../graphql/context.js";
import { formatError, type Gateway } from "../graphql/gateway.js";
import { readRequest } from "../graphql/index.js";
import { LIMITS, maxAliasesRule, maxDepthRule } from "../graphql/limits.js";
import type { FactStream } from "./facts.js";

export interface StreamLimits {
  maxTotal: number;
  maxPerClient: number;
  /** Milliseconds between keep-alive comments on an idle stream. */
  keepAliveMs: number;
  /** Header a trusted proxy sets to the client's address (else the socket's address). */
  clientHeader?: string;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxTotal: 1000, maxPerClient: 16, keepAliveMs: 15_000 };

export function wantsEventStream(c: Context): boolean {
  return /\btext\/event-stream\b/i.test(c.req.header("accept") ?? "");
}

function clientOf(c: Context, limits: StreamLimits): string {
  if (limits.clientHeader) {
    const v = c.req.header(limits.clientHeader);
    if (v) return v.split(",")[0]!.trim();
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "local";
}

const errors = (c: Context, status: 400 | 429 | 503, list: { message: string; extensions?: Record<string, unknown> }[]) => c.json({ errors: list }, status);

export interface SseDeps {
  db: Db;
  t: Tables;
  gateway: () => Promise<Gateway>;
  stream: FactStream;
  limits?: StreamLimits;
}

/** In front of the /graphql handler: takes the requests that ask for an event stream. */
export function graphqlOverSse(deps: SseDeps): MiddlewareHandler {
  const limits = deps.limits ?? DEFAULT_STREAM_LIMITS;
  const open = new Map<string, number>();
  let total = 0;
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  return async (c, next) => {
    if (!wantsEventStream(c)) return next();
    const request = await readRequest(c);
    if (typeof request.query !== "string" || request.query.trim() === "") return errors(c, 400, [{ message: 'the request has no query: send {"query": "subscription { ... }"}', extensions: { code: "BAD_REQUEST" } }]);
    const gateway = await deps.gateway();
    let prepared = documents.get(request.query);
    if (!prepared) {
      try {
        const doc = parse(request.query, { maxTokens: LIMITS.maxTokens });
        const invalid = validate(gateway.ours, doc, [...specifiedRules, maxDepthRule(LIMITS.maxDepth, LIMITS.maxIntrospectionDepth), maxAliasesRule(LIMITS.maxAliases)]);
        prepared = invalid.length ? invalid : doc;
      } catch (e) {
        prepared = [e as GraphQLError];
      }
      if (documents.size >= 500) documents.clear();
      documents.set(request.query, prepared);
    }
    if (!("kind" in prepared)) return errors(c, 400, prepared.map((e) => formatError(e as GraphQLError, "GRAPHQL_VALIDATION_FAILED")));
    const document = prepared;
    const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
    const op = getOperationAST(document, operationName);
    if (!op || op.operation !== "subscription") {
      return errors(c, 400, [{ message: "only subscriptions are served as an event stream: send queries with Accept: application/json", extensions: { code: "BAD_REQUEST" } }]);
    }
    if (op.selectionSet.selections.length !== 1) return errors(c, 400, [{ message: "one subscription field per request: open one stream per subscription", extensions: { code: "BAD_REQUEST" } }]);
    const client = clientOf(c, limits);
    if (total >= limits.maxTotal) {
      return errors(c, 503, [{ message: `the server follows ${limits.maxTotal} subscriptions already, its limit: try again later`, extensions: { code: "TOO_MANY_SUBSCRIPTIONS", limit: "maxTotal", retryAfter: 5 } }]);
    }
    if ((open.get(client) ?? 0) >= limits.maxPerClient) {
      return errors(c, 429, [{ message: `this client has ${limits.maxPerClient} subscriptions open, the limit per client: close one first (one stream can follow several accounts' events only through several subscriptions, so pick those you need)`, extensions: { code: "TOO_MANY_SUBSCRIPTIONS", limit: "maxPerClient" } }]);
    }
    total++;
    open.set(client, (open.get(client) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      total--;
      const n = (open.get(client) ?? 1) - 1;
      if (n > 0) open.set(client, n);
      else open.delete(client);
    };
    let loaders: ApiContext["loaders"] | undefined;
    const context = {
      db: deps.db,
      t: deps.t,
      stream: deps.stream,
      get loaders() {
        return (loaders ??= createLoaders(deps.db, deps.t));
      },
    };
    let result: Awaited<ReturnType<typeof subscribe>>;
    try {
      result = await subscribe({ schema: gateway.ours, document, variableValues: (request.variables as Record<string, unknown> | undefined) ?? undefined, operationName, contextValue: context });
    } catch (err) {
      release();
      throw err;
    }
    if (!(Symbol.asyncIterator in result)) {
      release();
      const list = (result as ExecutionResult).errors ?? [];
      return errors(c, 400, list.map((e) => formatError(e, "BAD_USER_INPUT")));
    }
    const iterator = result as AsyncGenerator<ExecutionResult>;
    const encoder = new TextEncoder();
    let keepAlive: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(keepAlive);
      release();
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        keepAlive = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(": keep-alive\n\n"));
          } catch {
            finish();
          }
        }, limits.keepAliveMs);
        keepAlive.unref?.();
      },
      async pull(controller) {
        let r: IteratorResult<ExecutionResult>;
        try {
          r = await iterator.next();
          loaders = undefined; // each event reads fresh data
        } catch (err) {
          const e = err as GraphQLError;
          const formatted = formatError(e, (e.extensions?.code as string | undefined) ?? "INTERNAL_SERVER_ERROR");
          controller.enqueue(encoder.encode(`event: next\ndata: ${JSON.stringify({ errors: [formatted] })}\n\nevent: complete\ndata:\n\n`));
          controller.close();
          finish();
          return;
        }
        if (r.done) {
          controller.enqueue(encoder.encode("event: complete\ndata:\n\n"));
          controller.close();
          finish();
          return;
        }
        const value: { data?: unknown; errors?: unknown[] } = {};
        if (r.value.data !== undefined) value.data = r.value.data;
        if (r.value.errors?.length) value.errors = r.value.errors.map((e) => formatError(e));
        controller.enqueue(encoder.encode(`event: next\ndata: ${JSON.stringify(value)}\n\n`));
      },
      async cancel() {
        finish();
        await iterator.return?.(undefined);
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" } });
  };
}
