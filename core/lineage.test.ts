import { describe, expect, test } from "vitest";
import { creditedRun, latestRuns, type LineageModel } from "./lineage.js";

const model = (id: number, runs: [number, number][]): LineageModel => ({
  id: BigInt(id),
  trainedDatanetIds: runs.map(([d]) => BigInt(d)),
  latestRunVersions: runs.map(([, v]) => v),
});

describe("latestRuns", () => {
  test.each([
    ["a first run names its datanets", [], [3, 1], 1, [[1, 1], [3, 1]]],
    ["a retrain on the same datanets moves them to the new run", [[1, 1], [3, 1]], [1, 3], 2, [[1, 2], [3, 2]]],
    ["a retrain on one datanet moves only that one", [[1, 1], [3, 1]], [3], 2, [[1, 1], [3, 2]]],
    ["a new datanet joins in order", [[1, 1], [5, 1]], [3], 2, [[1, 1], [3, 2], [5, 1]]],
    ["an older version never takes over", [[1, 4]], [1], 2, [[1, 4]]],
    ["a run naming no datanet changes nothing", [[2, 1]], [], 2, [[2, 1]]],
  ] as [string, [number, number][], number[], number, [number, number][]][])("%s", (_name, before, named, version, after) => {
    const r = latestRuns(model(9, before), named.map(BigInt), version);
    expect(r.trainedDatanetIds.map(Number)).toEqual(after.map(([d]) => d));
    expect(r.latestRunVersions).toEqual(after.map(([, v]) => v));
  });
});

describe("creditedRun (PROTOCOL.md: the nearest model naming the datanet, its latest run)", () => {
  // Adapter 5 trained on datanet 7; its parent 2 retrained twice on datanets 1 and 3; grandparent 1 on 3 and 4.
  const lineage = [model(5, [[7, 1]]), model(2, [[1, 3], [3, 2]]), model(1, [[3, 1], [4, 1]])];
  test.each([
    ["the served adapter's own datanet", 7n, { trainerIndex: 0, trainerModelId: 5n, runVersion: 1 }],
    ["a parent's datanet, at the parent's latest run naming it", 1n, { trainerIndex: 1, trainerModelId: 2n, runVersion: 3 }],
    ["the nearest model wins over an ancestor naming the same datanet", 3n, { trainerIndex: 1, trainerModelId: 2n, runVersion: 2 }],
    ["only the grandparent named it", 4n, { trainerIndex: 2, trainerModelId: 1n, runVersion: 1 }],
    ["no model named it: no run", 6n, null],
  ] as const)("%s", (_name, datanetId, expected) => {
    expect(creditedRun(lineage, datanetId)).toEqual(expected);
  });

  test("a model without runs credits nothing", () => {
    expect(creditedRun([model(1, [])], 1n)).toBeNull();
    expect(creditedRun([], 1n)).toBeNull();
  });
});
