/**
 * npm run chaos -- --seed N --rounds R [--fault-rate 0.05] [--storm-rate 0.3] [--db-outage-ms 3000,10000]
 *   [--slow-ms 500,3000] [--out file] [--indexer-log file] [--plan reorg,kill+reorg,…]
 *   [--mix reorg=1,kill=0.6,storm=0.3,dbOutage=0] [--polling-ms 100] [--stall-s 60]
 *   [--no-round-digests] [--no-replica] [--indexers 1] [--release-lock] [--stop-after-min M]
 * After each round it writes the figures so far to the same file ("partial": true).
 * Runs the seeded chaos campaign (chaos/campaign.ts), prints its figures and writes them as JSON
 * (default bench/results/chaos.json). Exits 1 when a row was lost or doubled, a digest, a total or
 * a claimable differs.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../runtime/ponder.js";
import { DISRUPTIONS, formatFigures, runCampaign, type Disruption } from "./campaign.js";

function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: "string", default: "1" },
      rounds: { type: "string", default: "4" },
      "fault-rate": { type: "string", default: "0.05" },
      "storm-rate": { type: "string", default: "0.3" },
      "db-outage-ms": { type: "string", default: "3000,10000" },
      "slow-ms": { type: "string", default: "500,3000" },
      out: { type: "string" },
      "indexer-log": { type: "string" },
      plan: { type: "string" },
      "no-backfill-kill": { type: "boolean" },
      "no-restart-after-db-restart": { type: "boolean" },
      mix: { type: "string" },
      "polling-ms": { type: "string", default: "100" },
      "stall-s": { type: "string", default: "60" },
      "no-round-digests": { type: "boolean" },
      "no-replica": { type: "boolean" },
      indexers: { type: "string", default: "1" },
      "release-lock": { type: "boolean" },
      "stop-after-min": { type: "string" },
    },
  });
  const num = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      console.error(`error: --${name} must be a number in [${min}, ${max}], not "${v}"`);
      process.exit(2);
    }
    return n;
  };
  const list = (name: string, v: string) => v.split(",").map((x) => num(name, x.trim(), 0, 600_000));
  const slow = list("slow-ms", values["slow-ms"]!);
  const mix = values.mix
    ? Object.fromEntries(
        values.mix.split(",").map((pair) => {
          const [kind, chance] = pair.split("=").map((x) => x.trim());
          if (!(DISRUPTIONS as readonly string[]).includes(kind ?? "")) {
            console.error(`error: --mix: unknown disruption "${kind}"; known: ${DISRUPTIONS.join(", ")} (e.g. --mix reorg=1,kill=0.6,storm=0.3)`);
            process.exit(2);
          }
          return [kind as Disruption, num("mix", chance ?? "", 0, 1)];
        }),
      )
    : undefined;
  return {
    seed: num("seed", values.seed!, 0, 2 ** 32 - 1),
    rounds: num("rounds", values.rounds!, 0, 10_000),
    faultRate: num("fault-rate", values["fault-rate"]!, 0, 1),
    stormRate: num("storm-rate", values["storm-rate"]!, 0, 1),
    dbOutageMs: list("db-outage-ms", values["db-outage-ms"]!),
    slowMs: [slow[0] ?? 500, slow[1] ?? slow[0] ?? 3000] as [number, number],
    indexerLog: values["indexer-log"],
    plan: values.plan ? values.plan.split(",") : undefined,
    mix,
    pollingMs: num("polling-ms", values["polling-ms"]!, 10, 60_000),
    stallMs: num("stall-s", values["stall-s"]!, 5, 3600) * 1000,
    roundDigests: !values["no-round-digests"],
    replica: !values["no-replica"],
    indexers: num("indexers", values.indexers!, 1, 8),
    releaseLock: Boolean(values["release-lock"]),
    stopAt: values["stop-after-min"] === undefined ? undefined : Date.now() + num("stop-after-min", values["stop-after-min"], 1, 100_000) * 60_000,
    killDuringBackfill: !values["no-backfill-kill"],
    restartAfterDbRestart: !values["no-restart-after-db-restart"],
    out: values.out ?? join(projectRoot, "bench", "results", "chaos.json"),
  };
}

const args = main();
const loadBefore = loadavg()[0]!;
const loads: number[] = [];
const loadSampler = setInterval(() => loads.push(loadavg()[0]!), 60_000);
const startedAt = new Date().toISOString();
mkdirSync(dirname(args.out), { recursive: true });
const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: projectRoot, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
})();
const machine = () => ({
  nproc: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  cpu: cpus()[0]?.model ?? "?",
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadavg()[0]!,
  loadAverageMean: loads.length ? Number((loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2)) : null,
});
const header = () => ({ command: `npm run chaos -- ${process.argv.slice(2).join(" ")}`.trim(), date: startedAt, commit, machine: machine() });
const figures = await runCampaign({
  ...args,
  log: (line) => console.log(`[chaos] ${line}`),
  onRound: (sofar) => writeFileSync(args.out, JSON.stringify({ partial: true, ...header(), ...sofar }, null, 2) + "\n"),
});
clearInterval(loadSampler);
console.log(formatFigures(figures));
writeFileSync(args.out, JSON.stringify({ ...header(), ...figures }, null, 2) + "\n");
console.log(`wrote ${args.out}`);
const ok = figures.roundDigests.mismatches.length === 0 && figures.rowsLost === 0 && figures.rowsExtra === 0 && figures.digestEqual && figures.totalsEqual && figures.claimableMismatches.length === 0 && figures.accrualSumMismatches.length === 0;
process.exit(ok ? 0 : 1);
