import { describe, expect, test } from "vitest";
import { csvField, csvRecord, parseCsv } from "./csv.js";

describe("csvField", () => {
  test.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["cr\rlf", '"cr\rlf"'],
    ["=HYPERLINK(\"http://evil\")", '"\'=HYPERLINK(""http://evil"")"'],
    ["+1+1", "\"'+1+1\""],
    ["-2+3", "\"'-2+3\""],
    ["@SUM(A1)", "\"'@SUM(A1)\""],
    ["\t=1", "\"'\t=1\""],
    ["a=b", "a=b"],
    ["ünïcødé ✓", "ünïcødé ✓"],
    ["a;b", '"a;b"'],
    [";=1+1", '";=1+1"'],
    ["a\tb", '"a\tb"'],
    [" =1+1", "\"' =1+1\""],
    ["   @SUM(A1)", "\"'   @SUM(A1)\""],
    ["\n-2+3", "\"'\n-2+3\""],
    ["\u00a0+1", "\"'\u00a0+1\""],
    ["\u3000=1", "\"'\u3000=1\""],
    ["＝HYPERLINK(\"x\")", "\"'＝HYPERLINK(\"\"x\"\")\""],
    ["＋1", "\"'＋1\""],
    ["－1", "\"'－1\""],
    ["＠x", "\"'＠x\""],
    [" ＝1", "\"' ＝1\""],
    ["\ufeff=1", "\"'\ufeff=1\""],
    ["a =b", "a =b"],
    ["  plain", "  plain"],
  ])("encodes the text %j as %j (quoted when needed, formulas defused)", (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  test.each([
    [123n, "123"],
    [0, "0"],
    [null, ""],
    [undefined, ""],
  ])("writes the number-like value %s verbatim", (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe("parseCsv", () => {
  test("round-trips hostile records", () => {
    const rows = [["a", "b,c", 'd"e'], ["=1+1", "x\r\ny", ""], ["-5", "@x", "+y"]];
    const text = rows.map(csvRecord).join("");
    const parsed = parseCsv(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.records).toEqual([["a", "b,c", 'd"e'], ["'=1+1", "x\r\ny", ""], ["'-5", "'@x", "'+y"]]);
  });

  test("reports an unterminated quote as invalid", () => {
    expect(parseCsv('a,"b\r\n')).toEqual({ ok: false, error: "unterminated quoted field" });
  });
});
