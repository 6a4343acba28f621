import { describe, expect, test } from "vitest";
import { findFocus, foldGraph, rankEdges } from "./fold";
import { edge, graph, node } from "./testGraph";

// model:1 <- run:1 <- datanet:1 <- contributions c1..c5 (weights 40,25,20,10,5 %) <- contributors
// model:1 -> inferences i1, i2
function sample() {
  const w = [400_000, 250_000, 200_000, 100_000, 50_000];
  const nodes = [node("model:1", "MODEL", 1_000_000), node("run:1", "TRAINING_RUN", 1_000_000), node("datanet:1", "DATANET", 1_000_000)];
  const edges = [edge("run:1", "model:1", 1_000_000), edge("datanet:1", "run:1", 1_000_000)];
  w.forEach((wt, i) => {
    nodes.push(node(`contribution:${i + 1}`, "CONTRIBUTION", wt), node(`contributor:${i + 1}`, "CONTRIBUTOR", wt));
    edges.push(edge(`contribution:${i + 1}`, "datanet:1", wt), edge(`contributor:${i + 1}`, `contribution:${i + 1}`, wt));
  });
  nodes.push(node("inference:1", "INFERENCE", 600_000), node("inference:2", "INFERENCE", 400_000));
  edges.push(edge("model:1", "inference:1", 600_000), edge("model:1", "inference:2", 400_000));
  return graph(nodes, edges);
}

describe("foldGraph", () => {
  test("with no limits it returns the graph unchanged", () => {
    const g = sample();
    const r = foldGraph(g, { focusId: "model:1", topK: Infinity, minWeightPpm: 0 });
    expect(r.nodes).toHaveLength(g.nodes.length);
    expect(r.edges).toHaveLength(g.edges.length);
    expect(r.folds.size).toBe(0);
    expect(r.hiddenNodes).toBe(0);
  });

  test("keeps the top edges per hop by weight and folds the rest into '+N others (x %)'", () => {
    const r = foldGraph(sample(), { focusId: "model:1", topK: 2, minWeightPpm: 0 });
    const ids = r.nodes.map((n) => n.id);
    expect(ids).toContain("contribution:1");
    expect(ids).toContain("contribution:2");
    expect(ids).not.toContain("contribution:3");
    // contributors of folded contributions disappear with them
    expect(ids).not.toContain("contributor:3");
    const fold = r.nodes.find((n) => n.kind === "FOLDED")!;
    expect(fold.label).toBe("+3 others (35.0 %)");
    expect(fold.foldedCount).toBe(3);
    expect(fold.weightPpm).toBe(350_000);
    expect(r.folds.get(fold.id)).toMatchObject({ parentId: "datanet:1", members: ["contribution:3", "contribution:4", "contribution:5"], fromServer: false });
    expect(r.edges).toContainEqual(expect.objectContaining({ from: fold.id, to: "datanet:1", weightPpm: 350_000 }));
    expect(r.hiddenNodes).toBe(6);
  });

  test("the minimum weight folds light edges even under the top-K", () => {
    const r = foldGraph(sample(), { focusId: "model:1", topK: Infinity, minWeightPpm: 150_000 });
    expect(r.nodes.filter((n) => n.kind === "CONTRIBUTION").map((n) => n.id)).toEqual(["contribution:1", "contribution:2", "contribution:3"]);
    // inferences are downstream children of the model: 40 % is above the minimum, both stay
    expect(r.nodes.filter((n) => n.kind === "INFERENCE")).toHaveLength(2);
    expect(r.nodes.find((n) => n.kind === "FOLDED")?.label).toBe("+2 others (15.0 %)");
  });

  test("downstream inferences are folded from the model's side", () => {
    const r = foldGraph(sample(), { focusId: "model:1", topK: 1, minWeightPpm: 0 });
    const down = [...r.folds.values()].find((f) => f.direction === "down")!;
    expect(down.parentId).toBe("model:1");
    expect(down.members).toEqual(["inference:2"]);
  });

  test("an expanded parent shows all its children regardless of limits", () => {
    const r = foldGraph(sample(), { focusId: "model:1", topK: 1, minWeightPpm: 500_000, expanded: new Set(["datanet:1"]) });
    expect(r.nodes.filter((n) => n.kind === "CONTRIBUTION")).toHaveLength(5);
  });

  test("a server-made fold is kept as sent, and merged with client folds", () => {
    const g = sample();
    g.nodes.push(node("folded:x", "FOLDED", 41_000, { foldedCount: 312, label: "+312 others" }));
    g.edges.push(edge("folded:x", "datanet:1", 41_000));
    const same = foldGraph(g, { focusId: "model:1", topK: Infinity, minWeightPpm: 0 });
    expect(same.nodes).toHaveLength(g.nodes.length);
    expect(same.folds.get("folded:x")).toMatchObject({ count: 312, fromServer: true });
    const merged = foldGraph(g, { focusId: "model:1", topK: 3, minWeightPpm: 0 });
    const f = merged.nodes.filter((n) => n.kind === "FOLDED");
    expect(f).toHaveLength(1);
    expect(f[0]!.foldedCount).toBe(314);
    expect(f[0]!.weightPpm).toBe(191_000);
    expect(merged.folds.get(f[0]!.id)?.fromServer).toBe(true);
  });

  test("an unknown focus yields an empty graph, and edges to unknown nodes are ignored", () => {
    const g = sample();
    g.edges.push(edge("ghost", "model:1", 5));
    expect(foldGraph(g, { focusId: "model:9", topK: 5, minWeightPpm: 0 }).nodes).toHaveLength(0);
    expect(foldGraph(g, { focusId: "model:1", topK: Infinity, minWeightPpm: 0 }).edges).toHaveLength(g.edges.length - 1);
  });

  test("a shared datanet is shown once but keeps an edge from each training run", () => {
    const g = graph(
      [node("model:1", "MODEL"), node("run:1", "TRAINING_RUN"), node("run:2", "TRAINING_RUN"), node("datanet:1", "DATANET")],
      [edge("run:1", "model:1", 5), edge("run:2", "model:1", 5), edge("datanet:1", "run:1", 5), edge("datanet:1", "run:2", 5)],
    );
    const r = foldGraph(g, { focusId: "model:1", topK: Infinity, minWeightPpm: 0 });
    expect(r.nodes.filter((n) => n.id === "datanet:1")).toHaveLength(1);
    expect(r.edges).toHaveLength(4);
  });
});

describe("ranking", () => {
  test("orders by weight, then amount, then id", () => {
    const edges = [edge("a", "p", 10), edge("b", "p", 30), { ...edge("c", "p", 10), amount: "99" }, edge("d", "p", 10)];
    expect(rankEdges(edges, (e) => e.from).map((e) => e.from)).toEqual(["b", "c", "a", "d"]);
  });
  test("finds the model node", () => {
    expect(findFocus(sample(), "1")).toBe("model:1");
    expect(findFocus(sample(), "2")).toBeNull();
  });
});
