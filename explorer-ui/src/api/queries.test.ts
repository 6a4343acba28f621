/**
 * Every query the explorer sends must validate against the API's schema: the published
 * schema.graphql when it exists, else the API's own type definitions. A renamed field fails here.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";
import { describe, expect, test } from "vitest";
import * as queries from "./queries";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

async function loadSchema(): Promise<{ schema: GraphQLSchema; from: string }> {
  const published = `${repo}schema.graphql`;
  if (existsSync(published)) return { schema: buildSchema(readFileSync(published, "utf8")), from: "schema.graphql" };
  const mod = (await import("../../../api/graphql/typeDefs")) as { typeDefs: string };
  return { schema: buildSchema(mod.typeDefs), from: "api/graphql/typeDefs.ts" };
}

const all: Array<[string, string]> = Object.entries(queries as Record<string, unknown>).flatMap(([k, v]) => (typeof v === "string" && /^\s*(query|subscription)\s/.test(v) ? [[k, v] as [string, string]] : []));

describe("queries match the API schema", async () => {
  const { schema, from } = await loadSchema();
  test("there are queries to check", () => {
    expect(all.length).toBeGreaterThan(10);
  });
  test.each(all)(`%s validates against ${from}`, (_name, q) => {
    const errors = validate(schema, parse(q)).map((e) => e.message);
    expect(errors).toEqual([]);
  });
});
