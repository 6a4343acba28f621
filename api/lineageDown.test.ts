import { expect, test } from "vitest";
import { LineageBuilder, weightPpmOf, type ChildEdge, type LineageNodeOut, type NodeKind } from "./lineage.js";
import { amountOf, buildDownEdges, groupOf, rootTotals, servedTotals, type DownGrainRow, type DownRoot } from "./lineageDown.js";

const row = (p: Partial<DownGrainRow>): DownGrainRow => ({
  servedModelId: "1", trainerModelId: "1", runVersion: 1, datanetId: "7", contributionId: "42", contributor: "0xaa",
  weightSum: 500_000n, share: 1000n, contributorCut: 900n, attributionCount: 1, ...p,
});

/** Served model 3 adapts 2, which adapts 1. */
const ANCESTRY = new Map([["1", ["1"]], ["2", ["2", "1"]], ["3", ["3", "2", "1"]]]);

/** "from -KIND-> to amount" lines of an index, sorted. */
function lines(root: DownRoot, grain: DownGrainRow[]): string[] {
  const out: string[] = [];
  for (const [from, edges] of buildDownEdges(root, grain, ANCESTRY)) for (const e of edges) out.push(`${from} -${e.kind}-> ${e.toKind}:${e.toId} ${e.amount}`);
  return out.sort();
}

test.each<[string, DownRoot, DownGrainRow[], string[]]>([
  [
    "a contribution through a run of the model that served",
    "CONTRIBUTION",
    [row({})],
    ["contribution:42 -HAS_CONTRIBUTION-> DATANET:7 1000", "datanet:7 -TRAINED_ON-> TRAINING_RUN:1:1 1000", "run:1:1 -HAS_TRAINING_RUN-> MODEL:1 1000"],
  ],
  [
    "an account: contributor cuts, through a base model's run down two adapters",
    "CONTRIBUTOR",
    [row({ servedModelId: "3", trainerModelId: "1", runVersion: 2 })],
    [
      "contribution:42 -HAS_CONTRIBUTION-> DATANET:7 900", "contributor:0xaa -CONTRIBUTED_BY-> CONTRIBUTION:42 900", "datanet:7 -TRAINED_ON-> TRAINING_RUN:1:2 900",
      "model:1 -ADAPTS-> MODEL:2 900", "model:2 -ADAPTS-> MODEL:3 900", "run:1:2 -HAS_TRAINING_RUN-> MODEL:1 900",
    ],
  ],
  [
    "a datanet no model of the lineage named: UNTRAINED to the served model; no run known: straight to the trainer",
    "DATANET",
    [row({ servedModelId: "2", trainerModelId: "0", runVersion: 0, share: 5n }), row({ servedModelId: "2", trainerModelId: "2", runVersion: 0, contributionId: "43", share: 7n })],
    ["datanet:7 -TRAINED_ON-> MODEL:2 7", "datanet:7 -UNTRAINED-> MODEL:2 5"],
  ],
  [
    "flows of two served models through one run are summed on the shared edges",
    "CONTRIBUTION",
    [row({ servedModelId: "1", share: 10n }), row({ servedModelId: "2", share: 20n })],
    ["contribution:42 -HAS_CONTRIBUTION-> DATANET:7 30", "datanet:7 -TRAINED_ON-> TRAINING_RUN:1:1 30", "model:1 -ADAPTS-> MODEL:2 20", "run:1:1 -HAS_TRAINING_RUN-> MODEL:1 30"],
  ],
])("%s", (_name, root, grain, expected) => {
  expect(lines(root, grain)).toEqual(expected);
});

test.each<[DownRoot, bigint]>([
  ["CONTRIBUTOR", 900n],
  ["CONTRIBUTION", 1000n],
  ["DATANET", 1000n],
])("a %s lineage counts %s of a 1000 share with a 900 contributor cut", (root, amount) => {
  expect(amountOf(root, row({}))).toBe(amount);
  expect(rootTotals(root, [row({}), row({ contributionId: "43" })]).amount).toBe(2n * amount);
});

test("per served model totals: what each model's inferences drew from the root", () => {
  const t = servedTotals("CONTRIBUTION", [row({ servedModelId: "1", share: 3n }), row({ servedModelId: "2", share: 4n }), row({ servedModelId: "2", trainerModelId: "2", share: 5n })]);
  expect([...t.entries()].map(([m, v]) => `${m}:${v.amount}`)).toEqual(["1:3", "2:9"]);
});

test.each([
  [250_000n, 1_000_000n, 250_000],
  [1n, 3n, 333_333],
  [5n, 0n, 0],
  [2_000_000n, 1_000_000n, 1_000_000],
])("weightPpmOf(%s of a %s mass) = %s", (w, mass, ppm) => {
  expect(weightPpmOf(w, { inferenceCount: 99, weightMass: mass })).toBe(ppm);
});

test("the builder walks the index from the root: every edge away from it, flows conserved at each node", () => {
  const grain = [row({ servedModelId: "3", trainerModelId: "1", runVersion: 2, share: 600n, contributorCut: 500n, weightSum: 600_000n }), row({ servedModelId: "1", contributionId: "43", share: 400n, contributorCut: 300n, weightSum: 400_000n })];
  const index = buildDownEdges("CONTRIBUTOR", grain, ANCESTRY);
  const g = new LineageBuilder({ maxNodes: 100, inferenceCount: 0, minWeightPpm: 0, weightMass: 1_000_000n });
  let frontier = [g.addRoot("CONTRIBUTOR", "0xaa", "0xaa")];
  for (let hop = 1; hop <= 8; hop++) {
    const next: LineageNodeOut[] = [];
    for (const p of frontier) {
      const groups = new Map<NodeKind, ChildEdge[]>();
      for (const e of index.get(p.id) ?? []) groups.set(groupOf(e), [...(groups.get(groupOf(e)) ?? []), e]);
      for (const [kind, edges] of groups) next.push(...g.addGroup(p, kind, edges, { count: edges.length, weightSum: edges.reduce((s, e) => s + e.weightSum, 0n), amount: edges.reduce((s, e) => s + e.amount, 0n), attributionCount: edges.length }, hop, 10));
    }
    frontier = next;
  }
  const { nodes, edges } = g.result();
  const out = (id: string) => edges.filter((e) => e.from === id).reduce((s, e) => s + e.amount, 0n);
  const inn = (id: string) => edges.filter((e) => e.to === id).reduce((s, e) => s + e.amount, 0n);
  expect(out("contributor:0xaa")).toBe(800n);
  expect(edges.find((e) => e.from === "contributor:0xaa" && e.to === "contribution:42")?.weightPpm).toBe(600_000);
  // Model 1 trains both: 300 stays (it served), 500 goes on to its adapter 2 and then 3.
  expect(inn("model:1")).toBe(800n);
  expect(out("model:1")).toBe(500n);
  expect(inn("model:3")).toBe(500n);
  for (const n of nodes.filter((x) => x.kind === "DATANET" || x.kind === "TRAINING_RUN" || x.kind === "CONTRIBUTION")) expect(out(n.id)).toBe(inn(n.id));
});
