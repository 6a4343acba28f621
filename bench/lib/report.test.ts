import { describe, expect, test } from "vitest";
import { resultName } from "./report.js";

describe("resultName", () => {
  test.each([
    ["a protocol run writes the committed file", "medium", {}, "index", true],
    ["a protocol run with every deviation false", "medium", { "1 run(s)": false, "no warm-up": false }, "index", true],
    ["one run goes to the quick file", "medium", { "1 run(s)": true }, "index-quick", false],
    ["no warm-up goes to the quick file", "medium", { "no warm-up": true }, "index-quick", false],
    ["another scale keeps its own file", "small", {}, "index-small", false],
    ["another scale wins over the quick file", "tiny", { "1 run(s)": true }, "index-tiny", false],
  ])("%s", (_, scale, deviations, name, official) => {
    const r = resultName("index", scale, deviations);
    expect(r.name).toBe(name);
    expect(r.official).toBe(official);
    expect(r.reasons.length > 0).toBe(!official);
  });

  test("names every deviation as the reason", () => {
    expect(resultName("api", "medium", { "1 run(s)": true, "no warm-up": true, "10 connections": false }).reasons).toEqual(["1 run(s)", "no warm-up"]);
  });
});
