import { describe, expect, test } from "vitest";
import { formatAmount, formatAmountString, formatBps, formatPpm, groupThousands, parseBaseUnits } from "./amount";

const E18 = 10n ** 18n;

describe("formatAmount", () => {
  test.each([
    ["zero", 0n, "0 OPEN", "0 OPEN"],
    ["one wei shows as below the smallest digit", 1n, "<0.0001 OPEN", "0.000000000000000001 OPEN"],
    ["one OPEN", E18, "1 OPEN", "1 OPEN"],
    ["one OPEN and one wei keeps the wei in the full form", E18 + 1n, "1 OPEN", "1.000000000000000001 OPEN"],
    ["a typical amount", 1234n * E18 + 567_800_000_000_000_000n, "1,234.5678 OPEN", "1,234.5678 OPEN"],
    ["truncates, never rounds up", 999_999_999_999_999_999n, "0.9999 OPEN", "0.999999999999999999 OPEN"],
    ["exactly the smallest shown digit", 100_000_000_000_000n, "0.0001 OPEN", "0.0001 OPEN"],
    ["huge values beyond float precision", 123_456_789_012_345_678_901_234_567_890n * E18 + 1n,
      "123,456,789,012,345,678,901,234,567,890 OPEN", "123,456,789,012,345,678,901,234,567,890.000000000000000001 OPEN"],
    ["max uint256", 2n ** 256n - 1n,
      "115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584 OPEN",
      "115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935 OPEN"],
    ["negative", -(2n * E18 + 500_000_000_000_000_000n), "-2.5 OPEN", "-2.5 OPEN"],
    ["tiny negative", -1n, ">-0.0001 OPEN", "-0.000000000000000001 OPEN"],
  ])("%s", (_name, value, text, full) => {
    const f = formatAmount(value);
    expect(f.text).toBe(text);
    expect(f.full).toBe(full);
    expect(f.base).toBe(value.toString());
  });

  test("honours other decimals, symbols and digits", () => {
    expect(formatAmount(123456n, { decimals: 2, symbol: "X", fractionDigits: 1 }).text).toBe("1,234.5 X");
    expect(formatAmount(5n, { decimals: 0, symbol: "" }).text).toBe("5");
  });
});

describe("formatAmountString", () => {
  test.each([
    ["1000000000000000000", "1 OPEN"],
    ["  42  ", "<0.0001 OPEN"],
    ["1e18", "invalid amount"],
    ["0x10", "invalid amount"],
    ["", "invalid amount"],
    [null, "invalid amount"],
  ])("formats %j as %s", (input, text) => {
    expect(formatAmountString(input as string | null).text).toBe(text);
  });
});

describe("helpers", () => {
  test.each([["1", "1"], ["123", "123"], ["1234", "1,234"], ["1234567", "1,234,567"]])("groups %s", (a, b) => {
    expect(groupThousands(a)).toBe(b);
  });
  test("parses only integer strings", () => {
    expect(parseBaseUnits("12")).toBe(12n);
    expect(parseBaseUnits("-12")).toBe(-12n);
    expect(parseBaseUnits("1.5")).toBeNull();
    expect(parseBaseUnits(1.5)).toBeNull();
  });
  test.each([[1_000_000, "100 %"], [0, "0 %"], [123_456, "12.3456 %"], [1, "0.0001 %"], [500_000, "50 %"]])(
    "ppm %d is %s", (ppm, s) => expect(formatPpm(ppm)).toBe(s));
  test.each([[10_000, "100 %"], [2_000, "20 %"], [1, "0.01 %"]])("bps %d is %s", (bps, s) => expect(formatBps(bps)).toBe(s));
});
