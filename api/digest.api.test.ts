/**
 * Every answer unchanged by the write path: the digest of what the API serves (npm run digest:api,
 * api/digest.ts) over the API test scenario (tiny, seed 7, the testkit's extras, a fixed clock so
 * timestamps repeat) equals, section by section, the digest of the indexer before it (commit fff994c,
 * which kept every total in aggregate tables updated row by row), computed once with that commit's
 * code over the same chain and written here.
 *
 * Changed on purpose since, and asked the way the server of before could answer:
 * - the explorer's training-run rows gained `flow` (what inferences drew on each run): the digest is
 *   taken without it, so models, training runs and audit: training runs compare with the old values;
 * - "lineage (explorer default)" credits the training run each inference drew on (PROTOCOL.md's
 *   rule, which the old indexer approximated by the model's latest runs): pinned to the new value;
 *   api/lineage.runs.api.test.ts checks its flows against the facts.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { postgresAvailable } from "../testkit/indexer.js";
import { digestApi } from "./digest.js";
import { startApiScenario, type ApiScenario } from "../testkit/api.js";

const BEFORE: Record<string, string> = {
  home: "a7f39cfaf57108ad54b60afd0563736857b92a381b61a855ce1b28d1d0b00220",
  "recent inferences": "c4db528b127952e190c4e82132c37d73d60835f82f1f724c3aa7b78432fba2a0",
  "audit: inferences": "e8ed967d60b9384eb15eea8c90e30e87929f6634f5e91d90f48f1eba849eceba",
  "audit: training runs": "4393bc4e1e0ec57c3a0c05c29d9ad9ab9106bcc58bdbda408330a14545bba1d6",
  models: "67bd1d8f92dd152839a6da55fe8a4ad48491948f8ae429986aafb309fffa1c18",
  // Before: ff2494da2878bc30dcd107335e0cb358e3ba1fbc2e946b6eab788a1bacfec81f (lineage by the model's latest runs).
  "lineage (explorer default)": "f49f81f6dc04e687ef3147ba912ab0a604bcf0bbb6fcbff0a9e3d1f91dff5385",
  "training runs": "3c19a4acf8f3d8664a91e99adbe36068c38cb3e6eb4fb62fc751bb26b4cc2c42",
  datanets: "032361016ba1bde2e5d041add34bb60c043cac9f77734df3d359fe7cc0603ab7",
  contributions: "dbf5fb58c375fea1657d50ea3a6d77dc41781d1a757f9d34a670f8fc123c9160",
  inferences: "1296386bf25265ee0fa0114e8d39c84c745f320282a22fbe4481d8484f740587",
  accounts: "686dc3cb9c3cdf0aa80ce4c03df7a45a0b296a5c3725d61f568980d9f9a5949f",
};

/** The run rows as the explorer asked for them before `flow`. */
const withoutFlow = (query: string) => query.replace(/\s*flow \{ attributionCount amount \}/g, "");

const hasPostgres = await postgresAvailable();
let s: ApiScenario | undefined;
beforeAll(async () => {
  if (hasPostgres) s = await startApiScenario("postgres", { seed: 7, fixedClock: true });
}, 600_000);
afterAll(async () => {
  await s?.stop();
});

test("the digest asks the run rows without flow, as the server of before could answer", () => {
  expect(withoutFlow("verified transactionHash\n  flow { attributionCount amount }`")).toBe("verified transactionHash`");
});

test.runIf(hasPostgres)("the API serves what the indexer before the write path served, section by section", async () => {
  const digest = await digestApi({ url: s!.url, rewriteQuery: withoutFlow });
  expect(Object.fromEntries(digest.sections.map((x) => [x.name, x.sha256]))).toEqual(BEFORE);
}, 300_000);
