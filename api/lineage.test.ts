import { describe, expect, test } from "vitest";
import { LineageBuilder, buildEdges, defaultLabel, foldChildren, foldedId, nodeId, rankChildren, rankedGroup, relativePpm, runChildren, totalsOf, type ChildEdge, type GrainRow } from "./lineage.js";

const edge = (toId: string, weightSum: bigint, amount = 10n): ChildEdge => ({ kind: "HAS_CONTRIBUTION", toId, weightSum, amount, attributionCount: 1 });

test.each([
  [500_000n, 1, 500_000],
  [3_000_000n, 4, 750_000],
  [0n, 5, 0],
  [10n, 0, 0],
  [9_000_000n, 1, 1_000_000],
])("relativePpm(%s, %s inferences) = %s", (w, n, ppm) => {
  expect(relativePpm(w, n)).toBe(ppm);
});

test("keeps the top `limit` children and folds the rest, counting what was folded", () => {
  const ranked = [edge("a", 500_000n), edge("b", 300_000n), edge("c", 150_000n)];
  const totals = { count: 5, weightSum: 1_000_000n, amount: 50n, attributionCount: 5 };
  const { kept, folded } = foldChildren(ranked, totals, { limit: 2, minWeightPpm: 0, inferenceCount: 1 });
  expect(kept.map((e) => e.toId)).toEqual(["a", "b"]);
  expect(folded).toEqual({ count: 3, weightSum: 200_000n, amount: 30n, attributionCount: 3 });
});

test("folds children below minWeightPpm even within the limit", () => {
  const ranked = [edge("a", 900_000n), edge("b", 40_000n)];
  const { kept, folded } = foldChildren(ranked, { count: 2, weightSum: 940_000n, amount: 20n, attributionCount: 2 }, { limit: 10, minWeightPpm: 50_000, inferenceCount: 1 });
  expect(kept.map((e) => e.toId)).toEqual(["a"]);
  expect(folded?.count).toBe(1);
});

test("folds nothing when everything fits", () => {
  expect(foldChildren([edge("a", 1n)], { count: 1, weightSum: 1n, amount: 10n, attributionCount: 1 }, { limit: 3, minWeightPpm: 0, inferenceCount: 1 }).folded).toBeNull();
});

// ---------------------------------------------------------------------------------------------
// training runs and the node cap

const flow = (datanet: string, weightSum: bigint, amount: bigint): ChildEdge => ({ kind: "TRAINED_ON", toId: datanet, weightSum, amount, attributionCount: 1 });

const grain = (trainer: string, run: number, datanet: string, contribution: string, contributor: string, w: bigint, share: bigint, cut: bigint): GrainRow => ({
  trainerModelId: trainer, runVersion: run, datanetId: datanet, contributionId: contribution, contributor, weightSum: w, share, contributorCut: cut, attributionCount: 1,
});

describe("buildEdges: every edge summed from the lineage grain (served adapter 3 over model 1)", () => {
  const rows = [
    grain("3", 1, "7", "70", "0xaa", 400_000n, 40n, 30n), // the adapter's own datanet, its run v1
    grain("1", 1, "1", "10", "0xbb", 300_000n, 30n, 20n), // the parent's datanet 1 through v1 (before retraining)
    grain("1", 2, "1", "10", "0xbb", 200_000n, 20n, 15n), // ... and through v2 (after)
    grain("1", 2, "2", "20", "", 50_000n, 5n, 0n), // payees unknown: no CONTRIBUTED_BY
    grain("0", 0, "9", "90", "0xcc", 50_000n, 5n, 4n), // no model named datanet 9
  ];
  const index = buildEdges(rows, ["3", "1"]);
  const of = (from: string, kind: Parameters<typeof rankedGroup>[2]) => (index.get(`${from}|${kind}`) ?? []).map((e) => `${e.toId}:${e.weightSum}:${e.amount}`).sort();
  test.each([
    ["3", "ADAPTS", ["1:550000:55"]],
    ["3", "HAS_TRAINING_RUN", ["3:1:400000:40"]],
    ["1", "HAS_TRAINING_RUN", ["1:1:300000:30", "1:2:250000:25"]],
    ["1:1", "TRAINED_ON", ["1:300000:30"]],
    ["1:2", "TRAINED_ON", ["1:200000:20", "2:50000:5"]],
    ["3", "UNTRAINED", ["9:50000:5"]],
    ["1", "HAS_CONTRIBUTION", ["10:500000:50"]],
    ["10", "CONTRIBUTED_BY", ["0xbb:500000:35"]],
    ["20", "CONTRIBUTED_BY", []],
  ] as const)("%s %s", (from, kind, expected) => {
    expect(of(from, kind)).toEqual(expected);
  });

  test("what flows into the served model (its runs, its parent, its untrained datanets) is everything its inferences paid to data", () => {
    const inflow = [...(index.get("3|HAS_TRAINING_RUN") ?? []), ...(index.get("3|ADAPTS") ?? []), ...(index.get("3|UNTRAINED") ?? [])];
    expect(totalsOf(inflow).amount).toBe(rows.reduce((t, r) => t + r.share, 0n));
    // ... and each run passes on exactly what entered it.
    for (const run of index.get("1|HAS_TRAINING_RUN") ?? []) expect(totalsOf(index.get(`${run.toId}|TRAINED_ON`) ?? []).amount).toBe(run.amount);
  });

  test("rankedGroup keeps the heaviest children and totals them all", () => {
    const g = rankedGroup(index, "1", "HAS_TRAINING_RUN", 1);
    expect(g?.ranked.map((e) => e.toId)).toEqual(["1:1"]);
    expect(g?.totals).toMatchObject({ count: 2, amount: 55n });
  });
});

test.each([
  // version, datanets of the run, first run per datanet, expected children (kind:datanet:amount); the flows drawn on this run
  [1, ["1", "2"], [["1", 1], ["2", 1]], ["TRAINED_ON:1:60", "TRAINED_ON:2:30"]],
  [2, ["1", "3"], [["1", 1], ["3", 2]], ["RETRAINED_ON:1:60", "TRAINED_ON:3:11"]],
  [3, ["4", "4"], [["4", 3]], ["TRAINED_ON:4:0"]],
] as const)("run v%s's datanets: TRAINED_ON where it first names one, RETRAINED_ON where an earlier run did, each with the flow drawn on it", (version, ds, first, expected) => {
  const flows = new Map([flow("1", 600_000n, 60n), flow("2", 300_000n, 30n), flow("3", 100_000n, 11n)].map((f) => [f.toId, f]));
  const { ranked, totals } = runChildren(version, ds, flows, new Map(first as unknown as [string, number][]));
  expect(ranked.map((e) => `${e.kind}:${e.toId}:${e.amount}`)).toEqual(expected);
  expect(totals.count).toBe(expected.length);
});

test.each([
  ["TRAINING_RUN", "3:2", "run:3:2", "v2"],
  ["INFERENCE", "7", "inference:7", "#7"],
  ["CONTRIBUTION", "42", "contribution:42", "#42"],
  ["MODEL", "1", "model:1", "1"],
] as const)("%s %s has id %s and default label %s", (kind, entity, id, label) => {
  expect(nodeId(kind, entity)).toBe(id);
  expect(defaultLabel(kind, entity)).toBe(label);
});

test("ranks by weight, then amount, then id", () => {
  const r = rankChildren([edge("b", 5n, 1n), edge("a", 5n, 1n), edge("c", 5n, 9n), edge("d", 7n, 0n)]);
  expect(r.map((e) => e.toId)).toEqual(["d", "c", "a", "b"]);
});

describe("LineageBuilder", () => {
  const children = (n: number) => Array.from({ length: n }, (_, i) => edge(String(i + 1), BigInt(1000 - i), 10n));
  test("keeps `limit` children per parent and kind and one FOLDED node per kind named after it", () => {
    const g = new LineageBuilder({ maxNodes: 100, inferenceCount: 1, minWeightPpm: 0 });
    const root = g.addRoot("DATANET", "1", "d");
    const kids = children(5);
    const added = g.addGroup(root, "CONTRIBUTION", kids, totalsOf(kids), 1, 2);
    expect(added.map((n) => n.id)).toEqual(["contribution:1", "contribution:2"]);
    const fold = g.nodes.get(foldedId("datanet:1", "CONTRIBUTION"))!;
    expect(fold).toMatchObject({ id: "folded:datanet:1:CONTRIBUTION", kind: "FOLDED", foldedCount: 3, amount: 30n });
    expect(g.foldedNodes).toBe(3);
    expect(g.truncated).toBe(false);
  });

  test("at the node cap keeps what fits, folds the rest (amounts still add up), sets truncated and stops", () => {
    const g = new LineageBuilder({ maxNodes: 4, inferenceCount: 1, minWeightPpm: 0 });
    const root = g.addRoot("DATANET", "1", "d");
    const kids = children(10);
    g.addGroup(root, "CONTRIBUTION", kids, totalsOf(kids), 1, 10);
    expect(g.truncated).toBe(true);
    expect(g.nodes.size).toBe(4);
    const out = g.edges.filter((e) => e.from === root.id);
    expect(out.map((e) => e.kind)).toEqual(["HAS_CONTRIBUTION", "HAS_CONTRIBUTION", "FOLDED"]);
    expect(out.reduce((s, e) => s + e.amount, 0n)).toBe(100n);
    const more = g.addGroup(g.nodes.get("contribution:1")!, "CONTRIBUTOR", [edge("0xa", 1n)], totalsOf([edge("0xa", 1n)]), 2, 10);
    expect(more).toEqual([]);
    expect(g.nodes.size).toBe(4);
  });

  test("a child reached from two parents is one node whose weight and amount sum both edges", () => {
    const g = new LineageBuilder({ maxNodes: 10, inferenceCount: 2, minWeightPpm: 0 });
    const a = g.addRoot("CONTRIBUTION", "1", "a");
    const b = g.addRoot("CONTRIBUTION", "2", "b");
    const to = (w: bigint): ChildEdge => ({ kind: "CONTRIBUTED_BY", toId: "0xa", weightSum: w, amount: w, attributionCount: 1 });
    g.addGroup(a, "CONTRIBUTOR", [to(400_000n)], totalsOf([to(400_000n)]), 1, 5);
    expect(g.addGroup(b, "CONTRIBUTOR", [to(600_000n)], totalsOf([to(600_000n)]), 1, 5)).toEqual([]);
    expect(g.nodes.get("contributor:0xa")).toMatchObject({ weight: 500_000, amount: 1_000_000n, attributionCount: 2 });
  });
});
