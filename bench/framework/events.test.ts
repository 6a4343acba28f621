import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { INDEXED_EVENTS } from "./events.js";

test("the framework floor handles exactly the events the indexer handles", () => {
  const dir = fileURLToPath(new URL("../../indexer/", import.meta.url));
  const handled = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
    for (const m of readFileSync(dir + f, "utf8").matchAll(/ponder\.on\("([^"]+)"/g)) handled.add(m[1]!);
  }
  expect([...INDEXED_EVENTS].sort()).toEqual([...handled].sort());
});
