import { describe, expect, test } from "vitest";
import { merkleRoot } from "./merkle.js";
import {
  contributionRules,
  explain,
  lineageDatanets,
  loadViolations,
  matchAccruals,
  splitMismatchOf,
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
  const a = (account: string, role: number, amount: bigint) => ({ account, role, amount });
  const split = [a("0xaa", 0, 50n), a("0xbb", 1, 200n), a("0xcc", 3, 750n)];
  test.each<[string, ReturnType<typeof a>[], boolean[], boolean]>([
    ["the chain's accruals as predicted, in any order", [a("0xcc", 3, 750n), a("0xaa", 0, 50n), a("0xbb", 1, 200n)], [true, true, true], false],
    ["addresses in another case still match", [a("0xAA", 0, 50n), a("0xBB", 1, 200n), a("0xCC", 3, 750n)], [true, true, true], false],
    ["a wrong amount", [a("0xaa", 0, 50n), a("0xbb", 1, 199n), a("0xcc", 3, 750n)], [true, false, true], true],
    ["a missing accrual", [a("0xaa", 0, 50n), a("0xbb", 1, 200n)], [true, true], true],
    ["an accrual nobody predicted", [...split, a("0xdd", 2, 1n)], [true, true, true, false], true],
    ["an accrual under the wrong role", [a("0xaa", 0, 50n), a("0xbb", 2, 200n), a("0xcc", 3, 750n)], [true, false, true], true],
    ["the same accrual twice", [a("0xaa", 0, 50n), a("0xaa", 0, 50n), a("0xbb", 1, 200n), a("0xcc", 3, 750n)], [false, false, true, true], true],
    ["nothing emitted for a predicted split", [], [], true],
  ])("%s", (_name, observed, matches, mismatch) => {
    expect(matchAccruals(split, observed)).toEqual(matches);
    expect(splitMismatchOf(split, observed)).toBe(mismatch);
  });

  test("no split predicted and nothing emitted is no mismatch; anything emitted is", () => {
    expect(splitMismatchOf([], [])).toBe(false);
    expect(splitMismatchOf([], [a("0xaa", 0, 1n)])).toBe(true);
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
    expect(loadViolations([{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: ["7", 8, "-1", "x", "9"] }])).toEqual([{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [7n, 9n] }]);
  });
  test.each<[Violation, string]>([
    [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [3n] }, "contribution #3 was not Accepted at the inference's block"],
    [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [3n, 4n] }, "contributions #3, #4 were not Accepted at the inference's block"],
    [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [5n] }, "contribution #5 comes from a datanet no training run of the model or its ancestors used"],
    [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [5n, 6n] }, "contributions #5, #6 come from a datanet no training run of the model or its ancestors used"],
    [{ rule: "SPLIT_MISMATCH", contributionIds: [1n] }, "the RewardAccrued events differ from the split recomputed from the fee, the fee parameters then in force and the registries"],
  ])("%o reads %j", (v, message) => {
    expect(explain(v)).toEqual({ ...v, message });
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
