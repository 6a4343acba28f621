/**
 * No import cycles, between files or between folders, over every TypeScript source (madge, the
 * same as `npm run cycles`). Folder level: each top-level folder is one node (a root file is its
 * own), and a folder's test code (*.test.ts, and anything under an e2e/ folder) is a node of its
 * own, "folder:test", since nothing imports it: tests may use any folder, but what they use must
 * not import back into a folder that imports it.
 */
import { execFileSync } from "node:child_process";
import madge from "madge";
import { beforeAll, expect, test } from "vitest";
import { folderCycles, folderOf } from "./cycles.js";

let graph: Record<string, string[]>;
let fileCycles: string[][];

beforeAll(async () => {
  const res = await madge(".", {
    fileExtensions: ["ts", "tsx"],
    tsConfig: "tsconfig.json",
    excludeRegExp: [/^(node_modules|examples|generated|\.ponder|dist|tmp)\//, /(^|\/)dist\//],
  });
  graph = res.obj();
  fileCycles = res.circular();
}, 120_000);

test("madge read every TypeScript source in git", () => {
  const tracked = execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "" && !f.startsWith("examples/") && !f.endsWith(".d.ts"));
  expect(tracked.length).toBeGreaterThan(200);
  expect(tracked.filter((f) => !(f in graph))).toEqual([]);
});

test("no file-level import cycle", () => {
  expect(fileCycles.map((c) => c.join(" → "))).toEqual([]);
});

test("no folder-level import cycle", () => {
  expect(folderCycles(graph).map((c) => c.join(" ⇄ "))).toEqual([]);
});

test.each([
  ["api/graphql/context.ts", "api"],
  ["api/api.test.ts", "api:test"],
  ["explorer-ui/e2e/mock-server.ts", "explorer-ui:test"],
  ["explorer-ui/src/lineage/fold.test.ts", "explorer-ui:test"],
  ["ponder.schema.ts", "ponder.schema.ts"],
  ["testkit/indexer.ts", "testkit"],
])("%s is in folder node %s", (file, node) => {
  expect(folderOf(file)).toBe(node);
});

test("a cycle through two folders, and one through three, are found; a one-way chain is not", () => {
  expect(folderCycles({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["a/z.ts"], "a/z.ts": [] })).toEqual([["a", "b"]]);
  expect(folderCycles({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["c/z.ts"], "c/z.ts": ["a/w.ts"], "a/w.ts": [] })).toEqual([["a", "b", "c"]]);
  expect(folderCycles({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["c/z.ts"], "a/x.test.ts": ["c/z.ts"], "c/z.ts": [] })).toEqual([]);
  expect(folderCycles({ "a/x.test.ts": ["b/y.ts"], "b/y.ts": ["a/z.ts"], "a/z.ts": [] })).toEqual([]);
});
