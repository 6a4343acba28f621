/** npm run simulate -- --rpc-url URL --deployment FILE --scale tiny|small|medium|large --seed N [--force] [--manifest FILE] [--private-key KEY] */
import { isHex } from "viem";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { readDeployment } from "../chain/deployment.js";
import { devnetRefusal, inspectNode } from "../sim/node.js";
import { Rpc } from "../sim/rpc.js";
import { SCALES, simulate, type Scale } from "../sim/scenario.js";

const USAGE =
  "usage: npm run simulate -- --rpc-url URL --deployment FILE --scale tiny|small|medium|large --seed N [--force] [--manifest FILE] [--private-key KEY (non-anvil chains)]";

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), ["force"]);
  const rpcUrl = flags["rpc-url"] ?? "http://127.0.0.1:8545";
  const file = flags["deployment"] ?? process.env.DEPLOYMENT_FILE ?? ".devnet/deployment.json";
  const scale = flags["scale"] ?? "small";
  const seedText = flags["seed"] ?? "1";
  const manifestPath = flags["manifest"];
  const key = flags["private-key"];
  if (typeof rpcUrl !== "string") throw new UsageError("--rpc-url needs a value");
  if (typeof file !== "string") throw new UsageError("--deployment needs a value");
  if (typeof scale !== "string" || !(SCALES as readonly string[]).includes(scale)) throw new UsageError(`--scale must be one of ${SCALES.join(", ")}`);
  if (typeof seedText !== "string" || !/^\d{1,15}$/.test(seedText)) throw new UsageError("--seed must be a non-negative integer");
  if (manifestPath !== undefined && typeof manifestPath !== "string") throw new UsageError("--manifest needs a file name");
  if (key !== undefined && (typeof key !== "string" || !isHex(key) || key.length !== 66)) throw new UsageError("--private-key must be a 0x-prefixed 32-byte hex key");
  for (const name of Object.keys(flags)) {
    if (!["rpc-url", "deployment", "scale", "seed", "force", "manifest", "private-key"].includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  const force = flags["force"] === true;

  // Refuse early, before reading anything else, with one clear line.
  const node = await inspectNode(new Rpc(rpcUrl));
  const refusal = devnetRefusal(node, rpcUrl);
  if (refusal && !force) throw new Error(refusal);

  if (scale === "large" && node.anvil) {
    console.log("note: anvil keeps every block, receipt and log in memory; the large scale (~1M inferences, ~10M logs) needs about 24 GB of RAM for anvil itself");
  }
  const parsed = readDeployment(file);
  if (!parsed.ok) throw new Error(parsed.error);

  const started = performance.now();
  let lastPrint = 0;
  const manifest = await simulate({
    rpcUrl,
    deployment: parsed.deployment,
    scale: scale as Scale,
    seed: Number(seedText),
    force,
    manifestPath: manifestPath ?? undefined,
    privateKey: key as `0x${string}` | undefined,
    onProgress: ({ phase, done, total }) => {
      const now = performance.now();
      if (phase === "inferences" && done < total && now - lastPrint < 1000) return;
      lastPrint = now;
      const secs = (now - started) / 1000;
      const rate = phase === "inferences" && secs > 0 ? `, ${Math.round(done / secs)} inferences/s` : "";
      console.log(`[${secs.toFixed(1)}s] ${phase}: ${done}/${total}${rate}`);
    },
  });
  const s = manifest.stats;
  console.log(
    `done: ${manifest.inferences} inferences, ${manifest.attributions} attributions, ${manifest.violations.length} flagged, ` +
      `${manifest.trainingRuns.length} training runs (${manifest.trainingRuns.filter((t) => !t.honest).length} dishonest), ` +
      `blocks ${manifest.firstBlock}..${manifest.lastBlock}, ${s.seconds}s, ${s.inferencesPerSecond} inferences/s (${s.mode})`,
  );
  if (manifestPath) console.log(`manifest written to ${manifestPath}`);
}, USAGE);
