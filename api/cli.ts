/**
 * `npx openledger-explorer earnings <address> [--api URL] [--json|--csv]`: what an address earned,
 * from a running API. Human output by default, the GraphQL answer with --json, every accrual as CSV
 * (the API's earnings.csv, streamed) with --csv. Exit codes: 0 ok, 1 API failure, 2 usage error.
 */
import { decodeAddress } from "./input.js";
import { formatOpen } from "./format.js";

export const USAGE = `usage: openledger-explorer earnings <address> [--api URL] [--json|--csv]

  <address>   0x followed by 40 hex digits (any case)
  --api URL   the explorer API (default: $OPENLEDGER_API or http://127.0.0.1:42069)
  --json      print the account as JSON (amounts in base units, as strings)
  --csv       print every accrual as CSV (one row per accrual; see the API docs)`;

export class CliError extends Error {
  constructor(message: string, public readonly exitCode: 1 | 2) {
    super(message);
  }
}

export interface CliArgs {
  address: `0x${string}`;
  api: string;
  format: "text" | "json" | "csv";
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliArgs {
  const rest = [...argv];
  const command = rest.shift();
  if (command === undefined || command === "--help" || command === "-h" || command === "help") throw new CliError(USAGE, 2);
  if (command !== "earnings") throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  let address: string | undefined;
  let api = env.OPENLEDGER_API || "http://127.0.0.1:42069";
  let format: CliArgs["format"] = "text";
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
    else if (arg.startsWith("-")) throw new CliError(`unknown option ${arg}\n${USAGE}`, 2);
    else if (address === undefined) address = arg;
    else throw new CliError(`unexpected argument "${arg}"\n${USAGE}`, 2);
  }
  if (address === undefined) throw new CliError(`missing <address>\n${USAGE}`, 2);
  const decoded = decodeAddress(address);
  if (!decoded.ok) throw new CliError(decoded.error, 2);
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new CliError(`--api ${JSON.stringify(api)} is not a URL`, 2);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError("--api must be an http(s) URL", 2);
  return { address: decoded.value, api: url.toString().replace(/\/+$/, ""), format };
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

/** Chain text shown in a terminal: control characters (escape sequences, bidi overrides) made visible. */
export function terminalSafe(text: string, max = 60): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
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

async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new CliError(`cannot reach the API at ${new URL(url).origin} (${(err as Error).message}); start it with \`npm start\` or pass --api URL`, 1);
  }
}

export async function run(args: CliArgs, out: (chunk: string) => void): Promise<void> {
  if (args.format === "csv") {
    const res = await request(`${args.api}/api/accounts/${args.address}/earnings.csv`);
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => "");
      let message = body.slice(0, 200);
      try {
        message = (JSON.parse(body) as { error?: string }).error ?? message;
      } catch {}
      throw new CliError(`the API answered ${res.status}: ${message}`, 1);
    }
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) out(decoder.decode(chunk, { stream: true }));
    out(decoder.decode());
    return;
  }
  const res = await request(`${args.api}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: EARNINGS_QUERY, variables: { address: args.address } }),
  });
  let body: { data?: { account?: AccountAnswer }; errors?: { message: string }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new CliError(`the API at ${args.api} answered ${res.status} without JSON: is it the explorer API?`, 1);
  }
  if (body.errors?.length || !body.data?.account) throw new CliError(`the API answered: ${body.errors?.map((e) => e.message).join("; ") ?? `HTTP ${res.status}`}`, 1);
  out(args.format === "json" ? `${JSON.stringify(body.data.account, null, 2)}\n` : formatText(body.data.account));
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv, process.env);
    await run(args, (chunk) => process.stdout.write(chunk));
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.exitCode === 2 && err.message === USAGE ? "" : "error: "}${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
