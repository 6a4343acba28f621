/**
 * The cost budget against the queries people send, planned by the gateway the server builds
 * (offline: no database is needed to plan): every query of the explorer, the README and the CLI
 * passes with room to spare even on the large scenario's data, and the hostile queries that froze
 * the server are refused before anything runs. Bad input to Ponder's list fields is a client error.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import * as explorerQueries from "../../explorer-ui/src/api/queries.js";
import { EARNINGS_QUERY } from "../cli.js";
import { buildOfflineGateway } from "../schemaText.js";
import type { Gateway, GraphqlResponse, Plan } from "./gateway.js";
import { costStatsFrom } from "./costStats.js";
import { LIMITS } from "./limits.js";

/** The simulator's large scenario (sim/scenario.ts): 1,000,000 inferences, ~10.6 attributions each. */
const LARGE_FIGURES = {
  inferences: 1_000_000, attributions: 10_600_000, contributions: 12_000, datanets: 40, models: 30, trainingRuns: 150, accounts: 400,
  daysSpanned: 120, maxDatanetsOwned: 4, maxModelsOwned: 4, maxAdapters: 4, maxRunsPerModel: 8, maxDatanetsPerRun: 6, maxModelsPerDatanet: 12, maxRunSet: 6_000,
  // The busiest of 40 datanets (265,000 attributions each on average), or the busiest contributor.
  maxRootAttributions: 400_000,
};
const LARGE = costStatsFrom(LARGE_FIGURES);

const ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const HASH = `0x${"ab".repeat(32)}`;

/** The largest variables the explorer sends for each of its queries (pages at 50, the lineage at its caps). */
const EXPLORER_VARIABLES: Record<string, Record<string, unknown>> = {
  HOME: { limit: 8 },
  RECENT_INFERENCES: { limit: 12 },
  SEARCH: { text: "model", limit: 50 },
  ACCOUNT: { address: ADDRESS, limit: 20, block: { number: "1000" } },
  ACCOUNT_CONTRIBUTION_EARNINGS: { address: ADDRESS, limit: 50 },
  ACCOUNT_CONTRIBUTIONS: { address: ADDRESS, limit: 50 },
  ACCOUNT_CLAIMS: { address: ADDRESS, limit: 50 },
  MODEL: { id: "1" },
  MODEL_LINEAGE: { modelId: "1", depth: LIMITS.maxLineageDepth, limit: LIMITS.maxLineageLimit, minWeightPpm: 0, recentInferences: LIMITS.maxLineageInferences },
  CONTRIBUTION_LINEAGE: { id: "42", depth: LIMITS.maxLineageDepth, limit: LIMITS.maxLineageLimit, minWeightPpm: 0, recentInferences: LIMITS.maxLineageInferences },
  DATANET_LINEAGE: { id: "1", depth: LIMITS.maxLineageDepth, limit: LIMITS.maxLineageLimit, minWeightPpm: 0, recentInferences: LIMITS.maxLineageInferences },
  ACCOUNT_LINEAGE: { id: ADDRESS, depth: LIMITS.maxLineageDepth, limit: LIMITS.maxLineageLimit, minWeightPpm: 0, recentInferences: LIMITS.maxLineageInferences },
  CONTRIBUTION_EARNINGS: { id: "42", block: { number: "1000" } },
  TRAINING_RUN: { modelId: "1", version: 1 },
  CONTRIBUTION_PROOF: { modelId: "1", version: 1, contributionId: "42" },
  DATANET: { id: "1", status: null, limit: 50, after: null },
  CONTRIBUTION: { id: "42" },
  CONTRIBUTION_INFERENCES: { id: "42", limit: 50, block: { number: "1000" } },
  CONTRIBUTION_RUNS: { id: "42", block: { number: "1000" } },
  INFERENCE: { id: "7" },
  INFERENCES_BY_OUTPUT: { outputHash: HASH },
  AUDIT_INFERENCES: { rule: "SPLIT_MISMATCH", modelId: "1", datanetId: null, limit: 50 },
  AUDIT_TRAINING_RUNS: { modelId: null, limit: 50 },
  BLOCK_AT: { number: null, timestamp: "2208988800" },
};

const explorer = Object.entries(explorerQueries as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string" && /^\s*query\s/.test(e[1]));

/** The ```graphql query blocks of the README (subscriptions are not planned here), with the sample values it shows made concrete. */
const readme = [...readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8").matchAll(/```graphql\n([\s\S]*?)```/g)]
  .map((m, i) => [`README block ${i + 1}`, m[1]!.replace(/"0x…"/g, `"${HASH}"`)] as [string, string])
  .filter(([, q]) => !/^\s*subscription\b/.test(q));

let gateway: Gateway;
beforeAll(async () => {
  gateway = await buildOfflineGateway();
}, 60_000);

function planned(query: string, variables?: Record<string, unknown>): Plan {
  return gateway.plan({ query, variables }, LARGE);
}

function refusal(query: string, variables?: Record<string, unknown>): GraphqlResponse {
  const p = planned(query, variables);
  if (p.ok) throw new Error(`planned at ${p.cost} ms instead of being refused`);
  return p.response;
}

test("a downstream lineage as of a block is costed with the scans of its root's facts it may need", () => {
  const q = `query A($b: BlockHeight) { accountLineage(address: "${ADDRESS}", recentInferences: 200, block: $b) { nodes { id } edges { from } } }`;
  const now = planned(q, {});
  const then = planned(q, { b: { number: "1000" } });
  if (!now.ok || !then.ok) throw new Error("refused");
  expect(then.cost - now.cost).toBeCloseTo(2 * LARGE.maxRootAttributions * 0.001, 3);
});

describe("every query people send fits in half the budget, on the large scenario's data", () => {
  test("the explorer's queries are all here", () => {
    expect(explorer.map(([name]) => name).sort()).toEqual(Object.keys(EXPLORER_VARIABLES).sort());
    expect(readme.length).toBeGreaterThanOrEqual(4);
  });

  test.each([...explorer.map(([name, q]) => [`explorer ${name}`, q, EXPLORER_VARIABLES[name]] as const), ...readme.map(([name, q]) => [name, q, undefined] as const), ["CLI earnings", EARNINGS_QUERY, { address: ADDRESS }] as const])(
    "%s",
    (_name, query, variables) => {
      const p = planned(query, variables as Record<string, unknown> | undefined);
      if (!p.ok) throw new Error(JSON.stringify(p.response.body));
      expect(p.cost).toBeGreaterThan(0);
      expect(p.cost).toBeLessThanOrEqual(gateway.budgetMs / 2);
    },
  );
});

describe("queries whose cost multiplies are refused before they run", () => {
  test.each([
    ["ours nested three times", "{ datanet(id:1){contributions(limit:1000){items{datanet{contributions(limit:1000){items{datanet{contributions(limit:1000){items{id}}}}}}}}} }"],
    ["Ponder's nested three times", "{ attributions(limit:100){items{contribution{attributions(limit:100){items{contribution{attributions(limit:100){items{weightPpm}}}}}}}}}"],
    ["Ponder's lists nested four deep at their default limit, within the depth limit", "{ datanets { items { contributions { items { attributions { items { inference { attributions { items { weightPpm } } } } } } } } } }"],
    ["fifteen aliased lineages at their caps", `{ ${Array.from({ length: 15 }, (_, i) => `l${i}: modelLineage(modelId: "1", depth: 8, limit: 5000, minWeightPpm: ${i}) { nodes { id } }`).join(" ")} }`],
    ["a page of inferences with every attribution's contribution's history, through a fragment", "query { recentInferences(limit: 1000) { items { ...I } } } fragment I on Inference { attributions { contribution { history { by } } } accruals { amount } }"],
  ])("%s", (_name, query) => {
    const r = refusal(query);
    expect(r.status).toBe(400);
    const e = r.body.errors?.[0];
    expect(e?.extensions?.code).toBe("QUERY_TOO_COSTLY");
    expect(e?.message).toMatch(/^the query's estimated cost is [\d,]+ ms, over the budget of 3,000 ms/);
    expect(e?.extensions?.cost).toBeGreaterThan(gateway.budgetMs);
    expect(e?.extensions?.budget).toBe(gateway.budgetMs);
  });

  test("the same nesting with small limits passes: cost follows the limits, not the shape", () => {
    const p = planned("{ datanet(id:1){contributions(limit:10){items{datanet{contributions(limit:10){items{datanet{contributions(limit:10){items{id}}}}}}}}} }");
    expect(p.ok).toBe(true);
  });

  test("cost grows with the limit of each nested list", () => {
    const cost = (a: number, b: number) => {
      const p = planned(`{ attributions(limit:${a}){items{contribution{attributions(limit:${b}){items{weightPpm}}}}} }`);
      return p.ok ? p.cost : Number((p.response.body.errors?.[0]?.extensions as { cost: number }).cost);
    };
    expect(cost(20, 20)).toBeLessThan(cost(20, 40));
    expect(cost(20, 40)).toBeLessThan(cost(40, 40));
    expect(cost(100, 100) / cost(10, 10)).toBeGreaterThan(20);
  });

  test("a count over a table of millions costs what reading it costs: refused at large, not at small", () => {
    expect(planned("{ attributions(limit: 10) { items { weightPpm } } }").ok).toBe(true);
    const counted = "{ attributions(limit: 10) { items { weightPpm } totalCount } }";
    expect(refusal(counted).body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COSTLY");
    const small = costStatsFrom({ ...LARGE_FIGURES, inferences: 5_000, attributions: 53_000 });
    expect(gateway.plan({ query: counted }, small).ok).toBe(true);
  });
});

describe("bad input to any list field is a client error, before anything runs", () => {
  test.each([
    ["limit 0 on Ponder's list", "{ inferences(limit: 0) { items { id } } }", "limit", "limit must be from 1 to 1000, got 0"],
    ["limit -1 on Ponder's list", "{ inferences(limit: -1) { items { id } } }", "limit", "limit must be from 1 to 1000, got -1"],
    ["limit over the cap", "{ inferences(limit: 1001) { items { id } } }", "limit", "limit must be from 1 to 1000"],
    ["negative offset", "{ inferences(offset: -5) { items { id } } }", "offset", "offset must be from 0 to 10000, got -5"],
    ["garbage after cursor", '{ inferences(after: "garbage!!") { items { id } } }', "after", "after is not a cursor returned by this API"],
    ["base64 that is not a cursor", `{ inferences(after: "${Buffer.from('{"json":{"nope":1}}').toString("base64")}") { items { id } } }`, "after", "after is not a cursor"],
    ["a cursor of another sort order", `{ inferences(orderBy: "fee", after: "${Buffer.from('{"json":{"id":"5"},"meta":{"values":{"id":["bigint"]}}}').toString("base64")}") { items { id } } }`, "after", "after is not a cursor"],
    ["after and before", `{ inferences(after: "${Buffer.from('{"json":{"id":"5"},"meta":{"values":{"id":["bigint"]}}}').toString("base64")}", before: "${Buffer.from('{"json":{"id":"9"},"meta":{"values":{"id":["bigint"]}}}').toString("base64")}") { items { id } } }`, "before", "not both"],
    ["orderBy no column", '{ inferences(orderBy: "nope") { items { id } } }', "orderBy", "is not a column of inference"],
    ["orderDirection", '{ inferences(orderDirection: "sideways") { items { id } } }', "orderDirection", 'orderDirection must be "asc" or "desc"'],
    ["NUL in a where string", '{ datanets(where: { name: "a\\u0000b" }) { items { id } } }', "where", "NUL character"],
    ["NUL in search", '{ search(text: "a\\u0000b") { id } }', "text", "NUL character"],
    ["NUL in a nested relation's where", '{ datanets { items { contributions(where: { uri_contains: "\\u0000" }) { items { id } } } } }', "where", "NUL character"],
    ["a garbage cursor on a nested relation", '{ datanets { items { contributions(after: "%%%") { items { id } } } } }', "after", "after is not a cursor"],
  ])("%s", (_name, query, argument, message) => {
    const r = refusal(query);
    expect(r.status).toBe(400);
    const e = r.body.errors?.[0];
    expect(e?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(e?.extensions?.argument).toBe(argument);
    expect(e?.message).toContain(message);
  });

  test("a where nested 1,500 levels (in variables) is refused, not run", () => {
    let where: Record<string, unknown> = { id: "1" };
    for (let i = 0; i < 1500; i++) where = { AND: [where] };
    const r = refusal("query($w: InferenceRowFilter) { inferences(where: $w) { items { id } } }", { w: where });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.body.errors?.[0]?.message).toContain("variables nest deeper than 32 levels");
  });

  test("a where nested within the variables limit but past Ponder's is refused by name", () => {
    let where: Record<string, unknown> = { id: "1" };
    for (let i = 0; i < 10; i++) where = { AND: [where] };
    const r = refusal("query($w: InferenceRowFilter) { inferences(where: $w) { items { id } } }", { w: where });
    expect(r.body.errors?.[0]?.message).toContain("where nests AND/OR deeper than 8 levels");
  });

  test("Ponder's own cursors and sane arguments pass", () => {
    const cursor = Buffer.from('{"json":{"fee":"5","id":"7"},"meta":{"values":{"fee":["bigint"],"id":["bigint"]}}}').toString("base64");
    const p = planned(`{ inferences(orderBy: "fee", orderDirection: "desc", after: "${cursor}", limit: 100, where: { modelId: "1", fee_gt: "0" }) { items { id } pageInfo { endCursor } } }`);
    expect(p.ok).toBe(true);
  });
});
