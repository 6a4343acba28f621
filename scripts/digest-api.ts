/**
 * npm run digest:api -- [--api URL] [--lines FILE] [--concurrency N]
 * Prints the digest of what a running API serves (api/digest.ts): one sha256 per section (home,
 * audit lists, models, lineages, training runs, datanets, contributions, inferences, accounts)
 * and the total. Two servers over the same chain print the same digest exactly when they serve the
 * same figures. --lines writes every canonical answer, one per line, to diff two servers.
 */
import { createWriteStream } from "node:fs";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { digestApi } from "../api/digest.js";

const USAGE = "usage: npm run digest:api -- [--api URL] [--lines FILE] [--concurrency N]";

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  for (const k of Object.keys(flags)) if (!["api", "lines", "concurrency"].includes(k)) throw new UsageError(`unknown option --${k}`);
  const url = String(flags.api ?? process.env.OPENLEDGER_API ?? "http://127.0.0.1:42069");
  const concurrency = Number(flags.concurrency ?? 8);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a positive integer");
  const out = typeof flags.lines === "string" ? createWriteStream(flags.lines) : null;
  const started = Date.now();
  const digest = await digestApi({
    url,
    concurrency,
    onLine: out ? (section, line) => out.write(`${section}\t${line}\n`) : undefined,
    onProgress: (section, done) => process.stderr.write(`  ${section}: ${done}\n`),
  });
  if (out) await new Promise<void>((r) => out.end(r));
  for (const s of digest.sections) console.log(`${s.sha256}  ${s.name} (${s.requests} requests)`);
  console.log(`${digest.sha256}  total (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}, USAGE);
