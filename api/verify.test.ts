import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { CliError, DEFAULT_TIMEOUT_S } from "./terminal.js";
import { fetchChainView, formatVerification, parseVerifyArgs, VERIFY_USAGE } from "./verify.js";
import type { Receipt } from "../core/receipt.js";

describe("parseVerifyArgs", () => {
  test.each([
    [["verify", "receipt.json", "--rpc", "http://node:8545"], { target: { kind: "file", path: "receipt.json" }, rpc: "http://node:8545", api: "http://127.0.0.1:42069", json: false, timeoutS: DEFAULT_TIMEOUT_S }],
    [["verify", "42", "--rpc=https://rpc.example.org/", "--api", "http://h:1", "--json"], { target: { kind: "id", id: "42" }, rpc: "https://rpc.example.org", api: "http://h:1", json: true, timeoutS: DEFAULT_TIMEOUT_S }],
    [["verify", "./7.json", "--timeout", "5", "--rpc", "http://n"], { target: { kind: "file", path: "./7.json" }, rpc: "http://n", api: "http://127.0.0.1:42069", json: false, timeoutS: 5 }],
  ])("reads %j", (argv, expected) => {
    expect(parseVerifyArgs(argv)).toEqual(expected);
  });

  test("takes the node from OPENLEDGER_RPC and the API from OPENLEDGER_API", () => {
    expect(parseVerifyArgs(["verify", "1"], { OPENLEDGER_RPC: "http://r:1", OPENLEDGER_API: "http://a:2" })).toMatchObject({ rpc: "http://r:1", api: "http://a:2" });
  });

  test.each([
    [["verify"], "missing <receipt.json | inference id>"],
    [["verify", "1"], "missing --rpc URL"],
    [["verify", "1", "--rpc", "ftp://x"], "--rpc must be an http(s) URL"],
    [["verify", "1", "--rpc", "http://x", "--api", "nope"], "is not a URL"],
    [["verify", "1", "2", "--rpc", "http://x"], 'unexpected argument "2"'],
    [["verify", "1", "--rpc", "http://x", "--bogus"], "unknown option --bogus"],
    [["verify", "1", "--rpc", "http://x", "--timeout", "0"], "--timeout needs a number of seconds"],
    [["verify", "--help"], VERIFY_USAGE],
  ])("refuses %j (exit 2): %s", (argv, message) => {
    let err: unknown;
    try {
      parseVerifyArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toContain(message);
  });
});

test("the report escapes control characters the receipt or the node put in a message", () => {
  const receipt = { inference: { id: "7" }, chainId: 31337 } as Receipt;
  const text = formatVerification(receipt, {
    ok: false,
    checks: [
      { field: "inference.log", ok: true, message: "InferenceAttributed at log 0" },
      { field: "verdict", ok: false, message: "the receipt says \u001b[2Jclean\u202e" },
    ],
    findings: ["CONTRIBUTION_NOT_ACCEPTED\u001b]0;x\u0007: contributions 9"],
  });
  expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
  expect(text).toContain("FAIL  verdict: the receipt says \\u{1b}[2Jclean\\u{202e}");
  expect(text).toContain("NOT VERIFIED: 1 check failed.");
});

describe("fetchChainView refuses malformed node answers", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function node(answer: (method: string) => unknown): Promise<string> {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: answer(method) }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const ref = { transactionHash: `0x${"11".repeat(32)}`, blockNumber: "5", blockHash: `0x${"22".repeat(32)}`, logIndex: 0 } as const;
  const receipt = {
    inference: { log: ref },
    accruals: [],
    feeParams: { log: ref },
    models: [],
    datanets: [],
    contributions: [],
    contracts: { AttributionEngine: `0x${"33".repeat(20)}`, DatanetRegistry: `0x${"44".repeat(20)}`, ModelRegistry: `0x${"55".repeat(20)}` },
  } as unknown as Receipt;

  test.each([
    ["a chain id that is not a number", (m: string) => (m === "eth_chainId" ? "31337" : null), "eth_chainId is not a number"],
    ["a transaction receipt without a block hash", (m: string) => (m === "eth_chainId" ? "0x7a69" : m === "eth_getTransactionReceipt" ? { blockNumber: "0x5", logs: [] } : null), "is malformed"],
    ["logs that are not a list", (m: string) => (m === "eth_chainId" ? "0x7a69" : m === "eth_getLogs" ? "no" : null), "is not a list"],
  ])("%s", async (_name, answer, message) => {
    const url = await node(answer);
    await expect(fetchChainView(receipt, url, 5)).rejects.toThrow(message);
  });
});
