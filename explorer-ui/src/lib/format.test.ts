import { expect, test } from "vitest";
import { formatAge, formatInt, formatTime, ruleText } from "./format";

test.each([
  ["1700000000", "2023-11-14 22:13:20 UTC"],
  [0, "1970-01-01 00:00:00 UTC"],
  ["abc", "–"],
  [-5, "–"],
])("formatTime(%j) = %s", (ts, s) => expect(formatTime(ts)).toBe(s));

test.each([
  [30, "30 s ago"],
  [600, "10 min ago"],
  [7200, "2 h ago"],
  [3 * 86400, "3 d ago"],
  [0, "0 s ago"],
  [-45, "in 45 s"],
  [-2 * 86400, "in 2 d"],
])("%d seconds later reads %s", (secs, s) => expect(formatAge(1_700_000_000, (1_700_000_000 + secs) * 1000)).toBe(s));

test.each([["1234567", "1,234,567"], [0, "0"], ["-1000", "-1,000"], ["x", "–"]])("formatInt(%j)", (n, s) => expect(formatInt(n)).toBe(s));

test("every protocol rule is spelled out", () => {
  for (const r of ["CONTRIBUTION_NOT_ACCEPTED", "OUTSIDE_TRAINING_LINEAGE", "SPLIT_MISMATCH"]) expect(ruleText(r).title).not.toBe(r);
  expect(ruleText("NEW_RULE").title).toBe("NEW_RULE");
});
