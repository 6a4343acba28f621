/**
 * `npx openledger-explorer verify <receipt.json | inference id> --rpc URL`: checks a payout
 * receipt against a node (api/verify.ts).
 *
 * `npx openledger-explorer earnings <address> [--api URL] [--json|--csv] [--timeout S]`: what an
 * address earned, from a running API. Human output by default, the GraphQL answer with --json,
 * every accrual as CSV (the API's earnings.csv, streamed) with --csv. Exit codes: 0 ok, 1 API
 * failure (unreachable, an error, a timeout, an answer that is not what was asked for), 2 usage
 * error. Chain text never reaches the terminal raw: control characters are escaped in every mode
 * (JSON with \u escapes, so nothing is lost; CSV only when written to a terminal).
 */
import { decodeAddress } from "./input.js";
import { formatOpen } from "./format.js";
import { CliError, DEFAULT_TIMEOUT_S, terminalCsv, terminalJson, terminalSafe } from "./terminal.js";

export const USAGE = `usage: openledger-explorer earnings <address> [--api URL] [--json|--csv] [--timeout SECONDS]
       openledger-explorer verify <receipt.json | inference id> --rpc URL [--api URL] [--json]   (verify --help)

  <address>      0x followed by 40 hex digits (any case)
  --api URL      the explorer API (default: $OPENLEDGER_API or http://127.0.0.1:42069)
  --json         print the account as JSON (amounts in base units, as strings)
  --csv          print every accrual as CSV (one row per accrual; see the API docs)
  --timeout S    give up when the API sends nothing for S seconds (default ${DEFAULT_TIMEOUT_S})`;

export interface CliArgs {
  address: `0x${string}`;
  api: string;
  format: "text" | "json" | "csv";
  /** Seconds the API may stay silent (before answering, and between chunks of a download). */
  timeoutS: number;
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliArgs {
  const rest = [...argv];
  const command = rest.shift();
  if (command === undefined || command === "--help" || command === "-h" || command === "help") throw new CliError(USAGE, 2);
  if (command !== "earnings") throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  let address: string | undefined;
  let api = env.OPENLEDGER_API || "http://127.0.0.1:42069";
  let format: CliArgs["format"] = "text";
  let timeoutS = DEFAULT_TIMEOUT_S;
  const readTimeout = (value: string | undefined) => {
    const n = Number(value);
    if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 86_400) throw new CliError(`--timeout needs a number of seconds from 0 to 86400, got ${JSON.stringify(value ?? "")}`, 2);
    return n;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--json" || arg === "--csv") {
      const wanted = arg === "--json" ? "json" : "csv";
      if (format !== "text" && format !== wanted) throw new CliError("choose one of --json and --csv", 2);
      format = wanted;
    } else if (arg === "--api") {
      const value = rest[++i];
      if (!value) throw new CliError("--api needs a URL", 2);
      api = value;
    } else if (arg.startsWith("--api=")) api = arg.slice(6);
    else if (arg === "--timeout") timeoutS = readTimeout(rest[++i]);
    else if (arg.startsWith("--timeout=")) timeoutS = readTimeout(arg.slice(10));
    else if (arg.startsWith("-")) throw new CliError(`unknown option ${terminalSafe(arg)}\n${USAGE}`, 2);
    else if (address === undefined) address = arg;
    else throw new CliError(`unexpected argument "${terminalSafe(arg)}"\n${USAGE}`, 2);
  }
  if (address === undefined) throw new CliError(`missing <address>\n${USAGE}`, 2);
  const decoded = decodeAddress(address);
  if (!decoded.ok) throw new CliError(terminalSafe(decoded.error, 200), 2);
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new CliError(`--api ${terminalSafe(JSON.stringify(api))} is not a URL`, 2);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError("--api must be an http(s) URL", 2);
  return { address: decoded.value, api: url.toString().replace(/\/+$/, ""), format, timeoutS };
}

export const EARNINGS_QUERY = /* GraphQL */ `
  query Earnings($address: String!) {
    account(address: $address) {
      address accrued claimed claimable accrualCount claimCount
      earningsByRole { role accrued accrualCount }
      earningsByModel(limit: 10) { totalCount items { modelId accrued model { name } } }
      earningsByDatanet(limit: 10) { totalCount items { datanetId accrued ownerCut contributorCut datanet { name } } }
      earningsByContribution(limit: 10) { totalCount items { contributionId accrued inferenceCount } }
    }
  }
`;

export interface AccountAnswer {
  address: string;
  accrued: string;
  claimed: string;
  claimable: string;
  accrualCount: number;
  claimCount: number;
  earningsByRole: { role: string; accrued: string; accrualCount: number }[];
  earningsByModel: { totalCount: number; items: { modelId: string; accrued: string; model: { name: string } | null }[] };
  earningsByDatanet: { totalCount: number; items: { datanetId: string; accrued: string; ownerCut: string; contributorCut: string; datanet: { name: string } | null }[] };
  earningsByContribution: { totalCount: number; items: { contributionId: string; accrued: string; inferenceCount: number }[] };
}

const open = (base: string) => `${formatOpen(BigInt(base))} OPEN`;

export function formatText(a: AccountAnswer): string {
  const lines = [
    `Account   ${a.address}`,
    `Accrued   ${open(a.accrued)}  (${a.accrued} base units, ${a.accrualCount} accruals)`,
    `Claimed   ${open(a.claimed)}  (${a.claimed} base units, ${a.claimCount} claims)`,
    `Claimable ${open(a.claimable)}  (${a.claimable} base units)`,
    "",
    "By role",
    ...a.earningsByRole.map((r) => `  ${r.role.padEnd(14)} ${open(r.accrued)}  (${r.accrualCount})`),
  ];
  const section = (title: string, total: number, rows: string[]) => {
    if (total === 0) return;
    lines.push("", `${title}${total > rows.length ? ` (top ${rows.length} of ${total})` : ""}`, ...rows);
  };
  section("By model", a.earningsByModel.totalCount, a.earningsByModel.items.map((m) => `  #${m.modelId} ${terminalSafe(m.model?.name ?? "")}: ${open(m.accrued)}`));
  section("By datanet", a.earningsByDatanet.totalCount, a.earningsByDatanet.items.map((d) => `  #${d.datanetId} ${terminalSafe(d.datanet?.name ?? "")}: ${open(d.accrued)} (owner ${open(d.ownerCut)}, contributor ${open(d.contributorCut)})`));
  section("By contribution", a.earningsByContribution.totalCount, a.earningsByContribution.items.map((c) => `  #${c.contributionId}: ${open(c.accrued)} over ${c.inferenceCount} inferences`));
  return `${lines.join("\n")}\n`;
}

/**
 * One request to the API that gives up when it stays silent for `timeoutS`: before the response
 * head, and between chunks of its body (`body` yields them, re-arming the timer).
 */
async function request(url: string, timeoutS: number, init?: RequestInit): Promise<{ res: Response; body: () => AsyncGenerator<Uint8Array> }> {
  const controller = new AbortController();
  const timeoutMs = timeoutS * 1000;
  let timer = setTimeout(() => controller.abort(), timeoutMs);
  const silent = () => new CliError(`the API at ${new URL(url).origin} sent nothing for ${timeoutS} s; try again, or pass --timeout SECONDS`, 1);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: controller.signal });
  } catch (err) {
    clearTimeout(timer);
    if (controller.signal.aborted) throw silent();
    throw new CliError(`cannot reach the API at ${new URL(url).origin} (${terminalSafe((err as Error).message, 200)}); start it with \`npm start\` or pass --api URL`, 1);
  }
  async function* body() {
    try {
      if (!res.body) return;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), timeoutMs);
        yield chunk;
      }
    } catch (err) {
      if (controller.signal.aborted) throw silent();
      throw new CliError(`the API at ${new URL(url).origin} broke off its answer (${terminalSafe((err as Error).message, 200)})`, 1);
    } finally {
      clearTimeout(timer);
    }
  }
  return { res, body };
}

async function readAll(chunks: AsyncGenerator<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** The API's own words for a failed answer: its JSON error, or the start of the body, made safe for a terminal. */
function apiMessage(status: number, text: string): string {
  let message = text.slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { error?: unknown; errors?: { message?: unknown }[] };
    if (typeof parsed.error === "string") message = parsed.error;
    else if (Array.isArray(parsed.errors)) message = parsed.errors.map((e) => String(e?.message ?? "")).join("; ");
  } catch {}
  return `the API answered ${status}: ${terminalSafe(message.trim() || "(no message)", 300)}`;
}

export interface RunOptions {
  /** Make CSV safe for a terminal (main: when stdout is one); text and JSON are always safe. */
  escapeCsv?: boolean;
}

export async function run(args: CliArgs, out: (chunk: string) => void, opts: RunOptions = {}): Promise<void> {
  if (args.format === "csv") {
    const { res, body } = await request(`${args.api}/api/accounts/${args.address}/earnings.csv`, args.timeoutS);
    const type = res.headers.get("content-type") ?? "";
    if (!res.ok) throw new CliError(apiMessage(res.status, await readAll(body())), 1);
    if (!/^text\/csv\b/i.test(type)) {
      throw new CliError(`the API at ${args.api} answered ${res.status} with ${terminalSafe(type || "no content type", 80)}, not CSV: is --api the explorer API?`, 1);
    }
    const decoder = new TextDecoder();
    const emit = (text: string) => out(opts.escapeCsv ? terminalCsv(text) : text);
    for await (const chunk of body()) emit(decoder.decode(chunk, { stream: true }));
    emit(decoder.decode());
    return;
  }
  const { res, body: chunks } = await request(`${args.api}/graphql`, args.timeoutS, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: EARNINGS_QUERY, variables: { address: args.address } }),
  });
  const text = await readAll(chunks());
  let body: { data?: { account?: AccountAnswer }; errors?: { message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new CliError(`the API at ${args.api} answered ${res.status} without JSON: is it the explorer API?`, 1);
  }
  if (body.errors?.length || !body.data?.account) throw new CliError(body.errors?.length ? apiMessage(res.status, text) : `the API answered ${res.status} without an account`, 1);
  out(args.format === "json" ? `${terminalJson(body.data.account)}\n` : formatText(body.data.account));
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "verify") {
      const { parseVerifyArgs, runVerify } = await import("./verify.js");
      return await runVerify(parseVerifyArgs(argv, process.env), (chunk) => process.stdout.write(chunk));
    }
    const args = parseArgs(argv, process.env);
    await run(args, (chunk) => process.stdout.write(chunk), { escapeCsv: process.stdout.isTTY === true });
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.exitCode === 2 && /^usage: /.test(err.message) ? "" : "error: "}${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
