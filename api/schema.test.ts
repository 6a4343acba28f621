/**
 * schema.graphql is the published API: it must equal what /graphql serves (built offline here the
 * same way the server builds it; api/api.test.ts also compares it with a live server). On a
 * failure, run `npm run schema:write`, review the diff (apps rely on these names) and commit.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { SCHEMA_FILE, buildPublishedSchema } from "./schemaText.js";

test("the committed schema.graphql equals the served schema (run `npm run schema:write` after a change)", async () => {
  const served = await buildPublishedSchema();
  const committed = readFileSync(SCHEMA_FILE, "utf8");
  expect(served, "schema.graphql is out of date: run `npm run schema:write` and commit it").toBe(committed);
});

test("the published schema keeps the names third-party apps rely on (they never change; fields and optional arguments may be added)", () => {
  const text = readFileSync(SCHEMA_FILE, "utf8");
  for (const line of [
    // block was added later (as of a past block): an optional argument, so existing queries keep working.
    "account(address: String!, block: BlockHeight): Account!",
    "inference(id: BigInt!): Inference",
    "inferencesByOutput(outputHash: String!): [Inference!]!",
    "trainingRun(modelId: BigInt!, version: Int!): TrainingRun",
    "contributionProof(contributionId: BigInt!, modelId: BigInt!, version: Int!): ContributionProof",
    // recentInferences was added later: an optional argument, so existing queries keep working.
    "modelLineage(block: BlockHeight, depth: Int, limit: Int, minWeightPpm: Int, modelId: BigInt!, recentInferences: Int): ModelLineage",
    "search(limit: Int, text: String!): [SearchResult!]!",
    "clean: Boolean!",
    "verified: Boolean!",
    "accrued: BigInt!",
    "claimed: BigInt!",
    "claimable: BigInt!",
  ]) {
    expect(text).toContain(line);
  }
  // Ponder's generated list fields are served beside ours.
  expect(text).toMatch(/inferences\(after: String, .*\): InferenceRowPage!/);
});
