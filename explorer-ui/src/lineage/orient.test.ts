import { describe, expect, test } from "vitest";
import { foldGraph } from "./fold";
import { layoutGraph } from "./layout";
import { foldedKind, orientLineage } from "./orient";
import { edge, graph, node } from "./testGraph";

const nodes = () => [
  node("model:2", "MODEL"), node("model:1", "MODEL"), node("datanet:1", "DATANET"), node("datanet:2", "DATANET"),
  node("contribution:1", "CONTRIBUTION"), node("contributor:0xa", "CONTRIBUTOR"), node("folded:datanet:1:CONTRIBUTION", "FOLDED", 0, { foldedCount: 7 }),
];

// The API's style: every edge points away from the model (adapter model:2 -> parent model:1).
const outward = () => graph(nodes(), [
  edge("model:2", "model:1", 5, "ADAPTS"), edge("model:2", "datanet:2", 5, "TRAINED_ON"), edge("model:1", "datanet:1", 5, "TRAINED_ON"),
  edge("datanet:1", "contribution:1", 5, "HAS_CONTRIBUTION"), edge("contribution:1", "contributor:0xa", 5, "CONTRIBUTED_BY"),
  edge("datanet:1", "folded:datanet:1:CONTRIBUTION", 5, "FOLDED"),
]);

const flows = (g: ReturnType<typeof outward>) => g.edges.map((e) => `${e.from}>${e.to}`).sort();

describe("orientLineage", () => {
  test("a contributor reached at the same distance as its contribution still feeds it", () => {
    // model:2 adapts model:1; datanet:1 is used by both, datanet:3 only by the parent; contributor 0xa
    // contributed to both datanets, so BFS reaches it at the same depth as contribution:3.
    const g = graph([node("model:2", "MODEL"), node("model:1", "MODEL"), node("datanet:1", "DATANET"), node("datanet:3", "DATANET"),
      node("contribution:1", "CONTRIBUTION"), node("contribution:3", "CONTRIBUTION"), node("contributor:0xa", "CONTRIBUTOR")], [
      edge("model:2", "model:1", 5, "ADAPTS"), edge("model:2", "datanet:1", 5, "TRAINED_ON"), edge("model:1", "datanet:3", 5, "TRAINED_ON"),
      edge("datanet:1", "contribution:1", 5, "HAS_CONTRIBUTION"), edge("datanet:3", "contribution:3", 5, "HAS_CONTRIBUTION"),
      edge("contribution:1", "contributor:0xa", 5, "CONTRIBUTED_BY"), edge("contribution:3", "contributor:0xa", 5, "CONTRIBUTED_BY"),
    ]);
    expect(flows(orientLineage(g, "model:2"))).toEqual([
      "contribution:1>datanet:1", "contribution:3>datanet:3", "contributor:0xa>contribution:1", "contributor:0xa>contribution:3",
      "datanet:1>model:2", "datanet:3>model:1", "model:1>model:2",
    ]);
  });

  test("edges sent away from the model are turned to flow into it", () => {
    expect(flows(orientLineage(outward(), "model:2"))).toEqual([
      "contribution:1>datanet:1", "contributor:0xa>contribution:1", "datanet:1>model:1", "datanet:2>model:2",
      "folded:datanet:1:CONTRIBUTION>datanet:1", "model:1>model:2",
    ]);
  });

  test("edges already along the data flow (the draft's style) are kept, inferences stay on the right", () => {
    const g = graph([...nodes(), node("inference:9", "INFERENCE"), node("fold:x", "FOLDED")], [
      edge("contributor:0xa", "contribution:1", 5), edge("contribution:1", "datanet:1", 5), edge("datanet:1", "model:1", 5),
      edge("model:1", "model:2", 5, "ADAPTS"), edge("datanet:2", "model:2", 5), edge("folded:datanet:1:CONTRIBUTION", "datanet:1", 5, "FOLDED"),
      edge("model:2", "inference:9", 5, "SERVED"), edge("model:2", "fold:x", 5, "FOLDED"),
    ]);
    const o = orientLineage(g, "model:2");
    expect(flows(o)).toEqual(flows(g));
  });

  test("after orientation the layout puts contributors left of the model and the folded group beside its siblings", () => {
    const o = orientLineage(outward(), "model:2");
    const f = foldGraph(o, { focusId: "model:2", topK: Infinity, minWeightPpm: 0 });
    expect(f.nodes).toHaveLength(7);
    const l = layoutGraph(f.nodes, f.edges);
    const layerOf = (id: string) => l.layer[f.nodes.findIndex((n) => n.id === id)]!;
    expect(layerOf("contributor:0xa")).toBeLessThan(layerOf("contribution:1"));
    expect(layerOf("contribution:1")).toBe(layerOf("folded:datanet:1:CONTRIBUTION"));
    expect(layerOf("model:1")).toBeLessThan(layerOf("model:2"));
  });
});

test.each([["folded:datanet:1:CONTRIBUTION", "CONTRIBUTION"], ["folded:model:1:DATANETS", "DATANET"], ["fold:x", undefined]])("foldedKind(%s)", (id, k) => {
  expect(foldedKind(id)).toBe(k);
});

describe("the API's layers end to end (orient, fold, layout)", () => {
  // What modelLineage sends for adapter model:2 (parent model:1): edges point away from the model;
  // runs "run:<model>:<version>", inferences, and server folds named "folded:<parent>:<KIND>".
  const api = () => graph([
    node("model:2", "MODEL"), node("model:1", "MODEL"), node("run:2:1", "TRAINING_RUN", 0, { verified: true }), node("run:1:1", "TRAINING_RUN", 0, { verified: false }),
    node("datanet:1", "DATANET"), node("datanet:2", "DATANET"), node("datanet:3", "DATANET"), node("contribution:1", "CONTRIBUTION"), node("contributor:0xa", "CONTRIBUTOR"),
    node("inference:9", "INFERENCE", 0, { clean: false }), node("folded:model:2:INFERENCE", "FOLDED", 0, { foldedCount: 40 }),
    node("folded:run:1:1:DATANET", "FOLDED", 0, { foldedCount: 2 }), node("folded:model:2:TRAINING_RUN", "FOLDED", 0, { foldedCount: 3 }),
  ], [
    edge("model:2", "model:1", 5, "ADAPTS"), edge("model:2", "run:2:1", 5, "HAS_TRAINING_RUN"), edge("model:1", "run:1:1", 5, "HAS_TRAINING_RUN"),
    edge("run:2:1", "datanet:2", 5, "TRAINED_ON"), edge("run:1:1", "datanet:1", 5, "TRAINED_ON"), edge("run:1:1", "datanet:2", 0, "RETRAINED_ON"),
    edge("model:2", "datanet:3", 5, "UNTRAINED"), edge("datanet:1", "contribution:1", 5, "HAS_CONTRIBUTION"), edge("contribution:1", "contributor:0xa", 5, "CONTRIBUTED_BY"),
    edge("model:2", "inference:9", 5, "SERVED"), edge("model:2", "folded:model:2:INFERENCE", 5, "FOLDED"),
    edge("run:1:1", "folded:run:1:1:DATANET", 5, "FOLDED"), edge("model:2", "folded:model:2:TRAINING_RUN", 5, "FOLDED"),
  ]);

  test("data flows into the runs, the runs into their models, the parent into the adapter, the adapter into its inferences", () => {
    expect(flows(orientLineage(api(), "model:2"))).toEqual([
      "contribution:1>datanet:1", "contributor:0xa>contribution:1", "datanet:1>run:1:1", "datanet:2>run:1:1", "datanet:2>run:2:1", "datanet:3>model:2",
      "folded:model:2:TRAINING_RUN>model:2", "folded:run:1:1:DATANET>run:1:1", "model:1>model:2", "model:2>folded:model:2:INFERENCE", "model:2>inference:9",
      "run:1:1>model:1", "run:2:1>model:2",
    ]);
  });

  test("each kind gets its column: contributors, contributions, datanets, runs, parent, adapter, inferences", () => {
    const o = orientLineage(api(), "model:2");
    const f = foldGraph(o, { focusId: "model:2", topK: Infinity, minWeightPpm: 0 });
    expect(f.nodes).toHaveLength(13);
    const l = layoutGraph(f.nodes, f.edges);
    const col = (id: string) => l.layer[f.nodes.findIndex((n) => n.id === id)]!;
    expect([col("contributor:0xa"), col("contribution:1"), col("datanet:1"), col("run:1:1"), col("model:1"), col("model:2"), col("inference:9")]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(col("run:2:1")).toBe(col("run:1:1"));
    expect(col("datanet:3")).toBe(col("datanet:1"));
    expect(col("folded:model:2:INFERENCE")).toBe(col("inference:9"));
    expect(col("folded:run:1:1:DATANET")).toBe(col("datanet:1"));
    expect(col("folded:model:2:TRAINING_RUN")).toBe(col("run:1:1"));
  });
});

describe("a downstream lineage (contributionLineage, datanetLineage, accountLineage) end to end", () => {
  // What accountLineage sends: edges point away from the contributor; model:1 trained by run:1:1, adapted by model:2
  // (which served inference:8), model:1 served inference:9; a folded adapter and folded inferences.
  const api = () => graph([
    node("contributor:0xa", "CONTRIBUTOR"), node("contribution:1", "CONTRIBUTION"), node("datanet:1", "DATANET"), node("run:1:1", "TRAINING_RUN", 0, { verified: true }),
    node("model:1", "MODEL"), node("model:2", "MODEL"), node("inference:8", "INFERENCE"), node("inference:9", "INFERENCE"),
    node("folded:model:1:MODEL", "FOLDED", 0, { foldedCount: 2 }), node("folded:model:2:INFERENCE", "FOLDED", 0, { foldedCount: 5 }),
  ], [
    edge("contributor:0xa", "contribution:1", 5, "CONTRIBUTED_BY"), edge("contribution:1", "datanet:1", 5, "HAS_CONTRIBUTION"), edge("datanet:1", "run:1:1", 5, "TRAINED_ON"),
    edge("run:1:1", "model:1", 5, "HAS_TRAINING_RUN"), edge("model:1", "model:2", 3, "ADAPTS"), edge("model:1", "inference:9", 1, "SERVED"),
    edge("model:2", "inference:8", 2, "SERVED"), edge("model:1", "folded:model:1:MODEL", 1, "FOLDED"), edge("model:2", "folded:model:2:INFERENCE", 1, "FOLDED"),
  ]);

  test("data flows out of the contributor as sent; the trained model feeds its adapters, folded adapters included", () => {
    const o = orientLineage(api(), "contributor:0xa", { downstream: true });
    expect(flows(o)).toEqual([
      "contribution:1>datanet:1", "contributor:0xa>contribution:1", "datanet:1>run:1:1", "model:1>folded:model:1:MODEL", "model:1>inference:9", "model:1>model:2",
      "model:2>folded:model:2:INFERENCE", "model:2>inference:8", "run:1:1>model:1",
    ]);
    // Read as upstream (the model page's rule), the adapter would feed its parent.
    expect(flows(orientLineage(api(), "contributor:0xa"))).toContain("model:2>model:1");
  });

  test("the contributor leftmost, then contributions, datanets, runs, the trained model, its adapter, inferences", () => {
    const o = orientLineage(api(), "contributor:0xa", { downstream: true });
    const f = foldGraph(o, { focusId: "contributor:0xa", topK: Infinity, minWeightPpm: 0 });
    expect(f.nodes).toHaveLength(10);
    const l = layoutGraph(f.nodes, f.edges);
    const col = (id: string) => l.layer[f.nodes.findIndex((n) => n.id === id)]!;
    expect([col("contributor:0xa"), col("contribution:1"), col("datanet:1"), col("run:1:1"), col("model:1"), col("model:2"), col("inference:8")]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(col("folded:model:1:MODEL")).toBe(col("model:2"));
    expect(col("inference:9")).toBe(col("inference:8"));
  });
});
