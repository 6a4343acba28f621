import { expect, test } from "vitest";
import { layoutGraph } from "./layout";
import { buildScene, edgeWidth, nodeFlag, shortLabel, shortPct } from "./scene";
import { edge, node } from "./testGraph";

test.each([[0, ""], [50, "<0.01%"], [1_234, "0.12%"], [66_666, "6.7%"], [600_000, "60%"], [1_000_000, "100%"]])("shortPct(%d) = %s", (ppm, s) => {
  expect(shortPct(ppm)).toBe(s);
});

test("edge widths grow with weight from 1 to 10 px", () => {
  expect(edgeWidth(0, 100)).toBe(1);
  expect(edgeWidth(100, 100)).toBe(10);
  expect(edgeWidth(25, 100)).toBe(5.5);
});

test("canvas labels are passed through the visibility transform", () => {
  expect(shortLabel(node("datanet:1", "DATANET", 0, { label: "evil\u202Etxt" }))).toBe("evil⟨U+202E⟩txt");
  expect(shortLabel(node("contribution:7", "CONTRIBUTION", 0, { label: "#7", entityId: "7" }))).toBe("Contribution #7");
  expect(shortLabel(node("contributor:x", "CONTRIBUTOR", 0, { label: "0x" + "ab".repeat(20) }))).toBe("0xababab…ababab");
});

test("edges are batched by width and style, one batch per combination", () => {
  const nodes = [node("a", "CONTRIBUTION"), node("b", "CONTRIBUTION"), node("f", "FOLDED"), node("d", "DATANET"), node("m", "MODEL")];
  const edges = [edge("a", "d", 100), edge("b", "d", 100), edge("f", "d", 100, "FOLDED"), edge("d", "m", 400), { ...edge("m", "d", 1), kind: "UNTRAINED" }];
  const s = buildScene(nodes, edges.slice(0, 4), layoutGraph(nodes, edges.slice(0, 4)));
  expect(s.batches.map((b) => [b.width, b.style, b.edges.length])).toEqual([[5.5, "normal", 2], [5.5, "folded", 1], [10, "normal", 1]]);
  expect(s.incident[3]).toHaveLength(4);
});

test.each([
  [{ kind: "TRAINING_RUN", label: "v2", entityId: "3:2", verified: true }, "v2 ✓ verified", 1],
  [{ kind: "TRAINING_RUN", label: "v3", entityId: "3:3", verified: false }, "v3 ✗ unverified", 2],
  [{ kind: "INFERENCE", label: "#9", entityId: "9", clean: true }, "Inference #9", 0],
  [{ kind: "INFERENCE", label: "#9", entityId: "9", clean: false }, "Inference #9 ⚠ flagged", 2],
  [{ kind: "DATANET", label: "d", entityId: "1", verified: null }, "d", 0],
])("%o is labelled %j with flag %d (verified runs and findings are styled apart)", (extra, label, flag) => {
  const n = node("x", extra.kind, 0, extra);
  expect(shortLabel(n)).toBe(label);
  expect(nodeFlag(n)).toBe(flag);
  const s = buildScene([n], [], layoutGraph([n], []));
  expect(s.flag[0]).toBe(flag);
});

test("a RETRAINED_ON edge that carried no flow is drawn like folded ones, dashed; one that did is drawn like any edge", () => {
  const nodes = [node("run:1:2", "TRAINING_RUN"), node("datanet:1", "DATANET")];
  expect(buildScene(nodes, [edge("run:1:2", "datanet:1", 0, "RETRAINED_ON")], layoutGraph(nodes, [])).batches.map((b) => b.style)).toEqual(["folded"]);
  expect(buildScene(nodes, [edge("run:1:2", "datanet:1", 5, "RETRAINED_ON")], layoutGraph(nodes, [])).batches.map((b) => b.style)).toEqual(["normal"]);
});
