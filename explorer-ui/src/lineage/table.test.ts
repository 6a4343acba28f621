import { describe, expect, test } from "vitest";
import { edgeRows, nextSort, nodeRows, sortEdges, sortNodes, type Sort } from "./table";
import { edge, node } from "./testGraph";

const nodes = [
  node("m", "MODEL", 0, { label: "model b", amount: "10" }),
  node("d1", "DATANET", 600_000, { label: "Datanet 10", amount: "100000000000000000000000" }),
  node("d2", "DATANET", 300_000, { label: "datanet 9", amount: "99999999999999999999999" }),
  node("c1", "CONTRIBUTION", 300_000, { label: "#1", amount: "5" }),
  node("f", "FOLDED", 100_000, { label: "+3 others (10%)", amount: "bad" }),
];
const edges = [edge("d1", "m", 600_000), edge("d2", "m", 300_000), edge("c1", "d1", 300_000), edge("f", "m", 100_000, "FOLDED")];
const nrows = nodeRows(nodes, edges);
const ids = (rows: { node: { id: string } }[]) => rows.map((r) => r.node.id);

describe("nodes table", () => {
  test("counts each node's edges", () => {
    expect(nrows.map((r) => [r.node.id, r.links])).toEqual([["m", 3], ["d1", 2], ["d2", 1], ["c1", 1], ["f", 1]]);
  });
  test.each<[Sort, string[]]>([
    [{ key: "kind", dir: "asc" }, ["c1", "d1", "d2", "m", "f"]],
    [{ key: "label", dir: "asc" }, ["c1", "f", "d2", "d1", "m"]],
    [{ key: "weight", dir: "desc" }, ["d1", "d2", "c1", "f", "m"]],
    [{ key: "amount", dir: "desc" }, ["d1", "d2", "m", "c1", "f"]],
    [{ key: "amount", dir: "asc" }, ["f", "c1", "m", "d2", "d1"]],
    [{ key: "links", dir: "desc" }, ["m", "d1", "d2", "c1", "f"]],
  ])("sorted by %o", (s, want) => {
    expect(ids(sortNodes(nrows, s))).toEqual(want);
  });
});

describe("edges table", () => {
  const erows = edgeRows(nodes, [...edges, edge("ghost", "m", 1)]);
  test("drops edges to nodes it does not show", () => {
    expect(erows).toHaveLength(4);
  });
  test.each<[Sort, string[]]>([
    [{ key: "weight", dir: "desc" }, ["d1>m", "d2>m", "c1>d1", "f>m"]],
    [{ key: "from", dir: "asc" }, ["c1>d1", "d2>m", "d1>m", "f>m"]],
    [{ key: "to", dir: "desc" }, ["d1>m", "d2>m", "f>m", "c1>d1"]],
    [{ key: "kind", dir: "asc" }, ["d1>m", "d2>m", "c1>d1", "f>m"]],
  ])("sorted by %o", (s, want) => {
    expect(sortEdges(erows, s).map((r) => `${r.edge.from}>${r.edge.to}`)).toEqual(want);
  });
});

test.each<[Sort, Parameters<typeof nextSort>[1], Sort]>([
  [{ key: "weight", dir: "desc" }, "weight", { key: "weight", dir: "asc" }],
  [{ key: "weight", dir: "desc" }, "label", { key: "label", dir: "asc" }],
  [{ key: "label", dir: "asc" }, "amount", { key: "amount", dir: "desc" }],
])("from %o, clicking %s sorts %o", (cur, key, want) => {
  expect(nextSort(cur, key)).toEqual(want);
});
