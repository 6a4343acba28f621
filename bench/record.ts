/**
 * npm run bench:record -- [--scale large] [--seed 42] [--source recorded|anvil]
 *
 * Generates (once) and caches the benchmark chain that `bench:index`, `bench:api` and `bench:ui`
 * replay, without indexing it: for the large scenario, whose generation takes most of an hour,
 * ahead of the benchmarks. Prints what the generation cost (time, peak RSS, bytes on disk).
 */
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { SCALES, type Scale } from "../sim/index.js";
import { CHAIN_SOURCES, defaultSource, ensureChain, type ChainSource } from "./lib/chain.js";
import { withCleanup } from "./lib/cleanup.js";

const USAGE = "usage: npm run bench:record -- [--scale tiny|small|medium|large] [--seed N] [--source recorded|anvil]";

runMain(
  () =>
    withCleanup(async () => {
      const flags = parseFlags(process.argv.slice(2));
      for (const k of Object.keys(flags)) if (!["scale", "seed", "source"].includes(k)) throw new UsageError(`unknown option --${k}`);
      const scale = String(flags.scale ?? "large") as Scale;
      if (!SCALES.includes(scale)) throw new UsageError("--scale must be tiny, small, medium or large");
      const seed = Number(flags.seed ?? 42);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError("--seed must be a non-negative integer");
      const source = String(flags.source ?? "recorded") as ChainSource;
      if (!CHAIN_SOURCES.includes(source)) throw new UsageError(`--source must be ${CHAIN_SOURCES.join(" or ")}`);
      if (scale === "large" && source === "anvil") throw new UsageError("the large scenario is kept as a recording only (anvil would hold ~40 GB)");
      const chain = await ensureChain(scale, seed, console.log, source);
      const m = chain.manifest;
      console.log(`${chain.generatedNow ? "generated" : "already cached"}: ${chain.dir}`);
      console.log(`${scale}, seed ${seed}: ${m.inferences.toLocaleString("en-US")} inferences, ${m.attributions.toLocaleString("en-US")} attributions, blocks ${m.firstBlock}..${m.lastBlock}; state dump ${(chain.stateBytes / 2 ** 20).toFixed(0)} MiB`);
      const r = chain.recording;
      if (r) console.log(`recording: ${r.meta.blocks.toLocaleString("en-US")} blocks, ${r.meta.transactions.toLocaleString("en-US")} transactions, ${r.meta.logs.toLocaleString("en-US")} logs, ${(r.recordingBytes / 2 ** 20).toFixed(0)} MiB; generated in ${r.seconds} s; peak RSS anvil ${r.anvilPeakRssMiB} MiB, simulator + recorder ${r.recorderPeakRssMiB} MiB`);
      if (source !== defaultSource(scale)) console.log(`(bench:index serves the ${scale} scale from ${defaultSource(scale)} unless given --source ${source})`);
    }),
  USAGE,
);
