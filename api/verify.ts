/**
 * `npx openledger-explorer verify <receipt.json | inference id> --rpc URL [--api URL] [--json]`:
 * checks a payout receipt against a node, trusting nothing of this explorer but the receipt's
 * claims. Reads the receipt (a file, or the API's /api/receipts/inferences/{id}.json), re-fetches
 * every log it cites by transaction hash (eth_getTransactionReceipt), asks the node for the hash of
 * each of their blocks (eth_getBlockByNumber) and for any later event that changed a cited fact
 * before the inference (eth_getLogs), and hands all of it to core/receipt.ts, which recomputes
 * the split, the Merkle proofs and the verdict. Prints what holds and what does not; exit 0 when
 * everything holds, 1 on any mismatch or failure, 2 on a usage error.
 */
import { readFile, stat } from "node:fs/promises";
import { citedLogs, decodeReceipt, laterLogQueries, verifyReceipt, type ChainLog, type ChainView, type Receipt, type Verification } from "../core/receipt.js";
import { CliError, DEFAULT_TIMEOUT_S, terminalJson, terminalSafe } from "./terminal.js";

export const VERIFY_USAGE = `usage: openledger-explorer verify <receipt.json | inference id> --rpc URL [--api URL] [--json] [--timeout SECONDS]

  <receipt.json>  a receipt file (the explorer's "Download receipt")
  <inference id>  fetch the receipt from the API first
  --rpc URL       a JSON-RPC node of the chain (default: $OPENLEDGER_RPC); every cited log is fetched from it
  --api URL       the explorer API, for an inference id (default: $OPENLEDGER_API or http://127.0.0.1:42069)
  --json          print every check as JSON
  --timeout S     give up on a silent API or node after S seconds (default ${DEFAULT_TIMEOUT_S})`;

export interface VerifyArgs {
  target: { kind: "file"; path: string } | { kind: "id"; id: string };
  rpc: string;
  api: string;
  json: boolean;
  timeoutS: number;
}

const MAX_RECEIPT_BYTES = 32 * 1024 * 1024;

function httpUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${flag} ${terminalSafe(JSON.stringify(value))} is not a URL`, 2);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`${flag} must be an http(s) URL`, 2);
  return url.toString().replace(/\/+$/, "");
}

export function parseVerifyArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): VerifyArgs {
  const rest = argv.slice(1);
  let target: string | undefined;
  let rpc = env.OPENLEDGER_RPC || "";
  let api = env.OPENLEDGER_API || "http://127.0.0.1:42069";
  let json = false;
  let timeoutS = DEFAULT_TIMEOUT_S;
  const value = (i: number, flag: string) => {
    const v = rest[i];
    if (!v) throw new CliError(`${flag} needs a value\n${VERIFY_USAGE}`, 2);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--help" || arg === "-h") throw new CliError(VERIFY_USAGE, 2);
    else if (arg === "--json") json = true;
    else if (arg === "--rpc") rpc = value(++i, "--rpc");
    else if (arg.startsWith("--rpc=")) rpc = arg.slice(6);
    else if (arg === "--api") api = value(++i, "--api");
    else if (arg.startsWith("--api=")) api = arg.slice(6);
    else if (arg === "--timeout" || arg.startsWith("--timeout=")) {
      const v = arg === "--timeout" ? rest[++i] : arg.slice(10);
      const n = Number(v);
      if (v === undefined || v.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 86_400) throw new CliError(`--timeout needs a number of seconds from 0 to 86400, got ${JSON.stringify(v ?? "")}`, 2);
      timeoutS = n;
    } else if (arg.startsWith("-")) throw new CliError(`unknown option ${terminalSafe(arg)}\n${VERIFY_USAGE}`, 2);
    else if (target === undefined) target = arg;
    else throw new CliError(`unexpected argument "${terminalSafe(arg)}"\n${VERIFY_USAGE}`, 2);
  }
  if (target === undefined) throw new CliError(`missing <receipt.json | inference id>\n${VERIFY_USAGE}`, 2);
  if (!rpc) throw new CliError(`missing --rpc URL (a node of the chain; or set OPENLEDGER_RPC)\n${VERIFY_USAGE}`, 2);
  return {
    target: /^[0-9]{1,78}$/.test(target) ? { kind: "id", id: target } : { kind: "file", path: target },
    rpc: httpUrl(rpc, "--rpc"),
    api: httpUrl(api, "--api"),
    json,
    timeoutS,
  };
}

async function fetchWithTimeout(url: string, timeoutS: number, init: RequestInit | undefined, what: string): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutS * 1000);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    const text = await res.text();
    if (text.length > MAX_RECEIPT_BYTES) throw new CliError(`${what} sent more than ${MAX_RECEIPT_BYTES} bytes`, 1);
    return { status: res.status, text };
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (controller.signal.aborted) throw new CliError(`${what} at ${new URL(url).origin} sent nothing for ${timeoutS} s; try again, or pass --timeout SECONDS`, 1);
    throw new CliError(`cannot reach ${what} at ${new URL(url).origin} (${terminalSafe((err as Error).message, 200)})`, 1);
  } finally {
    clearTimeout(timer);
  }
}

/** The receipt as untrusted JSON: from the file, or from the API. */
export async function loadReceipt(args: VerifyArgs): Promise<unknown> {
  let text: string;
  if (args.target.kind === "file") {
    const path = args.target.path;
    try {
      if ((await stat(path)).size > MAX_RECEIPT_BYTES) throw new CliError(`${terminalSafe(path)} is larger than a receipt can be`, 1);
      text = await readFile(path, "utf8");
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot read ${terminalSafe(path)} (${terminalSafe((err as Error).message, 200)})`, 1);
    }
  } else {
    const r = await fetchWithTimeout(`${args.api}/api/receipts/inferences/${args.target.id}.json`, args.timeoutS, undefined, "the API");
    if (r.status !== 200) {
      let message = r.text.slice(0, 200);
      try {
        const e = JSON.parse(r.text) as { error?: unknown };
        if (typeof e.error === "string") message = e.error;
      } catch {}
      throw new CliError(`the API answered ${r.status}: ${terminalSafe(message, 300)}`, 1);
    }
    text = r.text;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError("the receipt is not JSON", 1);
  }
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;

/** A JSON-RPC client over fetch; answers are untrusted and checked where used. */
function rpcClient(url: string, timeoutS: number, memo?: Map<string, unknown>) {
  let next = 1;
  return async (method: string, params: unknown[]): Promise<unknown> => {
    const key = memo && (method === "eth_getTransactionReceipt" || method === "eth_getBlockByNumber") ? `${method}:${JSON.stringify(params)}` : undefined;
    if (key !== undefined && memo!.has(key)) return memo!.get(key);
    const result = await call(method, params);
    if (key !== undefined && result !== null) memo!.set(key, result);
    return result;
  };
  async function call(method: string, params: unknown[]): Promise<unknown> {
    const r = await fetchWithTimeout(url, timeoutS, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: next++, method, params }) }, "the node");
    let body: { result?: unknown; error?: { message?: unknown } };
    try {
      body = JSON.parse(r.text) as typeof body;
    } catch {
      throw new CliError(`the node answered ${r.status} to ${method} without JSON: is --rpc a JSON-RPC endpoint?`, 1);
    }
    if (body.error) throw new CliError(`the node refused ${method}: ${terminalSafe(String(body.error.message ?? "no message"), 200)}`, 1);
    return body.result ?? null;
  }
}

/**
 * What the node says about every log the receipt cites: their transactions' receipts, the canonical
 * hash of their blocks and the later events that could have changed a cited fact. `memo` keeps
 * transaction receipts and blocks across calls (many receipts of one chain cite the same facts);
 * only for a node that does not reorg meanwhile.
 */
export async function fetchChainView(receipt: Receipt, rpcUrl: string, timeoutS: number, memo?: Map<string, unknown>): Promise<ChainView> {
  const rpc = rpcClient(rpcUrl, timeoutS, memo);
  const chainIdHex = await rpc("eth_chainId", []);
  if (typeof chainIdHex !== "string" || !QUANTITY.test(chainIdHex)) throw new CliError("the node's eth_chainId is not a number", 1);
  const refs = citedLogs(receipt).map((x) => x.ref);
  const transactions = new Map<string, { blockHash: `0x${string}`; blockNumber: bigint; logs: ChainLog[] } | null>();
  for (const hash of new Set(refs.map((r) => r.transactionHash.toLowerCase()))) {
    const tx = (await rpc("eth_getTransactionReceipt", [hash])) as { blockHash?: unknown; blockNumber?: unknown; logs?: unknown } | null;
    if (tx === null) {
      transactions.set(hash, null);
      continue;
    }
    if (typeof tx.blockHash !== "string" || !HASH.test(tx.blockHash) || typeof tx.blockNumber !== "string" || !QUANTITY.test(tx.blockNumber) || !Array.isArray(tx.logs)) {
      throw new CliError(`the node's receipt of ${hash} is malformed`, 1);
    }
    const logs: ChainLog[] = [];
    for (const l of tx.logs as { address?: unknown; logIndex?: unknown; topics?: unknown; data?: unknown }[]) {
      if (typeof l?.address !== "string" || typeof l.logIndex !== "string" || !QUANTITY.test(l.logIndex) || !Array.isArray(l.topics) || typeof l.data !== "string") continue;
      logs.push({ address: l.address, logIndex: Number(BigInt(l.logIndex)), topics: l.topics.filter((x): x is `0x${string}` => typeof x === "string"), data: l.data as `0x${string}` });
    }
    transactions.set(hash, { blockHash: tx.blockHash.toLowerCase() as `0x${string}`, blockNumber: BigInt(tx.blockNumber), logs });
  }
  const canonicalBlocks = new Map<string, `0x${string}` | null>();
  for (const n of new Set(refs.map((r) => r.blockNumber))) {
    const block = (await rpc("eth_getBlockByNumber", [`0x${BigInt(n).toString(16)}`, false])) as { hash?: unknown } | null;
    canonicalBlocks.set(n, block && typeof block.hash === "string" && HASH.test(block.hash) ? (block.hash.toLowerCase() as `0x${string}`) : null);
  }
  // The events that could have changed a cited fact before the inference (eth_getLogs per fact).
  const laterLogs = new Map<string, (ChainLog & { blockNumber: bigint })[]>();
  for (const q of laterLogQueries(receipt)) {
    const filter = { address: q.address, fromBlock: `0x${q.fromBlock.toString(16)}`, toBlock: `0x${q.toBlock.toString(16)}`, topics: q.topics };
    const logs = await rpc("eth_getLogs", [filter]);
    if (!Array.isArray(logs)) throw new CliError(`the node's eth_getLogs answer for ${q.path} is not a list`, 1);
    const out: (ChainLog & { blockNumber: bigint })[] = [];
    for (const l of logs as { address?: unknown; logIndex?: unknown; blockNumber?: unknown; topics?: unknown; data?: unknown; removed?: unknown }[]) {
      if (l?.removed === true) continue;
      if (typeof l?.address !== "string" || typeof l.logIndex !== "string" || !QUANTITY.test(l.logIndex) || typeof l.blockNumber !== "string" || !QUANTITY.test(l.blockNumber) || !Array.isArray(l.topics) || typeof l.data !== "string") {
        throw new CliError(`the node's eth_getLogs answer for ${q.path} holds a malformed log`, 1);
      }
      out.push({ address: l.address, logIndex: Number(BigInt(l.logIndex)), blockNumber: BigInt(l.blockNumber), topics: l.topics.filter((x): x is `0x${string}` => typeof x === "string"), data: l.data as `0x${string}` });
    }
    laterLogs.set(q.path, out);
  }
  return { chainId: Number(BigInt(chainIdHex)), transactions, canonicalBlocks, laterLogs };
}

export function formatVerification(receipt: Receipt, v: Verification): string {
  const lines = [`Receipt of inference ${receipt.inference.id} on chain ${receipt.chainId}`];
  const held = v.checks.filter((c) => c.ok);
  const failed = v.checks.filter((c) => !c.ok);
  lines.push("", `Holds (${held.length})`, ...held.map((c) => `  ok    ${terminalSafe(c.field, 80)}: ${terminalSafe(c.message, 300)}`));
  if (failed.length > 0) lines.push("", `Does not hold (${failed.length})`, ...failed.map((c) => `  FAIL  ${terminalSafe(c.field, 80)}: ${terminalSafe(c.message, 300)}`));
  if (v.findings.length > 0) lines.push("", "Audit findings (the receipt reports them and the chain confirms them)", ...v.findings.map((f) => `  ${terminalSafe(f, 300)}`));
  lines.push("", v.ok ? `VERIFIED: every cited log is canonical and says what the receipt says; the split, proofs and verdict recompute.` : `NOT VERIFIED: ${failed.length} check${failed.length === 1 ? "" : "s"} failed.`);
  return `${lines.join("\n")}\n`;
}

/** Runs the verification; returns the exit code (0 verified, 1 not). */
export async function runVerify(args: VerifyArgs, out: (chunk: string) => void): Promise<number> {
  const decoded = decodeReceipt(await loadReceipt(args));
  if (!decoded.ok) throw new CliError(terminalSafe(decoded.error, 300), 1);
  const receipt = decoded.value;
  const view = await fetchChainView(receipt, args.rpc, args.timeoutS);
  const v = verifyReceipt(receipt, view);
  out(args.json ? `${terminalJson({ inference: receipt.inference.id, chainId: receipt.chainId, ok: v.ok, checks: v.checks, findings: v.findings })}\n` : formatVerification(receipt, v));
  return v.ok ? 0 : 1;
}
