import { describe, expect, test } from "vitest";
import { ChainModel } from "./model.js";
import { Status } from "../core/roles.js";
import { merkleRoot } from "../core/merkle.js";

const A = "0x00000000000000000000000000000000000000aa" as const;

/** Datanets 1 and 2; contributions 1..4 in datanet 1 (Accepted, Pending, Rejected, Revoked), 5 in datanet 2 (Accepted).
 * Model 1 trained on datanet 1; model 2 adapts model 1, trained on nothing; model 3 trained on datanet 2. */
function fixture(): ChainModel {
  const m = new ChainModel();
  for (const id of [1n, 2n]) m.datanets.set(id, { id, owner: A, ownerShareBps: 0, permissioned: false, allowed: new Set(), contentHashes: new Set(), contributions: [], popularity: 1 });
  const statuses = [Status.Accepted, Status.Pending, Status.Rejected, Status.Revoked, Status.Accepted];
  statuses.forEach((status, i) => {
    const id = BigInt(i + 1);
    const datanetId = i < 4 ? 1n : 2n;
    m.contributions.set(id, { id, datanetId, contributor: A, status, popularity: 1 });
    m.datanet(datanetId).contributions.push(id);
  });
  m.models.set(1n, { id: 1n, owner: A, parentId: 0n, trained: new Set([1n]), versions: 1, method: 1, popularity: 1 });
  m.models.set(2n, { id: 2n, owner: A, parentId: 1n, trained: new Set(), versions: 0, method: 1, popularity: 1 });
  m.models.set(3n, { id: 3n, owner: A, parentId: 0n, trained: new Set([2n]), versions: 1, method: 2, popularity: 1 });
  return m;
}

describe("audit rules on the simulator's model", () => {
  test.each([
    { name: "an accepted contribution in the model's training is clean", model: 1n, ids: [1n], expected: [] },
    { name: "an adapter inherits its parent's lineage", model: 2n, ids: [1n], expected: [] },
    {
      name: "pending, rejected and revoked are not accepted",
      model: 1n,
      ids: [4n, 1n, 2n, 3n],
      expected: [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: ["2", "3", "4"] }],
    },
    { name: "a datanet the model never trained on is outside its lineage", model: 1n, ids: [5n], expected: [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: ["5"] }] },
    { name: "a parent does not inherit from its adapter's lineage", model: 3n, ids: [1n], expected: [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: ["1"] }] },
    {
      name: "both rules at once, each naming its contributions",
      model: 3n,
      ids: [5n, 2n],
      expected: [
        { rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: ["2"] },
        { rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: ["2"] },
      ],
    },
  ])("$name", ({ model, ids, expected }) => {
    expect(fixture().audit(model, ids)).toEqual(expected);
  });

  test("an honest training claim covers only accepted contributions of the named datanets", () => {
    const m = fixture();
    expect(m.honestClaim([1n, 2n])).toEqual({ root: merkleRoot([1n, 5n]), count: 2 });
    expect(m.honestClaim([])).toEqual({ root: merkleRoot([]), count: 0 });
  });
});
