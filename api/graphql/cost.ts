/**
 * The cost budget of one GraphQL operation, computed before anything executes (api/LIMITS.md,
 * "Cost budget"). No I/O: the schema, the document, the coerced variables and a few statistics
 * of the indexed data (costStats.ts) in; an estimate in milliseconds of server work out.
 *
 * The estimate walks the operation as the executor would, with a multiplicity per field: how many
 * times it will be resolved. A list field multiplies its children by its size — its `limit` for a
 * paged field (ours and Ponder's), the statistics' largest fan-out for the short lists that have
 * no limit (an inference's attributions, a model's training runs, ...) — so nesting multiplies
 * costs the way it multiplies work. Each resolution costs what the field does:
 * - `call`: a database round trip per parent (a page, a list, a relation Ponder resolves per row);
 * - `load`: a row fetched through a batch loader (one round trip per batch);
 * - `row` / `leaf`: an object materialised and a value serialised;
 * - `scan`: rows a count or an unindexed filter/sort must read (Ponder's `totalCount`, `where` on a
 *   column no index leads with), from the statistics' table sizes;
 * - `modelLineage`: by its caps: nodes = min(node cap, what depth, limit and recentInferences allow);
 *   the downstream lineages (contribution, datanet, account) the same plus a scan of the root's attributions.
 * The unit costs are measured (bench/api.ts `--calibrate`, figures in bench/README.md): on the
 * reference machine an operation of cost C takes roughly C ms of the server's time when nothing
 * else runs, an over-estimate for small pages.
 *
 * While walking it also checks arguments that would otherwise fail inside execution as internal
 * errors: NUL characters in strings, Ponder's list-field arguments (limit, offset, cursors, orderBy,
 * how deep `where` nests); they come back as BAD_USER_INPUT errors naming the field and argument.
 */
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql/index.js";
import { MAX_ATTRIBUTIONS } from "../../core/roles.js";
import { LIMITS } from "./limits.js";
import { checkPonderListArgs, type PonderTableInfo } from "./ponderArgs.js";

/** Milliseconds of server work per unit of each kind (measured; see the module comment). */
export const UNIT_MS = {
  /** One database round trip made per parent (unbatched). */
  call: 0.7,
  /** One row through a batch loader. */
  load: 0.05,
  /** One object in a list (materialise, resolve, serialise). */
  row: 0.02,
  /** One scalar value serialised. */
  leaf: 0.0025,
  /** One row read by a count or an unindexed filter or sort. */
  scan: 0.001,
  /** modelLineage: fixed reads per hop, and per node of the answer (ranking, folding, labels). */
  lineageHop: 3,
  lineageNode: 0.05,
  /** One leaf hashed to rebuild a training run's Merkle tree (contributionProof). */
  merkleLeaf: 0.01,
} as const;

/** Statistics of the indexed data that size lists without a limit and scans (costStats.ts). */
export interface CostStats {
  /** Rows per Ponder table (by table name); missing tables count as `defaultRows`. */
  rows: Record<string, number>;
  defaultRows: number;
  /** Largest expected size of each list field that has no limit, by "Type.field". */
  fanout: Record<string, number>;
  /** Largest set a training run can have (contributionProof rebuilds it). */
  maxRunSet: number;
  /** Most attributions one datanet or contributor has (the downstream lineages read them). */
  maxRootAttributions: number;
}

/** Sizes used before the first statistics arrive: the protocol's and the API's bounds. */
export const DEFAULT_STATS: CostStats = {
  rows: {},
  defaultRows: 100_000,
  fanout: {},
  maxRunSet: 10_000,
  maxRootAttributions: 100_000,
};

/** Upper bounds of lists without a limit (protocol or API caps), used when statistics say nothing. */
export const LIST_BOUNDS: Record<string, number> = {
  "Query.inferencesByOutput": LIMITS.maxPageSize,
  "Account.earningsByRole": 4,
  "Account.earningsByDay": LIMITS.maxPageSize,
  "Account.datanetsOwned": LIMITS.maxPageSize,
  "Account.modelsOwned": LIMITS.maxPageSize,
  /** PROTOCOL.md: at most 256 contributions per inference; accruals per (account, role). */
  "Inference.attributions": 256,
  "Inference.accruals": 2 * 256 + 2,
  "Inference.violations": 3,
  "Model.adapters": LIMITS.maxPageSize,
  "Model.trainingRuns": LIMITS.maxPageSize,
  "TrainingRun.datanets": LIMITS.maxPageSize,
  "Datanet.models": LIMITS.maxPageSize,
  /** Submission, review, revocation. */
  "Contribution.history": 3,
  "Contribution.trainingRuns": 100,
  "Contribution.earningsByDay": LIMITS.maxPageSize,
};

type Args = Record<string, unknown>;

/** What resolving a field once costs and how many children each resolution has. */
interface FieldCost {
  /** ms per resolution. */
  ms: number;
  /** Children per resolution for a list; for a page, the size its `items` get. */
  fanout?: number;
  page?: { size: number; countMs: number };
  /** Sizes of the returned object's list fields, by field name (e.g. a lineage's nodes and edges). */
  lists?: Record<string, number>;
}

/** Per-field rules for our schema, by "Type.field"; other fields of ours cost a leaf. */
type Rule = (args: Args, stats: CostStats, env: RuleEnv) => FieldCost;
interface RuleEnv {
  lineageNodeCap: number;
  fanout(key: string): number;
}

const limitOf = (args: Args, fallback: number) => (typeof args.limit === "number" && args.limit > 0 ? args.limit : fallback);
const call = (): FieldCost => ({ ms: UNIT_MS.call });
const load = (): FieldCost => ({ ms: UNIT_MS.load });
/** A keyset page of ours: one query, `limit` rows; counts read from an aggregate row cost nothing more. */
const page = (fallback = LIMITS.defaultPageSize, countMs = 0): Rule => (args) => ({ ms: UNIT_MS.call, page: { size: limitOf(args, fallback), countMs } });
/** A page whose totalCount is a COUNT over an index range. */
const countedPage = (fallback = LIMITS.defaultPageSize): Rule => page(fallback, UNIT_MS.call);
const list = (key: string): Rule => (_args, _stats, env) => ({ ms: UNIT_MS.call, fanout: env.fanout(key) });
const loadedList = (key: string): Rule => (_args, _stats, env) => ({ ms: UNIT_MS.load, fanout: env.fanout(key) });
const free = (key: string): Rule => (_args, _stats, env) => ({ ms: 0, fanout: env.fanout(key) });

/** modelLineage by its caps: nodes a tree of `depth` hops with `limit` children per parent can hold. */
export function lineageCost(args: Args, nodeCap: number, defaultDepth: number = LIMITS.defaultLineageDepth): FieldCost {
  const depth = typeof args.depth === "number" && args.depth > 0 ? Math.min(args.depth, LIMITS.maxLineageDepth) : defaultDepth;
  const limit = typeof args.limit === "number" && args.limit > 0 ? Math.min(args.limit, LIMITS.maxLineageLimit) : LIMITS.defaultLineageLimit;
  const inferences = typeof args.recentInferences === "number" && args.recentInferences >= 0 ? Math.min(args.recentInferences, LIMITS.maxLineageInferences) : LIMITS.defaultLineageInferences;
  // Each parent keeps `limit` children and one folded node per kind: (limit + 1)^hop, summed.
  let nodes = 1 + inferences + 1;
  let layer = 1;
  for (let hop = 1; hop <= depth && nodes < nodeCap; hop++) {
    layer *= limit + 1;
    nodes += layer;
  }
  nodes = Math.min(nodes, nodeCap);
  // Every node but the model has one edge in (a tree, plus folded nodes).
  return { ms: depth * UNIT_MS.lineageHop + nodes * UNIT_MS.lineageNode, lists: { nodes, edges: nodes } };
}

/**
 * contributionLineage, datanetLineage, accountLineage: modelLineage's caps (their default depth is
 * 8), plus the reads of the root's data: the lineage grain and its reach (rollup heads now; as of a
 * block, the facts below it: two scans of the most attributions one root has, at most), the training
 * runs met, and the newest attributing inferences (at most recentInferences × 256 attributions read
 * along an index, twice).
 */
export function downstreamLineageCost(args: Args, nodeCap: number, stats: CostStats): FieldCost {
  const base = lineageCost(args, nodeCap, LIMITS.defaultDownstreamLineageDepth);
  const inferences = typeof args.recentInferences === "number" && args.recentInferences >= 0 ? Math.min(args.recentInferences, LIMITS.maxLineageInferences) : LIMITS.defaultLineageInferences;
  const recent = 2 * inferences * MAX_ATTRIBUTIONS * UNIT_MS.scan;
  const asOf = args.block !== undefined && args.block !== null ? 2 * stats.maxRootAttributions * UNIT_MS.scan : 0;
  return { ...base, ms: base.ms + 4 * UNIT_MS.call + recent + asOf };
}

const OUR_RULES: Record<string, Rule> = {
  "Query.account": call,
  "Query.inference": load,
  "Query.inferencesByOutput": list("Query.inferencesByOutput"),
  "Query.trainingRun": call,
  "Query.contributionProof": (_a, stats) => ({ ms: 3 * UNIT_MS.call + stats.maxRunSet * UNIT_MS.merkleLeaf }),
  "Query.modelLineage": (args, _s, env) => lineageCost(args, env.lineageNodeCap),
  "Query.contributionLineage": (args, stats, env) => downstreamLineageCost(args, env.lineageNodeCap, stats),
  "Query.datanetLineage": (args, stats, env) => downstreamLineageCost(args, env.lineageNodeCap, stats),
  "Query.accountLineage": (args, stats, env) => downstreamLineageCost(args, env.lineageNodeCap, stats),
  // Exact, prefix and substring lookups over several tables (resolvers/search.ts).
  "Query.search": (args) => ({ ms: 8 * UNIT_MS.call, fanout: limitOf(args, LIMITS.defaultSearchResults) }),
  "Query.model": load,
  "Query.datanet": load,
  "Query.contribution": load,
  "Query.network": call,
  // A timestamp is found by binary search over the chain's blocks (about 30 reads on a long chain).
  "Query.blockAt": (args) => ({ ms: (args.timestamp === undefined || args.timestamp === null ? 2 : 32) * UNIT_MS.call }),
  "Query.freshness": call,
  "Query.recentInferences": page(),
  "Query.topDatanets": (args) => ({ ms: UNIT_MS.call, fanout: limitOf(args, 10) }),
  "Query.topModels": (args) => ({ ms: UNIT_MS.call, fanout: limitOf(args, 10) }),
  "Query.topEarners": (args) => ({ ms: UNIT_MS.call, fanout: limitOf(args, 10) }),
  // totalCount counts the flagged inferences matching the filter.
  "Query.auditInferences": (args, stats) => ({ ms: UNIT_MS.call, page: { size: limitOf(args, LIMITS.defaultPageSize), countMs: UNIT_MS.call + rowsOf(stats, "inference") * UNIT_MS.scan } }),
  "Query.auditTrainingRuns": countedPage(),
  "Account.earningsByRole": free("Account.earningsByRole"),
  "Account.earningsByModel": countedPage(),
  "Account.earningsByDatanet": countedPage(),
  "Account.earningsByContribution": countedPage(),
  "Account.earningsByDay": list("Account.earningsByDay"),
  "Account.accruals": page(),
  "Account.contributions": page(),
  "Account.claims": page(),
  "Account.datanetsOwned": list("Account.datanetsOwned"),
  "Account.modelsOwned": list("Account.modelsOwned"),
  "ModelEarnings.model": load,
  "DatanetEarnings.datanet": load,
  "Inference.model": load,
  "Inference.attributions": loadedList("Inference.attributions"),
  "Inference.accruals": loadedList("Inference.accruals"),
  "Inference.violations": free("Inference.violations"),
  "Attribution.contribution": load,
  "Attribution.datanet": load,
  "TrainingRun.model": load,
  "TrainingRun.flow": call,
  "TrainingRun.datanets": loadedList("TrainingRun.datanets"),
  "Model.parent": load,
  "Model.adapters": list("Model.adapters"),
  "Model.trainingRuns": list("Model.trainingRuns"),
  "Datanet.contributions": page(),
  "Datanet.models": list("Datanet.models"),
  "Datanet.payees": countedPage(),
  "Contribution.datanet": load,
  "Contribution.history": list("Contribution.history"),
  "Contribution.inferences": countedPage(),
  "Contribution.trainingRuns": list("Contribution.trainingRuns"),
  "Contribution.earningsByDay": list("Contribution.earningsByDay"),
  "ContributionInference.inference": call,
  "ContributionInference.model": load,
  "ContributionTrainingRun.model": load,
  // Rebuilds the run's tree (cached per run for the next ones).
  "ContributionTrainingRun.proof": (_a, stats) => ({ ms: UNIT_MS.call + stats.maxRunSet * UNIT_MS.merkleLeaf }),
};

function rowsOf(stats: CostStats, table: string): number {
  return stats.rows[table] ?? stats.defaultRows;
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Coerced variable values (graphql-js getVariableValues). */
  variables: Record<string, unknown>;
  stats: CostStats;
  /** Ponder's generated entity types, by GraphQL type name (ponderArgs.ts). */
  ponderTables: Map<string, PonderTableInfo>;
  lineageNodeCap: number;
}

export interface CostResult {
  /** Estimated milliseconds of server work. */
  cost: number;
  /** Arguments that would fail inside execution: BAD_USER_INPUT errors, in document order. */
  errors: GraphQLError[];
}

/** Estimates an operation's cost and checks the arguments execution would trip on. */
export function operationCost(input: CostInput): CostResult {
  const { schema, fragments, variables, stats, ponderTables } = input;
  const errors: GraphQLError[] = [];
  const env: RuleEnv = {
    lineageNodeCap: input.lineageNodeCap,
    fanout: (key) => Math.max(0, Math.min(stats.fanout[key] ?? LIST_BOUNDS[key] ?? LIMITS.maxPageSize, LIST_BOUNDS[key] ?? LIMITS.maxPageSize)),
  };
  const root = input.operation.operation === "query" ? schema.getQueryType() : null;
  if (!root) return { cost: 0, errors };
  let cost = 0;

  /** The fields a selection set selects on `type`, through fragments (each spread counts, like execution). */
  const fieldsOf = (set: SelectionSetNode, type: GraphQLObjectType, out: FieldNode[], seen: Set<string>): FieldNode[] => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (!sel.typeCondition || sel.typeCondition.name.value === type.name) fieldsOf(sel.selectionSet, type, out, seen);
      } else {
        const frag = fragments[sel.name.value];
        if (!frag || seen.has(frag.name.value) || frag.typeCondition.name.value !== type.name) continue;
        seen.add(frag.name.value);
        fieldsOf(frag.selectionSet, type, out, seen);
        seen.delete(frag.name.value);
      }
    }
    return out;
  };

  const walk = (set: SelectionSetNode, type: GraphQLObjectType, times: number, pageOf: FieldCost["page"] | undefined, path: string, lists?: Record<string, number>) => {
    for (const node of fieldsOf(set, type, [], new Set())) {
      const name = node.name.value;
      if (name.startsWith("__")) {
        cost += times * UNIT_MS.leaf;
        continue;
      }
      const field = type.getFields()[name];
      if (!field) continue; // validation already refused it
      const at = `${path}${node.alias?.value ?? name}`;
      let args: Args;
      try {
        args = getArgumentValues(field, node, variables) as Args;
      } catch (e) {
        errors.push(badArgument(e instanceof Error ? e.message : String(e), at));
        continue;
      }
      checkStrings(args, at, errors);
      const named = getNamedType(field.type);

      if (pageOf && name === "items") {
        walkChildren(node, named, times * pageOf.size, undefined, `${at}.`);
        cost += times * pageOf.size * UNIT_MS.row;
        continue;
      }
      if (pageOf && name === "totalCount") {
        cost += times * pageOf.countMs;
        continue;
      }
      const fc = lists?.[name] !== undefined ? { ms: 0, fanout: lists[name] } : fieldCost(type, field, args, at);
      cost += times * fc.ms;
      if (isLeafType(named)) {
        cost += times * (fc.fanout ?? 1) * UNIT_MS.leaf;
        continue;
      }
      if (fc.page) {
        walkChildren(node, named, times, fc.page, `${at}.`);
        continue;
      }
      const inner = isList(field) ? times * (fc.fanout ?? LIMITS.maxPageSize) : times;
      if (isList(field)) cost += inner * UNIT_MS.row;
      walkChildren(node, named, inner, undefined, `${at}.`, fc.lists);
    }
  };

  const walkChildren = (node: FieldNode, named: ReturnType<typeof getNamedType>, times: number, pageOf: FieldCost["page"] | undefined, path: string, lists?: Record<string, number>) => {
    if (node.selectionSet && isObjectType(named)) walk(node.selectionSet, named, times, pageOf, path, lists);
  };

  const fieldCost = (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, args: Args, at: string): FieldCost => {
    const key = `${parent.name}.${field.name}`;
    const rule = OUR_RULES[key];
    if (rule) return rule(args, stats, env);
    const named = getNamedType(field.type);
    const target = isObjectType(named) ? ponderTables.get(named.name.replace(/Page$/, "")) : undefined;
    const isPonderList = "where" in argMap(field) && "orderBy" in argMap(field);
    if (isPonderList && target) {
      errors.push(...checkPonderListArgs(target, args, at));
      const parentTable = ponderTables.get(parent.name);
      // A relation reads its parent's range of the child table; a root list the whole table.
      const scanned = parentTable ? rowsOf(stats, target.table) / Math.max(1, rowsOf(stats, parentTable.table)) : rowsOf(stats, target.table);
      const size = typeof args.limit === "number" && args.limit > 0 ? Math.min(args.limit, LIMITS.maxPageSize) : 50;
      const offset = typeof args.offset === "number" && args.offset > 0 ? args.offset : 0;
      const scanMs = (target.needsScan(args) ? scanned : offset) * UNIT_MS.scan;
      return { ms: UNIT_MS.call + scanMs, page: { size, countMs: UNIT_MS.call + scanned * UNIT_MS.scan } };
    }
    if (target && ponderTables.has(parent.name)) return { ms: UNIT_MS.load }; // a one-relation (batched)
    if (target && parent === root) return { ms: UNIT_MS.load }; // Ponder's singular field: by primary key
    if (parent === root) return { ms: UNIT_MS.call }; // _meta and anything new at the root
    return { ms: 0 };
  };

  walk(input.operation.selectionSet, root, 1, undefined, "");
  return { cost: Math.round(cost * 10) / 10, errors };
}

function isList(field: GraphQLField<unknown, unknown>): boolean {
  const t = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(t);
}

function argMap(field: GraphQLField<unknown, unknown>): Record<string, true> {
  return Object.fromEntries(field.args.map((a) => [a.name, true as const]));
}

function badArgument(message: string, at: string, argument?: string): GraphQLError {
  return new GraphQLError(`${at}: ${message}`, { extensions: argument ? { code: "BAD_USER_INPUT", argument } : { code: "BAD_USER_INPUT" } });
}

/** PostgreSQL text cannot hold NUL: a string argument with one would fail inside the database. */
function checkStrings(args: Args, at: string, errors: GraphQLError[]) {
  const visit = (value: unknown, argument: string, depth: number): boolean => {
    if (depth > 64) return false;
    if (typeof value === "string") {
      if (value.includes("\u0000")) {
        errors.push(badArgument(`argument ${argument} contains a NUL character (U+0000), which no indexed text holds`, at, argument));
        return true;
      }
      return false;
    }
    if (Array.isArray(value)) return value.some((v) => visit(v, argument, depth + 1));
    if (value && typeof value === "object") return Object.values(value).some((v) => visit(v, argument, depth + 1));
    return false;
  };
  for (const [name, value] of Object.entries(args)) visit(value, name, 0);
}
