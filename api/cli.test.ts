import { describe, expect, test } from "vitest";
import { CliError, formatText, parseArgs, terminalSafe, USAGE } from "./cli.js";

const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("parseArgs", () => {
  test.each([
    [["earnings", addr], { address: addr.toLowerCase(), api: "http://127.0.0.1:42069", format: "text" }],
    [["earnings", addr, "--json"], { address: addr.toLowerCase(), api: "http://127.0.0.1:42069", format: "json" }],
    [["earnings", "--csv", addr, "--api", "https://api.example.org/"], { address: addr.toLowerCase(), api: "https://api.example.org", format: "csv" }],
    [["earnings", addr, "--api=http://h:1"], { address: addr.toLowerCase(), api: "http://h:1", format: "text" }],
  ])("reads %j", (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  test("takes the API from OPENLEDGER_API", () => {
    expect(parseArgs(["earnings", addr], { OPENLEDGER_API: "http://x:9" }).api).toBe("http://x:9");
  });

  test.each([
    [[], USAGE],
    [["earnings"], "missing <address>"],
    [["earnings", "0x12"], 'address "0x12" is not an address'],
    [["earnings", addr, "--json", "--csv"], "choose one of --json and --csv"],
    [["earnings", addr, "--api"], "--api needs a URL"],
    [["earnings", addr, "--api", "ftp://x"], "--api must be an http(s) URL"],
    [["earnings", addr, "--api", "not a url"], "is not a URL"],
    [["earnings", addr, "--bogus"], "unknown option --bogus"],
    [["balance", addr], 'unknown command "balance"'],
  ])("refuses %j (exit 2): %s", (argv, message) => {
    let err: unknown;
    try {
      parseArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toContain(message);
  });
});

test.each([
  ["plain", "plain"],
  ["\u001b[31mred", "\\u{1b}[31mred"],
  ["a\u202Egpj.exe", "a\\u{202e}gpj.exe"],
  ["line\nbreak", "line\\u{a}break"],
])("terminalSafe(%j) shows control characters as escapes", (input, out) => {
  expect(terminalSafe(input)).toBe(out);
});

test("formats amounts exactly in OPEN with base units", () => {
  const text = formatText({
    address: addr.toLowerCase(), accrued: "1500000000000000001", claimed: "0", claimable: "1500000000000000001", accrualCount: 2, claimCount: 0,
    earningsByRole: [{ role: "CONTRIBUTOR", accrued: "1500000000000000001", accrualCount: 2 }],
    earningsByModel: { totalCount: 12, items: [{ modelId: "3", accrued: "1500000000000000001", model: { name: "evil\u001b[2J" } }] },
    earningsByDatanet: { totalCount: 0, items: [] },
    earningsByContribution: { totalCount: 0, items: [] },
  });
  expect(text).toContain("Accrued   1.500000000000000001 OPEN  (1500000000000000001 base units, 2 accruals)");
  expect(text).toContain("By model (top 1 of 12)");
  expect(text).toContain("#3 evil\\u{1b}[2J: 1.500000000000000001 OPEN");
  expect(text).not.toContain("By datanet");
});
