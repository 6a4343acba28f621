import { describe, expect, test } from "vitest";
import { nodeAt } from "./hittest";
import { layoutGraph, NODE_H, NODE_W, type Layout } from "./layout";

const n = (id: string, kind: string, weightPpm = 0) => ({ id, kind, weightPpm });
const e = (from: string, to: string) => ({ from, to });

function noOverlapWithinLayers(l: Layout) {
  for (const col of l.columns) {
    const ys = Array.from(col.nodes, (i) => l.y[i]!);
    for (let k = 1; k < ys.length; k++) expect(ys[k]! - ys[k - 1]!).toBeGreaterThanOrEqual(NODE_H);
    for (const i of col.nodes) expect(l.x[i]).toBe(col.x);
  }
}

describe("layoutGraph", () => {
  test("assigns the lineage kinds to layers left to right", () => {
    const nodes = [n("i1", "INFERENCE"), n("m", "MODEL"), n("r", "TRAINING_RUN"), n("d", "DATANET"), n("c1", "CONTRIBUTION"), n("c2", "CONTRIBUTION"), n("p1", "CONTRIBUTOR")];
    const edges = [e("m", "i1"), e("r", "m"), e("d", "r"), e("c1", "d"), e("c2", "d"), e("p1", "c1"), e("p1", "c2")];
    const l = layoutGraph(nodes, edges);
    expect(Array.from(l.layer)).toEqual([5, 4, 3, 2, 1, 1, 0]);
    noOverlapWithinLayers(l);
    for (const ed of edges) {
      const a = nodes.findIndex((x) => x.id === ed.from);
      const b = nodes.findIndex((x) => x.id === ed.to);
      expect(l.x[b]!).toBeGreaterThan(l.x[a]!);
    }
  });

  test("a source feeding a deep node is pulled next to it (a folded group beside its datanet)", () => {
    const l = layoutGraph(
      [n("p", "CONTRIBUTOR"), n("c", "CONTRIBUTION"), n("d", "DATANET"), n("f", "FOLDED"), n("m", "MODEL")],
      [e("p", "c"), e("c", "d"), e("f", "d"), e("d", "m")],
    );
    expect(l.layer[3]).toBe(1);
    expect(l.layer[1]).toBe(1);
  });

  test("an adapter's parent model sits between the runs and the adapter; runs share one column", () => {
    const l = layoutGraph(
      [n("d", "DATANET"), n("rp", "TRAINING_RUN"), n("parent", "MODEL"), n("ra", "TRAINING_RUN"), n("adapter", "MODEL")],
      [e("d", "rp"), e("rp", "parent"), e("parent", "adapter"), e("d", "ra"), e("ra", "adapter")],
    );
    expect(Array.from(l.layer)).toEqual([0, 1, 2, 1, 3]);
  });

  test("kinds keep their columns even when a datanet feeds the model directly (no training-run nodes)", () => {
    // datanet d1 feeds the parent model, d2 feeds the adapter directly: both datanets in one column
    const nodes = [n("p1", "CONTRIBUTOR"), n("c1", "CONTRIBUTION"), n("d1", "DATANET"), n("parent", "MODEL"),
      n("p2", "CONTRIBUTOR"), n("c2", "CONTRIBUTION"), n("d2", "DATANET"), n("adapter", "MODEL")];
    const l = layoutGraph(nodes, [e("p1", "c1"), e("c1", "d1"), e("d1", "parent"), e("parent", "adapter"), e("p2", "c2"), e("c2", "d2"), e("d2", "adapter")]);
    expect(Array.from(l.layer)).toEqual([0, 1, 2, 3, 0, 1, 2, 4]);
    noOverlapWithinLayers(l);
  });

  test("cycles in untrusted data are broken instead of looping", () => {
    const l = layoutGraph([n("a", "X"), n("b", "X"), n("c", "X")], [e("a", "b"), e("b", "c"), e("c", "a")]);
    expect(l.droppedEdges).toBe(1);
    expect(new Set(l.layer).size).toBe(3);
  });

  test("barycentre ordering removes crossings in a simple case", () => {
    // two datanets, each with its own contributions listed in crossing order
    const nodes = [n("c1", "CONTRIBUTION", 1), n("c2", "CONTRIBUTION", 4), n("c3", "CONTRIBUTION", 2), n("c4", "CONTRIBUTION", 3), n("d1", "DATANET", 5), n("d2", "DATANET", 4)];
    const l = layoutGraph(nodes, [e("c1", "d1"), e("c3", "d1"), e("c2", "d2"), e("c4", "d2")]);
    const y = (i: number) => l.y[i]!;
    const d1Above = y(4) < y(5);
    // contributions of the upper datanet are above those of the lower one
    const upper = d1Above ? [0, 2] : [1, 3];
    const lower = d1Above ? [1, 3] : [0, 2];
    expect(Math.max(...upper.map(y))).toBeLessThan(Math.min(...lower.map(y)));
  });

  test("5,000 nodes: every node placed, no overlaps, hit-testing finds each node", () => {
    const nodes = [n("m", "MODEL")];
    const edges = [];
    for (let r = 0; r < 10; r++) {
      nodes.push(n(`r${r}`, "TRAINING_RUN"));
      edges.push(e(`r${r}`, "m"));
    }
    for (let d = 0; d < 40; d++) {
      nodes.push(n(`d${d}`, "DATANET"));
      edges.push(e(`d${d}`, `r${d % 10}`));
    }
    for (let c = 0; nodes.length < 5000; c++) {
      nodes.push(n(`c${c}`, "CONTRIBUTION", c));
      edges.push(e(`c${c}`, `d${c % 40}`));
      if (nodes.length < 5000) {
        nodes.push(n(`p${c}`, "CONTRIBUTOR"));
        edges.push(e(`p${c}`, `c${c}`));
      }
    }
    const l = layoutGraph(nodes, edges);
    expect(l.columns.reduce((s, c) => s + c.nodes.length, 0)).toBe(5000);
    noOverlapWithinLayers(l);
    for (let i = 0; i < nodes.length; i += 97) {
      expect(nodeAt(l, l.x[i]! + NODE_W / 2, l.y[i]! + NODE_H / 2)).toBe(i);
    }
    expect(nodeAt(l, -50, 0)).toBe(-1);
    expect(nodeAt(l, l.x[0]! + NODE_W + 5, l.y[0]!)).toBe(-1);
  });

  test("empty graph", () => {
    const l = layoutGraph([], []);
    expect(l.columns).toHaveLength(0);
  });
});
