import { describe, expect, test } from "vitest";
import { merkleRoot } from "./merkle.js";
import {
  classifyAccrual,
  contributionRules,
  lineageDatanets,
  loadViolations,
  splitMismatch,
  storeViolations,
  verdict,
  verifyTraining,
  type AttributedFacts,
  type Violation,
} from "./audit.js";
import { Status } from "./roles.js";

const f = (contributionId: bigint, status: number | null, datanetId: bigint | null): AttributedFacts => ({ contributionId, status, datanetId });

describe("contribution rules", () => {
  test.each<[string, AttributedFacts[], bigint[], Violation[]]>([
    ["an accepted contribution of a trained datanet is clean", [f(1n, Status.Accepted, 1n)], [1n], []],
    ["a pending contribution is not accepted", [f(1n, Status.Pending, 1n)], [1n], [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [1n] }]],
    ["a rejected contribution is not accepted", [f(2n, Status.Rejected, 1n)], [1n], [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [2n] }]],
    ["a revoked contribution is not accepted", [f(3n, Status.Revoked, 1n)], [1n], [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [3n] }]],
    ["a datanet no model of the lineage trained on is outside it", [f(1n, Status.Accepted, 2n)], [1n], [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [1n] }]],
    ["an untrained model has no lineage", [f(1n, Status.Accepted, 1n)], [], [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [1n] }]],
    [
      "an unknown contribution breaks both rules",
      [f(9n, null, null)],
      [1n],
      [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [9n] }, { rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [9n] }],
    ],
    [
      "each rule names only its own contributions, in attribution order",
      [f(5n, Status.Accepted, 1n), f(4n, Status.Pending, 1n), f(3n, Status.Accepted, 7n), f(2n, Status.Revoked, 7n)],
      [1n],
      [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [4n, 2n] }, { rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [3n, 2n] }],
    ],
  ])("%s", (_name, facts, lineage, expected) => {
    expect(contributionRules(facts, new Set(lineage))).toEqual(expected);
  });

  test("the lineage is the union of the model's and its ancestors' training datanets", () => {
    expect([...lineageDatanets([{ trainedDatanetIds: [3n, 1n] }, { trainedDatanetIds: [1n, 2n] }, { trainedDatanetIds: [] }])].sort()).toEqual([1n, 2n, 3n]);
  });
});

describe("split matching", () => {
  const row = (expectedAmount: bigint, expected = true, observed = false) => ({ expectedAmount, expected, observed });
  test.each<[string, ReturnType<typeof row> | null, bigint, "match" | "unexpected"]>([
    ["the predicted amount matches", row(100n), 100n, "match"],
    ["a different amount does not", row(100n), 99n, "unexpected"],
    ["an accrual nobody predicted does not", null, 1n, "unexpected"],
    ["a second accrual for the same account and role does not", row(100n, true, true), 100n, "unexpected"],
    ["a row written by an earlier unexpected accrual does not", row(0n, false, true), 0n, "unexpected"],
  ])("%s", (_name, r, amount, expected) => {
    expect(classifyAccrual(r, amount)).toBe(expected);
  });

  test.each([
    [{ expected: 4, matched: 4, unexpected: 0 }, false],
    [{ expected: 4, matched: 3, unexpected: 0 }, true],
    [{ expected: 4, matched: 4, unexpected: 1 }, true],
    [{ expected: 0, matched: 0, unexpected: 0 }, false],
    [{ expected: 2, matched: 1, unexpected: 1 }, true],
  ])("tally %o is a mismatch: %s", (tally, mismatch) => {
    expect(splitMismatch(tally)).toBe(mismatch);
  });
});

describe("verdict", () => {
  test("clean when nothing is broken", () => {
    expect(verdict([], false, [1n, 2n])).toEqual({ clean: true, violations: [] });
  });
  test("SPLIT_MISMATCH names every attributed contribution and sorts after the contribution rules", () => {
    const v = verdict([{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [2n] }], true, [1n, 2n]);
    expect(v).toEqual({
      clean: false,
      violations: [
        { rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [2n] },
        { rule: "SPLIT_MISMATCH", contributionIds: [1n, 2n] },
      ],
    });
  });
  test("violations survive the JSON round trip of the inference row, and junk is dropped", () => {
    const v: Violation[] = [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [12345678901234567890n] }];
    expect(loadViolations(JSON.parse(JSON.stringify(storeViolations(v))))).toEqual(v);
    expect(loadViolations([{ rule: "NOPE", contributionIds: [] }, null, { rule: "SPLIT_MISMATCH" }])).toEqual([]);
    expect(loadViolations("not an array")).toEqual([]);
  });
});

describe("training verification", () => {
  const ids = [3n, 1n, 2n];
  test.each([
    ["the honest claim is verified", merkleRoot([1n, 2n, 3n]), 3, true],
    ["a wrong count is not", merkleRoot([1n, 2n, 3n]), 4, false],
    ["a root over another set is not", merkleRoot([1n, 2n]), 3, false],
    ["an upper-case root is the same root", merkleRoot([1n, 2n, 3n]).toUpperCase().replace("0X", "0x") as `0x${string}`, 3, true],
  ])("%s", (_name, claimedRoot, claimedCount, verified) => {
    const r = verifyTraining({ claimedRoot, claimedCount, acceptedIds: ids });
    expect(r).toEqual({ recomputedRoot: merkleRoot([1n, 2n, 3n]), recomputedCount: 3, verified });
  });
  test("the empty set has the zero root and count 0", () => {
    expect(verifyTraining({ claimedRoot: `0x${"0".repeat(64)}`, claimedCount: 0, acceptedIds: [] })).toMatchObject({ recomputedCount: 0, verified: true });
  });
});
