/**
 * A small third-party app over the explorer's GraphQL API, typed from the published schema.
 *
 *   npm start -- earnings <address>              what an address earned, claimed and can claim
 *   npm start -- trace <outputHash>              the inference(s) behind an AI output: model, data, payouts, audit
 *   npm start -- follow <address> [--from-block N] [--count N]
 *                                                accruals to an address as they are indexed (GraphQL-over-SSE),
 *                                                resuming from the last cursor after a dropped connection
 *
 * --api URL (default http://127.0.0.1:42069, or OPENLEDGER_API) is the explorer's address.
 */
import { GraphQLClient } from "graphql-request";
import { createClient } from "graphql-sse";
import { print } from "graphql";
import { AccountEarningsDocument, FollowAccrualsDocument, TraceOutputDocument, type FollowAccrualsSubscription } from "./gql/graphql.js";

const USAGE = "usage: main.ts [--api URL] earnings <address> | trace <outputHash> | follow <address> [--from-block N] [--count N]";

/** Text from the chain is untrusted: no terminal control characters reach the screen. */
const safe = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "?");

/** Base units (18 decimals) as OPEN, exactly. */
export function open(amount: string): string {
  const v = BigInt(amount);
  const whole = v / 10n ** 18n;
  const frac = (v % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""} OPEN`;
}

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--")) flags.set(a.slice(2), argv[++i] ?? "");
    else rest.push(a);
  }
  return { api: (flags.get("api") ?? process.env.OPENLEDGER_API ?? "http://127.0.0.1:42069").replace(/\/+$/, ""), flags, rest };
}

async function earnings(client: GraphQLClient, address: string) {
  const { account: a } = await client.request(AccountEarningsDocument, { address });
  console.log(`account ${a.address}`);
  console.log(`  accrued   ${open(a.accrued)}`);
  console.log(`  claimed   ${open(a.claimed)}`);
  console.log(`  claimable ${open(a.claimable)}`);
  for (const r of a.earningsByRole) console.log(`  as ${r.role.padEnd(13)} ${open(r.accrued)}`);
  for (const m of a.earningsByModel.items) console.log(`  model #${m.modelId} ${safe(m.model?.name ?? "(unknown)")}: ${open(m.accrued)}`);
}

async function trace(client: GraphQLClient, outputHash: string) {
  const { inferencesByOutput } = await client.request(TraceOutputDocument, { outputHash });
  if (inferencesByOutput.length === 0) console.log(`no inference produced ${outputHash}`);
  for (const i of inferencesByOutput) {
    console.log(`inference #${i.id} by model #${i.model?.id ?? "?"} ${safe(i.model?.name ?? "(unknown)")}, block ${i.blockNumber}, tx ${i.transactionHash}`);
    console.log(`  payer ${i.payer} paid ${open(i.fee)}; audit: ${i.clean ? "clean" : i.violations.map((v) => `${v.rule} (${safe(v.message)})`).join("; ")}`);
    for (const t of i.attributions) console.log(`  data: contribution #${t.contributionId} of datanet #${t.datanetId ?? "?"} by ${t.contributor ?? "?"}, weight ${t.weightPpm} ppm, share ${open(t.share)}`);
    for (const p of i.accruals) console.log(`  paid ${p.role} ${p.account} ${open(p.amount)}`);
  }
}

type AccrualEvent = FollowAccrualsSubscription["accruals"];

async function follow(api: string, account: string, fromBlock: string | undefined, count: number) {
  const sse = createClient({ url: `${api}/graphql`, retryAttempts: 0 });
  let after: string | undefined;
  let seen = 0;
  console.log(`following accruals to ${account}${fromBlock ? ` from block ${fromBlock}` : ""}`);
  for (let attempt = 0; seen < count; attempt++) {
    try {
      // After a drop, `after` resumes exactly where the last event left off: no gap, no duplicate.
      const variables = after ? { account, after } : { account, fromBlock };
      for await (const result of sse.iterate<{ accruals: AccrualEvent }>({ query: print(FollowAccrualsDocument), variables })) {
        if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
        const e = result.data!.accruals;
        after = e.cursor;
        attempt = 0;
        const sign = e.change === "RETRACTED" ? "retracted" : "+";
        console.log(`${sign} block ${e.blockNumber} (${e.blockHash.slice(0, 10)}…) log ${e.logIndex}: inference #${e.accrual.inferenceId} ${e.accrual.role} ${open(e.accrual.amount)}`);
        if (++seen >= count) break;
      }
    } catch (err) {
      if (attempt >= 5) throw err;
      console.error(`connection lost (${(err as Error).message}); resuming in 1 s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  sse.dispose();
}

async function main() {
  const { api, flags, rest } = parseArgs(process.argv.slice(2));
  const [command, arg] = rest;
  if (!command || !arg) throw new Error(USAGE);
  const client = new GraphQLClient(`${api}/graphql`);
  if (command === "earnings") return earnings(client, arg);
  if (command === "trace") return trace(client, arg);
  if (command === "follow") {
    const count = Number(flags.get("count") ?? Infinity);
    return follow(api, arg, flags.get("from-block"), Number.isNaN(count) ? Infinity : count);
  }
  throw new Error(USAGE);
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
