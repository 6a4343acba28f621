import { describe, expect, test } from "vitest";
import { describeNode, moveSelection, type NavKey } from "./keynav";
import { layoutGraph } from "./layout";
import { buildScene } from "./scene";
import { edge, node } from "./testGraph";

// c1, c2 → d1 → run → m → i1, i2; c3 → d2 → run (layers: 0 contributions, 1 datanets, 2 run, 3 model, 4 inferences)
const nodes = [
  node("c1", "CONTRIBUTION", 500_000), node("c2", "CONTRIBUTION", 300_000), node("c3", "CONTRIBUTION", 200_000),
  node("d1", "DATANET", 800_000), node("d2", "DATANET", 200_000), node("run", "TRAINING_RUN", 1_000_000),
  node("m", "MODEL"), node("i1", "INFERENCE"), node("i2", "INFERENCE"),
];
const edges = [
  edge("c1", "d1", 500_000), edge("c2", "d1", 300_000), edge("c3", "d2", 200_000), edge("d1", "run", 800_000), edge("d2", "run", 200_000),
  edge("run", "m", 1_000_000), edge("m", "i1", 0), edge("m", "i2", 0),
];
const scene = buildScene(nodes, edges, layoutGraph(nodes, edges));
const idx = (id: string) => nodes.findIndex((n) => n.id === id);
const walk = (fromId: string | null, keys: NavKey[]) => {
  let cur = fromId === null ? -1 : idx(fromId);
  for (const k of keys) cur = moveSelection(scene, cur, k, idx("m"));
  return nodes[cur]!.id;
};
const column = (l: number) => Array.from(scene.columns[l]!.nodes, (i) => nodes[i]!.id);

describe("moveSelection", () => {
  test.each([
    [null, ["ArrowLeft"], "m"],
    [null, ["ArrowDown"], "m"],
    ["m", ["ArrowLeft"], "run"],
    ["m", ["ArrowLeft", "ArrowLeft", "ArrowLeft"], "c1"],
    ["c3", ["ArrowRight", "ArrowRight", "ArrowRight"], "m"],
    ["m", ["ArrowRight"], column(4)[0]!],
    ["c1", ["ArrowLeft"], "c1"],
    ["i1", ["ArrowRight"], "i1"],
  ] as const)("from %s, %j selects %s", (from, keys, want) => {
    expect(walk(from, [...keys])).toBe(want);
  });

  test("Up and Down step through the layer in drawn order and stop at its ends", () => {
    const col = column(0);
    expect(walk(col[0]!, ["ArrowDown"])).toBe(col[1]);
    expect(walk(col[0]!, ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown"])).toBe(col[2]);
    expect(walk(col[1]!, ["ArrowUp", "ArrowUp"])).toBe(col[0]);
    expect(walk(col[1]!, ["End"])).toBe(col[2]);
    expect(walk(col[2]!, ["Home"])).toBe(col[0]);
  });

  test("Right from a datanet reaches the run, and Left from the run the datanet nearest in height", () => {
    expect(walk("d2", ["ArrowRight"])).toBe("run");
    const run = idx("run");
    const nearest = ["d1", "d2"].sort((a, b) => Math.abs(scene.y[idx(a)]! - scene.y[run]!) - Math.abs(scene.y[idx(b)]! - scene.y[run]!))[0];
    expect(walk("run", ["ArrowLeft"])).toBe(nearest);
  });
});

describe("describeNode", () => {
  test.each([
    [node("inference:7", "INFERENCE", 0, { label: "#7", amount: "1500000000000000000", clean: false }), 1, true, "Inference: #7, flagged by the audit, weight 0 %, fee 1.5 OPEN, 1 connection, Enter opens its page."],
    [node("run:1:2", "TRAINING_RUN", 1_000_000, { label: "v2", amount: "1", verified: true }), 3, true, "Training run: v2, verified, weight 100 %, amount 0.000000000000000001 OPEN, 3 connections, Enter opens its page."],
    [node("fold:up:d1", "FOLDED", 12_345, { label: "+4 others (1.2%)", amount: "0" }), 1, false, "Folded group: +4 others (1.2%), weight 1.2345 %, amount 0 OPEN, 1 connection, Enter shows them."],
    [node("datanet:9", "DATANET", 0, { label: "evil\u202Etxt", amount: "0" }), 2, true, "Datanet: evil⟨U+202E⟩txt, weight 0 %, amount 0 OPEN, 2 connections, Enter opens its page."],
  ])("announces %o", (n, links, canOpen, want) => {
    expect(describeNode(n, links, canOpen)).toBe(want);
  });
});
