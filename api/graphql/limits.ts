/**
 * Operation limits of the public /graphql endpoint, applied before anything executes (see
 * api/LIMITS.md). Token counting is graphql-js's own parser option; depth and aliases are
 * validation rules here. No I/O.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql/index.js";
import { envInt } from "../../core/env.js";

export const LIMITS = {
  /** Lexical tokens per document (Ponder's default 1000; an explorer page query uses < 400). */
  maxTokens: 1000,
  /** Field nesting depth (Ponder's default 100). */
  maxDepth: 10,
  /** Nesting depth inside introspection (__schema / __type): GraphiQL's introspection query needs 13. */
  maxIntrospectionDepth: 16,
  /** Aliased fields per operation (Ponder's default 30). */
  maxAliases: 15,
  /** Rows per page for every list argument `limit` (Ponder's own plural fields cap at 1000 too). */
  maxPageSize: 1000,
  defaultPageSize: 50,
  /** Request body in bytes for POST /graphql, query string length for GET. */
  maxBodyBytes: 64 * 1024,
  /**
   * modelLineage: hops from the model (4 reaches a base model's contributors through its runs; each
   * parent model adds one), children kept per parent and kind before folding, nodes in one answer
   * (then truncated: true), recent inferences shown beside the model.
   */
  maxLineageDepth: 8,
  defaultLineageDepth: 4,
  /** contributionLineage, datanetLineage, accountLineage: an account's data reaches inferences in 6 hops, more through adapters. */
  defaultDownstreamLineageDepth: 8,
  maxLineageLimit: 5000,
  defaultLineageLimit: 10,
  maxLineageNodes: 10_000,
  maxLineageInferences: 200,
  defaultLineageInferences: 20,
  /** search: results per query. */
  maxSearchResults: 50,
  defaultSearchResults: 10,
  /** Cached parsed+validated documents (by query text). */
  documentCacheSize: 500,
  /**
   * Cost budget of one operation, in estimated milliseconds of server work (cost.ts): the
   * explorer's heaviest query (a lineage at its largest caps) estimates 1,000.
   */
  queryBudgetMs: 3000,
  /** Operations estimated at this or more take a slot for expensive work (admission.ts). */
  expensiveCostMs: 250,
  /** Expensive operations running at once, and waiting for a slot (more are refused: SERVER_BUSY). */
  expensiveSlots: 2,
  expensiveQueue: 32,
  /** Longest wait for a slot before SERVER_BUSY. */
  maxQueueWaitMs: 5000,
  /** Wall-clock deadline of one request (QUERY_TIMEOUT after it). */
  requestTimeoutMs: 10_000,
  /** Deepest nesting of the variables JSON (objects and lists). */
  maxVariablesDepth: 32,
} as const;

export type Limits = typeof LIMITS;

/**
 * The modelLineage node cap in force: LIMITS.maxLineageNodes, or lower when the operator sets
 * API_LINEAGE_MAX_NODES (an integer from 1; larger values are held to LIMITS.maxLineageNodes).
 */
export function lineageNodeCap(env: Record<string, string | undefined> = process.env): number {
  return Math.min(envInt(env, "API_LINEAGE_MAX_NODES", { min: 1 }) ?? LIMITS.maxLineageNodes, LIMITS.maxLineageNodes);
}

/** Operator settings of the cost budget and bounded execution (api/LIMITS.md); bad values stop start-up. */
export interface ExecutionLimits {
  queryBudgetMs: number;
  requestTimeoutMs: number;
  expensiveSlots: number;
  expensiveQueue: number;
}

export function executionLimits(env: Record<string, string | undefined> = process.env): ExecutionLimits {
  return {
    queryBudgetMs: envInt(env, "API_QUERY_BUDGET_MS", { min: 1 }) ?? LIMITS.queryBudgetMs,
    requestTimeoutMs: envInt(env, "API_QUERY_TIMEOUT_MS", { min: 100 }) ?? LIMITS.requestTimeoutMs,
    expensiveSlots: envInt(env, "API_EXPENSIVE_SLOTS", { min: 1 }) ?? LIMITS.expensiveSlots,
    expensiveQueue: envInt(env, "API_EXPENSIVE_QUEUE", { min: 0 }) ?? LIMITS.expensiveQueue,
  };
}

/** Default budget of the answer cache (responses to queries with modelLineage), in bytes. */
export const DEFAULT_ANSWER_CACHE_BYTES = 128 * 1024 * 1024;

/** Root fields whose queries are answered from the answer cache (api/graphql/answerCache.ts). */
export const CACHED_ROOT_FIELDS = new Set(["modelLineage", "contributionLineage", "datanetLineage", "accountLineage"]);

/**
 * The answer cache budget in bytes of response: DEFAULT_ANSWER_CACHE_BYTES, or
 * API_ANSWER_CACHE_BYTES (an integer from 0; 0 turns the cache off).
 */
export function answerCacheBytes(env: Record<string, string | undefined> = process.env): number {
  return envInt(env, "API_ANSWER_CACHE_BYTES", { min: 0, hint: "(0: no cache)" }) ?? DEFAULT_ANSWER_CACHE_BYTES;
}

function limitError(message: string, limit: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_LIMIT_EXCEEDED", limit } });
}

/**
 * Longest field path in the operation, following fragment spreads. Paths that enter introspection
 * (__schema, __type) are held to their own limit. Fragment depths are memoised, so a document of
 * fragments spreading each other many times costs linear time (cycles are a separate rule).
 */
export function maxDepthRule(maxDepth: number, maxIntrospectionDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    type Depths = { plain: number; intro: number };
    const memo = new Map<string, Depths>();
    const visiting = new Set<string>();
    const depths = (set: SelectionSetNode | undefined, intro: boolean): Depths => {
      const out: Depths = { plain: 0, intro: 0 };
      if (!set) return out;
      for (const sel of set.selections) {
        let d: Depths;
        if (sel.kind === Kind.FIELD) {
          const enters = intro || sel.name.value.startsWith("__");
          const inner = depths(sel.selectionSet, enters);
          d = enters ? { plain: 0, intro: 1 + Math.max(inner.intro, inner.plain) } : { plain: 1 + inner.plain, intro: inner.intro > 0 ? 1 + inner.intro : 0 };
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          d = depths(sel.selectionSet, intro);
        } else {
          const key = `${sel.name.value}:${intro}`;
          const frag = fragments.get(sel.name.value);
          if (!frag || visiting.has(key)) continue;
          let m = memo.get(key);
          if (!m) {
            visiting.add(key);
            m = depths(frag.selectionSet, intro);
            visiting.delete(key);
            memo.set(key, m);
          }
          d = m;
        }
        out.plain = Math.max(out.plain, d.plain);
        out.intro = Math.max(out.intro, d.intro);
      }
      return out;
    };
    return {
      OperationDefinition(node) {
        const d = depths(node.selectionSet, false);
        if (d.plain > maxDepth) {
          context.reportError(limitError(`query depth ${d.plain} exceeds the limit of ${maxDepth}; split it into several queries`, "maxDepth"));
        } else if (d.intro > maxIntrospectionDepth) {
          context.reportError(limitError(`introspection depth ${d.intro} exceeds the limit of ${maxIntrospectionDepth}`, "maxDepth"));
        }
      },
    };
  };
}

/** Counts aliased fields across the operation and the fragments it uses (each use counts). */
export function maxAliasesRule(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const memo = new Map<string, number>();
    const visiting = new Set<string>();
    const count = (set: SelectionSetNode | undefined): number => {
      if (!set) return 0;
      let n = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) n += (sel.alias ? 1 : 0) + count(sel.selectionSet);
        else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet);
        else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || visiting.has(name)) continue;
          let m = memo.get(name);
          if (m === undefined) {
            visiting.add(name);
            m = count(frag.selectionSet);
            visiting.delete(name);
            memo.set(name, m);
          }
          n += m;
        }
        if (n > maxAliases) return n; // already over: no need to count the rest
      }
      return n;
    };
    return {
      OperationDefinition(node) {
        if (count(node.selectionSet) > maxAliases) {
          context.reportError(limitError(`query uses more than ${maxAliases} aliases; split it into several queries`, "maxAliases"));
        }
      },
    };
  };
}

/** Operator settings of live subscriptions (api/LIMITS.md); bad values stop start-up. */
export function streamSettings(env: Record<string, string | undefined> = process.env) {
  return {
    maxTotal: envInt(env, "API_STREAM_MAX_SUBSCRIPTIONS", { min: 1 }) ?? 1000,
    maxPerClient: envInt(env, "API_STREAM_MAX_PER_CLIENT", { min: 1 }) ?? 16,
    pollMs: envInt(env, "API_STREAM_POLL_MS", { min: 10 }) ?? 250,
    /** Blocks below the indexed head a reorg may still replace (more than the chain's finality in Ponder). */
    reorgDepth: envInt(env, "API_STREAM_REORG_DEPTH", { min: 1 }) ?? 64,
    keepAliveMs: 15_000,
    clientHeader: env.API_STREAM_CLIENT_HEADER?.trim() || undefined,
  };
}
