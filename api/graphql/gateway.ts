/**
 * The one /graphql schema: Ponder's generated schema stitched with ours, and the request pipeline
 * (parse with a token cap, validate with depth/alias limits, execute) in front of it. The design
 * and why is at the top of api/graphql/index.ts.
 */
import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  buildClientSchema,
  execute as graphqlExecute,
  getIntrospectionQuery,
  getVariableValues,
  getOperationAST,
  isScalarType,
  isInterfaceType,
  isObjectType,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FragmentDefinitionNode,
} from "graphql/index.js";
import { stitchSchemas } from "@graphql-tools/stitch";
import { FilterRootFields, RenameTypes } from "@graphql-tools/wrap";
import type { SubschemaConfig } from "@graphql-tools/delegate";
import { CACHED_ROOT_FIELDS, LIMITS, maxAliasesRule, maxDepthRule, type Limits } from "./limits.js";
import { DEFAULT_STATS, operationCost, type CostStats } from "./cost.js";
import type { PonderTableInfo } from "./ponderArgs.js";
import { collidingNames, pascalCase, ponderTypeRenames } from "./naming.js";

/** Executes a GraphQL request against Ponder's own middleware, in process (no network). */
export type PonderExecutor = (request: { query: string; variables?: Record<string, unknown>; operationName?: string }) => Promise<ExecutionResult>;

/** Type names both schemas define on purpose; ours is a compatible superset and wins. */
const SHARED_TYPES = new Set(["BigInt", "PageInfo", "JSON", "Query", "Boolean", "String", "Int", "Float", "ID"]);

export interface Gateway {
  /** What /graphql serves (stitched). */
  schema: GraphQLSchema;
  /** Our own executable schema: queries touching only our root fields run here directly. */
  ours: GraphQLSchema;
  /** printSchema of the served schema, sorted, for schema.graphql and the drift test. */
  printed(): string;
  /** The cost budget in force (estimated ms per operation). */
  budgetMs: number;
  /** Parses, validates, coerces variables and checks the cost budget: a plan to execute, or the error response. */
  plan(request: GraphqlRequest, stats?: CostStats): Plan;
  execute(plan: ReadyPlan, contextValue: object): Promise<GraphqlResponse>;
  /** plan + execute, without admission control or a deadline (tests, tools). */
  run(request: GraphqlRequest, contextValue: object, stats?: CostStats): Promise<GraphqlResponse>;
  /** A valid query that runs on our schema alone and selects one of `CACHED_ROOT_FIELDS`: its response may be cached. */
  cacheable(request: GraphqlRequest): boolean;
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResponse {
  /** 200 for anything that reached execution (errors in the body), 400 for unparseable/invalid requests. */
  status: 200 | 400;
  body: { data?: unknown; errors?: GraphQLFormattedError[] };
}

/** Introspects Ponder's schema through its executor and makes it delegable. */
export async function introspectPonder(executor: PonderExecutor): Promise<GraphQLSchema> {
  const result = await executor({ query: getIntrospectionQuery() });
  if (result.errors?.length || !result.data) {
    throw new Error(`introspecting Ponder's GraphQL schema failed: ${result.errors?.map((e) => e.message).join("; ") ?? "no data"}`);
  }
  const schema = buildClientSchema(result.data as unknown as IntrospectionQuery);
  // A client schema's scalars pass values through unchanged; arguments we delegate may be bigint
  // (parsed by our BigInt scalar), which JSON cannot carry: send them as decimal strings.
  const bigint = schema.getType("BigInt");
  if (bigint && isScalarType(bigint)) {
    (bigint as GraphQLScalarType).serialize = (v: unknown) => (typeof v === "bigint" ? v.toString() : v);
  }
  return schema;
}

export function buildGateway(args: {
  ours: GraphQLSchema;
  ponder?: { schema: GraphQLSchema; executor: PonderExecutor };
  limits?: Limits;
  /** Ponder's tables (ponderArgs.ts): their list fields' arguments are checked and their scans costed. */
  ponderTables?: Map<string, PonderTableInfo>;
  /** Cost budget per operation in estimated ms (default LIMITS.queryBudgetMs). */
  budgetMs?: number;
  lineageNodeCap?: number;
}): Gateway {
  const limits = args.limits ?? LIMITS;
  const budgetMs = args.budgetMs ?? limits.queryBudgetMs;
  const ours = args.ours;
  const ourRootFields = new Set(Object.keys(ours.getQueryType()?.getFields() ?? {}));
  const ourTypes = new Set(Object.keys(ours.getTypeMap()));

  const subschemas: SubschemaConfig[] = [];
  if (args.ponder) {
    const exec = args.ponder.executor;
    const renames = ponderTypeRenames(Object.keys(args.ponder.schema.getTypeMap()), ourTypes, SHARED_TYPES);
    subschemas.push({
      schema: args.ponder.schema,
      executor: (async (req: { document: DocumentNode; variables?: unknown; operationName?: string }) => exec({ query: print(req.document), variables: jsonSafe(req.variables) as Record<string, unknown> | undefined, operationName: req.operationName })) as SubschemaConfig["executor"],
      transforms: [
        // Our root fields win on a name collision (account, inference, model, datanet, ...).
        new FilterRootFields((_op, fieldName) => !ourRootFields.has(fieldName)),
        // One naming convention for what third parties see (naming.ts): `inference` → `InferenceRow`.
        new RenameTypes((name) => renames.get(name) ?? name),
      ],
    });
  }
  subschemas.push({ schema: ours });
  const ourSubschema = subschemas[subschemas.length - 1];

  const stitched = args.ponder
    ? stitchSchemas({
        subschemas,
        mergeTypes: false,
        onTypeConflict: (left: GraphQLNamedType, right: GraphQLNamedType, info) => (info?.left.subschema === ourSubschema ? left : right),
      })
    : ours;
  if (stitched !== ours) {
    // Stitching makes gateway scalars pass values through untouched (subschemas parse them). Give
    // the gateway our BigInt so bad literals/variables fail validation with our message, before
    // any execution, on both paths.
    const gatewayBigInt = stitched.getType("BigInt");
    const ourBigInt = ours.getType("BigInt");
    if (gatewayBigInt && ourBigInt && isScalarType(gatewayBigInt) && isScalarType(ourBigInt)) {
      gatewayBigInt.serialize = ourBigInt.serialize;
      gatewayBigInt.parseValue = ourBigInt.parseValue;
      gatewayBigInt.parseLiteral = ourBigInt.parseLiteral;
    }
  }

  const collisions = collidingNames(Object.values(stitched.getTypeMap()).map((t) => ({ name: t.name, fieldsWithArgs: fieldsWithArgs(t) })));
  if (collisions.length) {
    throw new Error(`the GraphQL schema has type names that client generators fold to one identifier: ${collisions.map((g) => g.join(" / ")).join(", ")}; rename one of each (api/graphql/naming.ts)`);
  }
  // Ponder's tables by their published type name (`InferenceRow`), for the cost estimate.
  const ponderTypes = new Map([...(args.ponderTables ?? new Map<string, PonderTableInfo>())].map(([table, info]) => [publishedTableType(table), info]));

  const rules = [...specifiedRules, maxDepthRule(limits.maxDepth, limits.maxIntrospectionDepth), maxAliasesRule(limits.maxAliases)];
  type Prepared = { document: DocumentNode; oursOnly: boolean; cacheable: boolean } | { errors: GraphQLError[] };
  const cache = new Map<string, Prepared>();

  const prepare = (query: string) => {
    const hit = cache.get(query);
    if (hit) {
      cache.delete(query);
      cache.set(query, hit); // LRU: most recent last
      return hit;
    }
    let entry: Prepared;
    try {
      const document = parse(query, { maxTokens: limits.maxTokens, noLocation: false });
      const errors = validate(stitched, document, rules);
      if (errors.length) entry = { errors: [...errors] };
      else {
        const oursOnly = stitched === ours || touchesOnly(document, ourRootFields);
        entry = { document, oursOnly, cacheable: oursOnly && [...CACHED_ROOT_FIELDS].some((f) => selectsRootField(document, f)) };
      }
    } catch (e) {
      const err = e instanceof GraphQLError ? e : new GraphQLError("could not parse the query");
      if (/tokens/.test(err.message)) {
        entry = { errors: [new GraphQLError(`query has more than ${limits.maxTokens} tokens; split it into several queries`, { extensions: { code: "QUERY_LIMIT_EXCEEDED", limit: "maxTokens" } })] };
      } else {
        entry = { errors: [new GraphQLError(err.message, { nodes: err.nodes, source: err.source, positions: err.positions, extensions: { code: "GRAPHQL_PARSE_FAILED" } })] };
      }
    }
    cache.set(query, entry);
    if (cache.size > limits.documentCacheSize) cache.delete(cache.keys().next().value as string);
    return entry;
  };

  const plan = (request: GraphqlRequest, stats: CostStats = DEFAULT_STATS): Plan => {
    const { query, variables, operationName } = request;
    if (typeof query !== "string" || query.trim() === "") return refuse(badRequest("the request has no query: send {\"query\": \"...\"}"));
    if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return refuse(badRequest("variables must be a JSON object"));
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return refuse(badRequest("operationName must be a string"));
    const prepared = prepare(query);
    if ("errors" in prepared) {
      const code = prepared.errors[0]?.extensions?.code;
      return refuse({ status: 400, body: { errors: prepared.errors.map((e) => formatError(e, code ? undefined : "GRAPHQL_VALIDATION_FAILED")) } });
    }
    const op = getOperationAST(prepared.document, (operationName as string | undefined) ?? undefined);
    if (!op) return refuse(badRequest(operationName ? `no operation named ${JSON.stringify(operationName)} in the query` : "the query has several operations: pass operationName"));
    if (op.operation === "subscription") return refuse(badRequest("subscriptions are served over GraphQL-over-SSE: send the request with Accept: text/event-stream"));
    if (op.operation !== "query") return refuse(badRequest(`${op.operation} operations are not supported: this API is read-only`));
    if (jsonDepth(variables, limits.maxVariablesDepth) > limits.maxVariablesDepth) {
      return refuse(userErrors([new GraphQLError(`variables nest deeper than ${limits.maxVariablesDepth} levels`, { extensions: { code: "BAD_USER_INPUT" } })]));
    }
    const schema = prepared.oursOnly ? ours : stitched;
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], (variables as Record<string, unknown> | null | undefined) ?? {}, { maxErrors: 10 });
    if (coerced.errors) return refuse(userErrors(coerced.errors));
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of prepared.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    const { cost, errors } = operationCost({ schema: stitched, operation: op, fragments, variables: coerced.coerced, stats, ponderTables: ponderTypes, lineageNodeCap: args.lineageNodeCap ?? LIMITS.maxLineageNodes });
    if (errors.length) return refuse(userErrors(errors));
    if (cost > budgetMs) {
      return refuse({
        status: 400,
        body: {
          errors: [{
            message: `the query's estimated cost is ${fmtMs(cost)} ms, over the budget of ${fmtMs(budgetMs)} ms: lower the limits of its lists, select fewer nested lists, or split it into several queries`,
            extensions: { code: "QUERY_TOO_COSTLY", cost, budget: budgetMs },
          }],
        },
      });
    }
    return { ok: true, document: prepared.document, schema, operationName: (operationName as string | null | undefined) ?? undefined, variables: (variables as Record<string, unknown> | null | undefined) ?? undefined, cost, cacheable: prepared.cacheable };
  };

  const execute = async (p: ReadyPlan, contextValue: object): Promise<GraphqlResponse> => {
    const result = await graphqlExecute({ schema: p.schema, document: p.document, variableValues: p.variables, operationName: p.operationName, contextValue });
    const body: GraphqlResponse["body"] = {};
    if (result.errors?.length) body.errors = result.errors.map((e) => formatError(e));
    if (result.data !== undefined) body.data = result.data;
    // Variable coercion failures never reach a resolver: they are the client's fault.
    const status = result.data === undefined && result.errors?.length ? 400 : 200;
    return { status, body };
  };

  return {
    schema: stitched,
    ours,
    budgetMs,
    printed: () => printSchema(lexicographicSortSchema(stitched)),
    cacheable(request) {
      if (typeof request.query !== "string" || request.query.trim() === "") return false;
      const prepared = prepare(request.query);
      return "document" in prepared && prepared.cacheable;
    },
    plan,
    execute,
    async run(request, contextValue, stats) {
      const p = plan(request, stats);
      return p.ok ? execute(p, contextValue) : p.response;
    },
  };
}

/** A request ready to execute: parsed, validated, variables coerced, cost within the budget. */
export interface ReadyPlan {
  ok: true;
  document: DocumentNode;
  schema: GraphQLSchema;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** Estimated milliseconds of server work (cost.ts). */
  cost: number;
  /** Selects a root field whose whole response may be cached (CACHED_ROOT_FIELDS). */
  cacheable: boolean;
}
export type Plan = ReadyPlan | { ok: false; response: GraphqlResponse };

function refuse(response: GraphqlResponse): Plan {
  return { ok: false, response };
}

/** Client errors found before execution: HTTP 400, each with its code (BAD_USER_INPUT unless set). */
function userErrors(errors: readonly GraphQLError[]): GraphqlResponse {
  return { status: 400, body: { errors: errors.map((e) => formatError(e, "BAD_USER_INPUT")) } };
}

const fmtMs = (ms: number) => Math.round(ms).toLocaleString("en-US");

/** Nesting depth of a JSON value, counting no further than `stopAt + 1` (so a hostile value costs little). */
export function jsonDepth(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (d + 1 > deepest) deepest = d + 1;
    if (deepest > stopAt) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

/** The published type name of a Ponder table (naming.ts). */
export function publishedTableType(table: string): string {
  return `${pascalCase(table)}Row`;
}

function fieldsWithArgs(type: GraphQLNamedType): string[] {
  if (!isObjectType(type) && !isInterfaceType(type)) return [];
  return Object.values(type.getFields()).filter((f) => f.args.length > 0).map((f) => f.name);
}

/** Delegated variables may hold bigint (parsed by our BigInt scalar): JSON carries them as decimal strings. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

function badRequest(message: string): GraphqlResponse {
  return { status: 400, body: { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] } };
}

/** Extension keys a client may see; anything else (stack traces, SQL, internals) is dropped. */
const PUBLIC_EXTENSIONS = new Set(["code", "limit", "argument", "cost", "budget", "retryAfter"]);

/** The innermost cause of an error that may have been wrapped by stitching/delegation. */
function rootCause(error: GraphQLError): { error: GraphQLError; cause?: Error } {
  let current: GraphQLError = error;
  for (let i = 0; i < 10; i++) {
    const next = current.originalError;
    if (!next) return { error: current };
    if (!(next instanceof GraphQLError)) return { error: current, cause: next };
    current = next;
  }
  return { error: current };
}

/**
 * One error shape for everything: message, locations, path and extensions.code; never a stack.
 * Errors without a code that did not come from our resolvers (a bug, a database failure) are
 * reported as INTERNAL_SERVER_ERROR with a generic message, and logged.
 */
export function formatError(error: GraphQLError, defaultCode?: string): GraphQLFormattedError {
  const { error: inner, cause } = rootCause(error);
  let message = inner.message;
  const code = (inner.extensions?.code ?? error.extensions?.code) as string | undefined;
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...(inner.extensions ?? {}), ...(error.extensions ?? {}) })) {
    if (PUBLIC_EXTENSIONS.has(k)) extensions[k] = v;
  }
  if (!code) {
    if (isCoercionMessage(message)) extensions.code = "BAD_USER_INPUT";
    else if (cause || error.path) {
      console.error(`[api] query failed at ${error.path?.join(".") ?? "?"}: ${cause?.stack ?? message}`);
      message = "internal error: the query could not be completed; try again, and report it if it persists";
      extensions.code = "INTERNAL_SERVER_ERROR";
    } else extensions.code = defaultCode ?? "GRAPHQL_VALIDATION_FAILED";
  }
  const out: GraphQLFormattedError = { message, extensions };
  if (error.locations) (out as { locations?: unknown }).locations = error.locations;
  if (error.path) (out as { path?: unknown }).path = error.path;
  return out;
}

/** Messages graphql-js produces when a client's variable or literal does not fit its type. */
function isCoercionMessage(message: string): boolean {
  return /^(Variable "\$|Argument "|Invalid value|Expected value of type|Expected type|Int cannot represent|Float cannot represent|String cannot represent|Boolean cannot represent|Enum "|Value "|Invalid limit|Invalid ).*/.test(message);
}

/**
 * The root fields the document's operations select, through fragments and inline fragments;
 * `unresolved` when a spread names a fragment the document does not define.
 */
export function rootFields(document: DocumentNode): { names: Set<string>; unresolved: boolean } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const names = new Set<string>();
  const seen = new Set<string>();
  let unresolved = false;
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = fragments.get(sel.name.value);
        if (frag) walk(frag.selectionSet);
        else unresolved = true;
      }
    }
  };
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) walk((def as OperationDefinitionNode).selectionSet);
  return { names, unresolved };
}

/** True when some operation of the document selects the root field `name`. */
export function selectsRootField(document: DocumentNode, name: string): boolean {
  return rootFields(document).names.has(name);
}

/**
 * True when every root field the operation selects (through fragments too) is one of ours, so it
 * can skip the stitched gateway and run on our schema directly. Introspection (__schema/__type)
 * must see the whole schema, so it never takes the short path.
 */
export function touchesOnly(document: DocumentNode, ourRootFields: Set<string>): boolean {
  const { names, unresolved } = rootFields(document);
  return !unresolved && [...names].every((n) => n === "__typename" || ourRootFields.has(n));
}
