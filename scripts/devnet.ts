/**
 * npm run devnet [-- --port 8545 --scale small --seed 1 --out .devnet/deployment.json]  (or DEVNET_PORT, DEPLOYMENT_FILE)
 * Starts anvil (chain 31337), deploys the protocol with anvil's first key, writes the deployment
 * file, runs a scenario, writes the manifest beside it, then stays up until Ctrl-C / SIGTERM and
 * stops its anvil on the way out.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createServer } from "node:net";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { startDevChain, type DevChain } from "../sim/devchain.js";
import { SCALES, simulate, type Scale } from "../sim/scenario.js";

const USAGE = "usage: npm run devnet [-- --port 8545] [--scale tiny|small|medium|large] [--seed 1] [--out .devnet/deployment.json]";

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

let chain: DevChain | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (chain) {
      console.log("stopping anvil…");
      await chain.stop().catch(() => {});
    }
  }
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => void shutdown(0));

/** Our parent chain (tsx wrapper, `sh -c`, npm): up to three ancestors, read from /proc (Linux). */
function ancestors(): number[] {
  const out: number[] = [];
  for (let pid = process.ppid; pid > 1 && out.length < 3; ) {
    out.push(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return out;
}
// `kill <npm pid>` does not reach us through `sh -c`: when an ancestor dies, shut down too.
const watched = ancestors();
setInterval(() => {
  for (const pid of watched) {
    try {
      process.kill(pid, 0);
    } catch {
      void shutdown(0);
      return;
    }
  }
}, 500).unref();
// Last resort if we die on an error: anvil runs in its own process group, take it down synchronously.
process.on("exit", () => {
  const pid = chain?.anvil.process.pid;
  if (pid && chain?.anvil.process.exitCode === null) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
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
  if (!(await portFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (another devnet?); stop it or pass --port N`);

  // Genesis eight days back, so the scenario's activity spans the last week up to now.
  const genesis = Math.floor(Date.now() / 1000) - 8 * 86_400;
  chain = await startDevChain({ port, args: ["--chain-id", "31337", "--timestamp", String(genesis)] });
  if (stopping) return void (await shutdown(0));
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
