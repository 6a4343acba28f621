import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { formatText, parseArgs, run, USAGE, type CliArgs } from "./cli.js";
import { CliError, DEFAULT_TIMEOUT_S, terminalCsv, terminalJson, terminalSafe } from "./terminal.js";

const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("parseArgs", () => {
  test.each([
    [["earnings", addr], { address: addr.toLowerCase(), api: "http://127.0.0.1:42069", format: "text", timeoutS: DEFAULT_TIMEOUT_S }],
    [["earnings", addr, "--json"], { address: addr.toLowerCase(), api: "http://127.0.0.1:42069", format: "json", timeoutS: DEFAULT_TIMEOUT_S }],
    [["earnings", "--csv", addr, "--api", "https://api.example.org/"], { address: addr.toLowerCase(), api: "https://api.example.org", format: "csv", timeoutS: DEFAULT_TIMEOUT_S }],
    [["earnings", addr, "--api=http://h:1", "--timeout", "2.5"], { address: addr.toLowerCase(), api: "http://h:1", format: "text", timeoutS: 2.5 }],
    [["earnings", addr, "--timeout=90"], { address: addr.toLowerCase(), api: "http://127.0.0.1:42069", format: "text", timeoutS: 90 }],
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
    [["earnings", addr, "--timeout"], "--timeout needs a number of seconds"],
    [["earnings", addr, "--timeout", "0"], "--timeout needs a number of seconds"],
    [["earnings", addr, "--timeout=abc"], "--timeout needs a number of seconds"],
    [["earnings", addr, "--\u001b[2J"], "unknown option --\\u{1b}[2J"],
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

test.each([
  [{ name: "evil\u001b[2J\u202e" }, '"name": "evil\\u001b[2J\\u202e"'],
  [{ name: "del\u007f c1\u009b" }, '"name": "del\\u007f c1\\u009b"'],
])("terminalJson(%j) escapes control characters and stays the same JSON", (value, fragment) => {
  const text = terminalJson(value);
  expect(text).toContain(fragment);
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  expect(JSON.parse(text)).toEqual(value);
});

test("terminalCsv keeps the CR, LF and tab of CSV and shows every other control", () => {
  expect(terminalCsv('a,"x\r\ny\tz"\r\nb,\u001b]0;title\u0007\r\n')).toBe('a,"x\r\ny\tz"\r\nb,\\u{1b}]0;title\\u{7}\r\n');
});

describe("run against a misbehaving server", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));
  const serve = async (handler: (res: ServerResponse) => void): Promise<string> => {
    server = createServer((_req, res) => handler(res));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const args = (api: string, format: CliArgs["format"], timeoutS = 5): CliArgs => ({ address: addr.toLowerCase() as `0x${string}`, api, format, timeoutS });
  const failure = async (p: Promise<unknown>): Promise<CliError> => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(1);
    return err as CliError;
  };

  test("--csv refuses an HTML page answered 200 instead of printing it as CSV", async () => {
    const api = await serve((res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>\u001b[2Jproxy login</body></html>"));
    const out: string[] = [];
    const err = await failure(run(args(api, "csv"), (c) => out.push(c)));
    expect(err.message).toContain("text/html, not CSV");
    expect(out).toEqual([]);
  });

  test("--csv reports an error page's own message, with its control characters escaped", async () => {
    const api = await serve((res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway\u001b[31m</h1>"));
    const err = await failure(run(args(api, "csv"), () => {}));
    expect(err.message).toBe("the API answered 502: <h1>Bad gateway\\u{1b}[31m</h1>");
  });

  test("--json and text report the API's errors with control characters escaped", async () => {
    const api = await serve((res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: "bad \u001b[2J thing" }] })));
    for (const format of ["json", "text"] as const) {
      const err = await failure(run(args(api, format), () => {}));
      expect(err.message).toBe("the API answered 400: bad \\u{1b}[2J thing");
    }
  });

  test("gives up with a clear error on a server that accepts and never answers", async () => {
    const api = await serve(() => {}); // never responds
    const started = Date.now();
    const err = await failure(run(args(api, "json", 0.3), () => {}));
    expect(err.message).toContain("sent nothing for 0.3 s");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test("gives up on a CSV download that stops mid-stream, after what it had", async () => {
    const api = await serve((res) => {
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
      res.write("time,block\r\n"); // then silence
    });
    const out: string[] = [];
    const err = await failure(run(args(api, "csv", 0.3), (c) => out.push(c)));
    expect(err.message).toContain("sent nothing for 0.3 s");
    expect(out.join("")).toBe("time,block\r\n");
  });

  test("--csv to a terminal shows the controls inside cells; to a file it keeps the bytes", async () => {
    const csv = 'time,model_name\r\n1,"x\u001b[2Jy"\r\n';
    const api = await serve((res) => res.writeHead(200, { "content-type": "text/csv; charset=utf-8" }).end(csv));
    const tty: string[] = [];
    await run(args(api, "csv"), (c) => tty.push(c), { escapeCsv: true });
    expect(tty.join("")).toBe('time,model_name\r\n1,"x\\u{1b}[2Jy"\r\n');
    const file: string[] = [];
    await run(args(api, "csv"), (c) => file.push(c));
    expect(file.join("")).toBe(csv);
  });
});
