/**
 * npm run devnet [-- --port 8545 --scale small --seed 1 --out .devnet/deployment.json]  (or DEVNET_PORT, DEPLOYMENT_FILE)
 * Starts anvil (chain 31337), deploys the protocol with anvil's first key, writes the deployment
 * file, runs a scenario, writes the manifest beside it, then stays up until Ctrl-C / SIGTERM and
 * stops its anvil on the way out.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkPortFree } from "../runtime/preflight.js";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { devnetArgs, startDevChain, type DevChain } from "../chain/devchain.js";
import { installLifecycle, isShuttingDown, onShutdown, shutdown, trackProcessGroup } from "../runtime/lifecycle.js";
import { SCALES, simulate, type Scale } from "../sim/scenario.js";

const USAGE = "usage: npm run devnet [-- --port 8545] [--scale tiny|small|medium|large] [--seed 1] [--out .devnet/deployment.json]";

let chain: DevChain | undefined;
installLifecycle();
onShutdown(async () => {
  if (!chain) return;
  console.log("stopping anvil…");
  await chain.stop();
});

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const portText = flags["port"] ?? process.env.DEVNET_PORT ?? "8545";
  const scale = flags["scale"] ?? "small";
  const seedText = flags["seed"] ?? "1";
  const out = flags["out"] ?? process.env.DEPLOYMENT_FILE ?? ".devnet/deployment.json";
  for (const name of Object.keys(flags)) if (!["port", "scale", "seed", "out"].includes(name)) throw new UsageError(`unknown option --${name}`);
  if (typeof portText !== "string" || !/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError("--port must be a TCP port number");
  if (typeof scale !== "string" || !(SCALES as readonly string[]).includes(scale)) throw new UsageError(`--scale must be one of ${SCALES.join(", ")}`);
  if (typeof seedText !== "string" || !/^\d{1,15}$/.test(seedText)) throw new UsageError("--seed must be a non-negative integer");
  if (typeof out !== "string") throw new UsageError("--out needs a file name");
  const port = Number(portText);
  await checkPortFree(port, "--port");

  chain = await startDevChain({ port, args: devnetArgs() });
  trackProcessGroup(chain.anvil.process.pid);
  if (isShuttingDown()) return void (await shutdown(0));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(chain.deployment, null, 2) + "\n");
  console.log(`anvil on ${chain.rpcUrl} (chain ${chain.deployment.chainId}); deployment written to ${out}`);

  const manifestPath = join(dirname(out), "manifest.json");
  const started = performance.now();
  let lastPrint = 0;
  const manifest = await simulate({
    rpcUrl: chain.rpcUrl,
    deployment: chain.deployment,
    scale: scale as Scale,
    seed: Number(seedText),
    manifestPath,
    onProgress: ({ phase, done, total }) => {
      const now = performance.now();
      if (phase === "inferences" && done < total && now - lastPrint < 1000) return;
      lastPrint = now;
      console.log(`[${((now - started) / 1000).toFixed(1)}s] ${phase}: ${done}/${total}`);
    },
  });
  console.log(
    `scenario ${scale} (seed ${seedText}): ${manifest.inferences} inferences, ${manifest.violations.length} flagged, ` +
      `${manifest.stats.seconds}s (${manifest.stats.inferencesPerSecond} inferences/s); manifest written to ${manifestPath}`,
  );
  console.log(`devnet up: RPC ${chain.rpcUrl}  (Ctrl-C to stop)`);
  setInterval(() => {}, 1 << 30); // keep the event loop alive
  await new Promise<never>(() => {}); // stay up until a signal
}, USAGE);
