import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startDevChain, type DevChain } from "../chain/devchain.js";
import { Rpc } from "./rpc.js";

const root = join(import.meta.dirname, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function simulateCli(args: string[]) {
  const r = spawnSync(tsx, ["scripts/simulate.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run simulate on a chain that is not a local devnet (anvil --chain-id 1)", () => {
  let chain: DevChain;
  let dir: string;
  let deploymentFile: string;

  beforeAll(async () => {
    chain = await startDevChain({ args: ["--chain-id", "1"] });
    dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
    deploymentFile = join(dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(chain.deployment));
  });
  afterAll(async () => {
    await chain?.stop();
  });

  test("refuses without --force, in one line, and sends nothing", async () => {
    const rpc = new Rpc(chain.rpcUrl);
    const before = await rpc.call<string>("eth_blockNumber");
    const r = simulateCli(["--rpc-url", chain.rpcUrl, "--deployment", deploymentFile, "--scale", "tiny", "--seed", "1"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refusing to simulate on chain 1 .*not a local devnet.*--force/);
    expect(await rpc.call<string>("eth_blockNumber")).toBe(before);
  });

  test("runs with --force and writes the manifest", () => {
    const manifestFile = join(dir, "manifest.json");
    const r = simulateCli(["--rpc-url", chain.rpcUrl, "--deployment", deploymentFile, "--scale", "tiny", "--seed", "5", "--force", "--manifest", manifestFile]);
    expect(r.stderr.split("\n").filter((l) => l && !l.startsWith("npm warn"))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/done: 300 inferences.*inferences\/s/);
    expect(existsSync(manifestFile)).toBe(true);
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    expect(manifest.seed).toBe(5);
    expect(manifest.inferences).toBe(300);
  });

  test("rejects a bad scale with the usage line", () => {
    const r = simulateCli(["--rpc-url", chain.rpcUrl, "--deployment", deploymentFile, "--scale", "huge", "--seed", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--scale must be one of tiny, small, medium, large/);
    expect(r.stderr).toMatch(/usage: npm run simulate/);
  });
});
