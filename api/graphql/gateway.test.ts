/**
 * The stitching gateway over a stand-in for Ponder's generated schema (same shared types, same
 * kind of root fields), executed in process: collisions, delegation, the short path, limits.
 */
import { describe, expect, test } from "vitest";
import { execute, parse } from "graphql/index.js";
import { makeSchema as makeExecutableSchema } from "./executable.js";
import { buildGateway, introspectPonder, selectsRootField, touchesOnly, type PonderExecutor } from "./gateway.js";
import { LIMITS } from "./limits.js";
import { BigIntScalar } from "./scalars.js";

const ponderLike = makeExecutableSchema(/* GraphQL */ `
    scalar BigInt
    scalar JSON
    type PageInfo { hasNextPage: Boolean!, hasPreviousPage: Boolean!, startCursor: String, endCursor: String }
    type Meta { status: JSON }
    type account { address: String!, accrued: BigInt! }
    type accountPage { items: [account!]!, pageInfo: PageInfo!, totalCount: Int! }
    input accountFilter { accrued_gt: BigInt }
    type Query {
      account(address: String!): account
      accounts(where: accountFilter, limit: Int): accountPage!
      _meta: Meta
    }
  `,
  {
    Query: {
      account: () => ({ address: "ponder", accrued: "1" }),
      accounts: (_: unknown, args: { where?: { accrued_gt?: string } }) => {
        const rows = [{ address: "0xa", accrued: "5" }, { address: "0xb", accrued: "50" }];
        const min = args.where?.accrued_gt !== undefined ? BigInt(args.where.accrued_gt) : -1n;
        const items = rows.filter((r) => BigInt(r.accrued) > min);
        return { items, pageInfo: { hasNextPage: false, hasPreviousPage: false }, totalCount: items.length };
      },
      _meta: () => ({ status: { ok: true } }),
    },
  },
);

let ponderCalls = 0;
const executor: PonderExecutor = async (req) => {
  ponderCalls++;
  // Like the real middleware: JSON over a Request, so bigint must already be strings.
  const wire = JSON.parse(JSON.stringify(req));
  return (await execute({ schema: ponderLike, document: parse(wire.query), variableValues: wire.variables, operationName: wire.operationName })) as never;
};

const ours = makeExecutableSchema(/* GraphQL */ `
    scalar BigInt
    type PageInfo { hasNextPage: Boolean!, hasPreviousPage: Boolean!, startCursor: String, endCursor: String }
    type Account { address: String!, claimable: BigInt! }
    type Query { account(address: String!): Account!, echo(n: BigInt!): BigInt! }
  `,
  {
    BigInt: BigIntScalar,
    Query: {
      account: (_: unknown, a: { address: string }) => ({ address: a.address, claimable: 7n }),
      echo: (_: unknown, a: { n: bigint }) => a.n * 2n,
    },
  },
);

async function gateway() {
  return buildGateway({ ours, ponder: { schema: await introspectPonder(executor), executor } });
}

describe("the stitched gateway", () => {
  test("our root field wins a name collision and runs without delegating", async () => {
    const gw = await gateway();
    ponderCalls = 0;
    const r = await gw.run({ query: '{ account(address: "0x1") { address claimable } }' }, {});
    expect(r).toEqual({ status: 200, body: { data: { account: { address: "0x1", claimable: "7" } } } });
    expect(ponderCalls).toBe(0);
  });

  test("Ponder's list fields are delegated, with BigInt variables sent as strings", async () => {
    const gw = await gateway();
    const r = await gw.run({ query: "query($m: BigInt) { accounts(where: {accrued_gt: $m}) { items { address accrued } totalCount pageInfo { hasNextPage } } }", variables: { m: "10" } }, {});
    expect(r.body).toEqual({ data: { accounts: { items: [{ address: "0xb", accrued: "50" }], totalCount: 1, pageInfo: { hasNextPage: false } } } });
  });

  test("one query can mix both schemas", async () => {
    const gw = await gateway();
    const r = await gw.run({ query: '{ echo(n: "21") _meta { status } accounts { totalCount } }' }, {});
    expect(r.body).toEqual({ data: { echo: "42", _meta: { status: { ok: true } }, accounts: { totalCount: 2 } } });
  });

  test("Ponder's table types are published in PascalCase with a Row suffix, never merged with ours", async () => {
    const gw = await gateway();
    for (const name of ["AccountRow", "AccountRowPage", "AccountRowFilter"]) expect(gw.schema.getType(name), name).toBeDefined();
    for (const name of ["account", "accountPage", "accountFilter"]) expect(gw.schema.getType(name), name).toBeUndefined();
    expect(Object.keys((gw.schema.getType("Account") as never as { getFields(): object }).getFields())).toEqual(["address", "claimable"]);
    expect(gw.printed()).toContain("type PageInfo");
  });

  test("introspection goes to the whole schema", () => {
    const doc = parse("{ __schema { types { name } } account(address: \"x\") { address } }");
    expect(touchesOnly(doc, new Set(["account"]))).toBe(false);
    expect(touchesOnly(parse("query { ...F } fragment F on Query { account(address: \"x\") { address } }"), new Set(["account"]))).toBe(true);
  });
});

describe("which responses the answer cache may keep", () => {
  test.each([
    ['{ modelLineage(modelId: "1") { truncated } }', true],
    ['query L { ...F } fragment F on Query { modelLineage(modelId: "1") { truncated } }', true],
    ['{ ... on Query { modelLineage(modelId: "1") { truncated } } }', true],
    ['{ account(address: "x") { address } }', false],
    ['{ accountLineage: account(address: "x") { modelLineage: address } }', false],
  ])("%s selects modelLineage at the root: %s", (query, expected) => {
    expect(selectsRootField(parse(query), "modelLineage")).toBe(expected);
  });
});

describe("limits and bad requests", () => {
  const deep = `{ ${"accounts { items { address } } ".repeat(1)} }`;
  test.each([
    [{ query: "{ " + "a: account(address: \"x\") { address } ".replace("a:", "a0:") + Array.from({ length: LIMITS.maxAliases }, (_, i) => `a${i + 1}: account(address: "x") { address }`).join(" ") + " }" }, "more than 15 aliases", "QUERY_LIMIT_EXCEEDED"],
    [{ query: `{ ${"__typename ".repeat(LIMITS.maxTokens + 1)} }` }, "more than 1000 tokens", "QUERY_LIMIT_EXCEEDED"],
    [{ query: "{ account(address: \"x\") { nope } }" }, 'Cannot query field "nope"', "GRAPHQL_VALIDATION_FAILED"],
    [{ query: "{ account(address: " }, "Syntax Error", "GRAPHQL_PARSE_FAILED"],
    [{}, "the request has no query", "BAD_REQUEST"],
    [{ query: "mutation { x }" }, "this API is read-only", "BAD_REQUEST"],
    [{ query: "query($n: BigInt!) { echo(n: $n) }" }, 'Variable "$n" of required type "BigInt!" was not provided', "BAD_USER_INPUT"],
    [{ query: "{ account(address: \"x\") { address } }", variables: [1] }, "variables must be a JSON object", "BAD_REQUEST"],
    [{ query: '{ echo(n: "abc") }' }, 'BigInt cannot represent "abc"', "BAD_USER_INPUT"],
    [{ query: '{ accounts(where: { accrued_gt: "abc" }) { totalCount } }' }, 'BigInt cannot represent "abc"', "BAD_USER_INPUT"],
  ])("rejects %s with a clear message", async (req, message, code) => {
    const gw = await gateway();
    const r = await gw.run(req, {});
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.message).toContain(message);
    expect(r.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    void deep;
  });

  test("depth beyond the limit is rejected, introspection gets its own bound", async () => {
    const { maxDepthRule } = await import("./limits.js");
    const { validate, buildSchema } = await import("graphql/index.js");
    const s = buildSchema("type N { n: N, x: Int } type Query { n: N }");
    const q = (d: number) => parse(`{ ${"n { ".repeat(d - 1)} x ${"} ".repeat(d - 1)} }`);
    expect(validate(s, q(10), [maxDepthRule(10, 16)])).toHaveLength(0);
    expect(validate(s, q(11), [maxDepthRule(10, 16)])[0]?.message).toBe("query depth 11 exceeds the limit of 10; split it into several queries");
    const intro = parse("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }");
    expect(validate(s, intro, [maxDepthRule(10, 16)])).toHaveLength(0);
  });
});

