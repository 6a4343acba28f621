import { expect, test } from "vitest";
import { buildDailySeries, ratio } from "./series";

test("fills gaps between days and cumulates exactly", () => {
  const s = buildDailySeries([
    { day: "2025-01-03", accrued: "5", claimed: "2" },
    { day: "2025-01-01", accrued: "10", claimed: "0" },
  ]);
  expect(s.map((p) => p.day)).toEqual(["2025-01-01", "2025-01-02", "2025-01-03"]);
  expect(s.map((p) => p.cumAccrued)).toEqual([10n, 10n, 15n]);
  expect(s.map((p) => p.cumClaimed)).toEqual([0n, 0n, 2n]);
});

test("ignores malformed days and amounts instead of throwing", () => {
  const s = buildDailySeries([
    { day: "<script>", accrued: "5", claimed: "0" },
    { day: "2025-02-01", accrued: "1e18", claimed: "x" },
  ]);
  expect(s).toHaveLength(1);
  expect(s[0]!.accrued).toBe(0n);
});

test("keeps only the latest days", () => {
  const s = buildDailySeries([
    { day: "2024-01-01", accrued: "1", claimed: "0" },
    { day: "2025-01-01", accrued: "1", claimed: "0" },
  ], 30);
  expect(s).toHaveLength(30);
  expect(s[29]!.day).toBe("2025-01-01");
  expect(s[29]!.cumAccrued).toBe(2n);
});

test.each([[0n, 10n, 0], [5n, 10n, 0.5], [10n, 10n, 1], [1n, 0n, 0], [2n ** 200n, 2n ** 201n, 0.5]])("ratio(%s, %s) = %s", (v, m, r) => {
  expect(ratio(v, m)).toBe(r);
});
