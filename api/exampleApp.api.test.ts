/**
 * The example app (examples/app, its own package.json: `npm ci --prefix examples/app`) run the way
 * an app developer runs it, against a devnet scenario: types generated from schema.graphql, then
 * `earnings`, `trace` and `follow` as child processes, their output checked against the chain.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { formatEther, keccak256, toHex, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AttributionEngineAbi } from "../abis/index.js";
import { postgresAvailable } from "../testkit/indexer.js";
import { gql, HOSTILE_MODEL_NAME, startApiScenario, type ApiScenario } from "../testkit/api.js";

const run = promisify(execFile);
const APP = fileURLToPath(new URL("../examples/app", import.meta.url));
const BIN = join(APP, "node_modules/.bin");
const kind = (await postgresAvailable()) ? "postgres" : "pglite";
const open = (v: bigint) => `${formatEther(v)} OPEN`;

describe(`the example app (${kind})`, () => {
  let s: ApiScenario;
  beforeAll(async () => {
    expect(existsSync(join(BIN, "tsx")), "the example app's dependencies are not installed: run `npm ci --prefix examples/app`").toBe(true);
    await run(join(BIN, "graphql-codegen"), ["--config", "codegen.ts"], { cwd: APP });
    s = await startApiScenario(kind);
  }, 600_000);
  afterAll(async () => {
    await s?.stop();
  });

  const app = (...args: string[]) => run(join(BIN, "tsx"), ["src/main.ts", "--api", s.url, ...args], { cwd: APP, timeout: 60_000 });
  const claimable = (a: Address) => s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [a] });

  test("earnings: what an address earned, claimed and can claim, to the base unit of the chain's claimable()", async () => {
    const { stdout } = await app("earnings", s.extraEarner.toUpperCase().replace("0X", "0x"));
    expect(stdout).toContain(`account ${s.extraEarner}`);
    expect(stdout).toContain(`claimable ${open(await claimable(s.extraEarner))}`);
    expect(stdout).toMatch(/as CONTRIBUTOR +\d/);
    expect(stdout).toContain(HOSTILE_MODEL_NAME);
  });

  test("trace: the inference behind an output hash, its model, data, payouts and audit verdict", async () => {
    const outputHash = keccak256(toHex("api-extra-output"));
    const { stdout } = await app("trace", outputHash);
    expect(stdout).toMatch(new RegExp(`inference #\\d+ by model #${s.hostileModelId} `));
    expect(stdout).toContain("paid 1.000000000000000007 OPEN; audit: clean");
    expect(stdout.match(/^ {2}data: contribution #/gm)).toHaveLength(2);
    expect((await app("trace", keccak256(toHex("never produced")))).stdout).toContain("no inference produced");
  });

  test("follow: accruals arrive live, one line each, amounts equal to the chain's RewardAccrued events", async () => {
    const traced = await gql<{ inferencesByOutput: { attributions: { contributionId: string; weightPpm: number }[] }[] }>(
      s.url,
      `query T($h: String!) { inferencesByOutput(outputHash: $h) { attributions { contributionId weightPpm } } }`,
      { h: keccak256(toHex("api-extra-output")) },
    );
    const attributions = traced.data!.inferencesByOutput[0]!.attributions;
    const from = (await s.chain.client.getBlockNumber()) + 1n;
    const child = spawn(join(BIN, "tsx"), ["src/main.ts", "--api", s.url, "follow", s.extraEarner, "--from-block", from.toString(), "--count", "3"], { cwd: APP });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // The earner owns the model and the datanet and made the contributions: three accruals.
    const receipt = await s.chain.send(s.chain.deployer, s.chain.engine, {
      abi: AttributionEngineAbi,
      functionName: "recordInference",
      args: [s.hostileModelId, keccak256(toHex("example-app-live")), s.chain.accounts[9]!, 10n ** 18n, 1, attributions.map((a) => BigInt(a.contributionId)), attributions.map((a) => a.weightPpm)],
    });
    const timer = setTimeout(() => child.kill(), 90_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, `the app failed:\n${stdout}\n${stderr}`).toBe(0);
    const logs = await s.chain.client.getContractEvents({ address: s.chain.engine, abi: AttributionEngineAbi, eventName: "RewardAccrued", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    const mine = logs.filter((l) => (l.args.account as string).toLowerCase() === s.extraEarner);
    expect(mine).toHaveLength(3);
    const lines = stdout.split("\n").filter((l) => l.startsWith("+ "));
    expect(lines).toHaveLength(3);
    for (const [k, l] of mine.entries()) {
      expect(lines[k]).toContain(`+ block ${receipt.blockNumber} (${receipt.blockHash.slice(0, 10)}…) log ${l.logIndex}: inference #${l.args.inferenceId} `);
      expect(lines[k]!.endsWith(` ${open(l.args.amount!)}`), lines[k]).toBe(true);
    }
  }, 120_000);
});
