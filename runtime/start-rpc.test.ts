/**
 * `npm start` with RPC_URL: indexes someone else's chain (no devnet, no simulator), the way an
 * outside scenario runs it. The chain is driven here by the PROTOCOL.md signatures alone, and the
 * API's numbers are checked against the chain's own views and our own arithmetic.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPublicClient, createWalletClient, http, keccak256, parseEther, toHex, type Address, type Hex } from "viem";
import { foundry } from "viem/chains";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import { freePort } from "../chain/anvil.js";
import { merkleRoot } from "../core/merkle.js";
import { startDevChain, type DevChain } from "../chain/devchain.js";
import { startNpmStart, type NpmStart } from "../testkit/npmStart.js";

describe("npm start with RPC_URL indexes that chain", () => {
  let chain: DevChain;
  let start: NpmStart;
  let base: string;
  let accounts: Address[];
  const dir = mkdtempSync(join(tmpdir(), "start-rpc-"));

  beforeAll(async () => {
    chain = await startDevChain();
    const c = chain.deployment.contracts;
    const client = createPublicClient({ chain: foundry, transport: http(chain.rpcUrl) });
    accounts = await createWalletClient({ chain: foundry, transport: http(chain.rpcUrl) }).getAddresses();
    const [admin, owner, alice, bob, payer, modelOwner, friend] = accounts as [Address, Address, Address, Address, Address, Address, Address];
    const send = async (from: Address, address: Address, abi: readonly unknown[], functionName: string, args: unknown[]) => {
      const wallet = createWalletClient({ chain: foundry, account: from, transport: http(chain.rpcUrl) });
      const hash = await wallet.writeContract({ address, abi, functionName, args } as Parameters<typeof wallet.writeContract>[0]);
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      expect(receipt.status).toBe("success");
    };
    const h = (s: string): Hex => keccak256(toHex(s));
    await send(owner, c.DatanetRegistry.address, DatanetRegistryAbi, "createDatanet", ["weather", "https://example.org/w", 1234, false]);
    await send(alice, c.DatanetRegistry.address, DatanetRegistryAbi, "submitContribution", [1n, h("a1"), "ipfs://a1", 10n]); // 1
    await send(bob, c.DatanetRegistry.address, DatanetRegistryAbi, "submitContribution", [1n, h("b1"), "ipfs://b1", 20n]); // 2
    await send(alice, c.DatanetRegistry.address, DatanetRegistryAbi, "submitContribution", [1n, h("a2"), "ipfs://a2", 30n]); // 3
    await send(owner, c.DatanetRegistry.address, DatanetRegistryAbi, "reviewContribution", [1n, 1, "good"]);
    await send(owner, c.DatanetRegistry.address, DatanetRegistryAbi, "reviewContribution", [2n, 1, "good"]);
    await send(owner, c.DatanetRegistry.address, DatanetRegistryAbi, "reviewContribution", [3n, 2, "spam"]);
    await send(modelOwner, c.ModelRegistry.address, ModelRegistryAbi, "registerModel", ["m", "llama", 0n, "https://example.org/m"]);
    await send(modelOwner, c.ModelRegistry.address, ModelRegistryAbi, "recordTraining", [1n, [1n], merkleRoot([1n, 2n]), 2, h("artifact")]);
    await send(modelOwner, c.ModelRegistry.address, ModelRegistryAbi, "recordTraining", [1n, [1n], merkleRoot([1n]), 2, h("artifact2")]); // dishonest root
    await send(admin, c.OpenToken.address, OpenTokenAbi, "mint", [payer, parseEther("100")]);
    await send(payer, c.OpenToken.address, OpenTokenAbi, "approve", [c.AttributionEngine.address, parseEther("100")]);
    await send(admin, c.AttributionEngine.address, AttributionEngineAbi, "recordInference", [1n, h("out1"), payer, 1_000_000_000_000_000_007n, 1, [1n, 2n], [333_333, 666_667]]);
    await send(admin, c.AttributionEngine.address, AttributionEngineAbi, "recordInference", [1n, h("out2"), payer, 999n, 2, [3n], [1_000_000]]);
    await send(alice, c.AttributionEngine.address, AttributionEngineAbi, "claim", [friend]);

    const deploymentFile = join(dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(chain.deployment));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    start = startNpmStart({ RPC_URL: chain.rpcUrl, CHAIN_ID: "31337", DEPLOYMENT_FILE: deploymentFile, PORT: String(port), PGLITE_DIR: join(dir, "pglite"), DATABASE_URL: "" });
    await start.waitFor(/is ready/);
  });

  afterAll(async () => {
    await start?.stop();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gql = async <T>(query: string): Promise<T> => {
    const res = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  test("starts no devnet and no simulator", () => {
    expect(start.output()).not.toContain("starting a local devnet");
    expect(start.output()).not.toContain("simulating");
    expect(start.output()).toContain(`indexing chain 31337 from ${chain.rpcUrl}`);
  });

  test("every account's earnings equal the chain's claimable, to the base unit", async () => {
    const client = createPublicClient({ chain: foundry, transport: http(chain.rpcUrl) });
    for (const address of accounts.slice(0, 7)) {
      const onChain = await client.readContract({ address: chain.deployment.contracts.AttributionEngine.address, abi: AttributionEngineAbi, functionName: "claimable", args: [address] });
      const { account } = await gql<{ account: { accrued: string; claimed: string; claimable: string } }>(`{ account(address: "${address}") { accrued claimed claimable } }`);
      expect(BigInt(account.claimable)).toBe(onChain);
      expect(BigInt(account.accrued) - BigInt(account.claimed)).toBe(onChain);
    }
  });

  test("the split of an inference, by hand: 5 % protocol, 20 % model owner, pool by weight, 12.34 % to the datanet owner", async () => {
    const fee = 1_000_000_000_000_000_007n;
    const protocol = (fee * 500n) / 10_000n, modelOwner = (fee * 2000n) / 10_000n, pool = fee - protocol - modelOwner;
    const s1 = (pool * 333_333n) / 1_000_000n, s2 = (pool * 666_667n) / 1_000_000n;
    const { inference } = await gql<{ inference: { fee: string; clean: boolean; violations: unknown[]; attributions: { contributionId: string; share: string; ownerCut: string; contributorCut: string }[] } }>(
      `{ inference(id: "1") { fee clean violations { rule contributionIds } attributions { contributionId share ownerCut contributorCut } } }`,
    );
    expect(inference.fee).toBe(String(fee));
    expect(inference.clean).toBe(true);
    expect(inference.violations).toEqual([]);
    const byId = Object.fromEntries(inference.attributions.map((a) => [a.contributionId, a]));
    expect(byId["1"]).toMatchObject({ share: String(s1), ownerCut: String((s1 * 1234n) / 10_000n), contributorCut: String(s1 - (s1 * 1234n) / 10_000n) });
    expect(byId["2"]).toMatchObject({ share: String(s2), ownerCut: String((s2 * 1234n) / 10_000n) });
  });

  test("flags the rejected contribution and the dishonest training run", async () => {
    const data = await gql<{ inference: { clean: boolean; violations: { rule: string; contributionIds: string[] }[] }; honest: { verified: boolean }; dishonest: { verified: boolean; claimedRoot: string; recomputedRoot: string } }>(
      `{ inference(id: "2") { clean violations { rule contributionIds } }
         honest: trainingRun(modelId: "1", version: 1) { verified }
         dishonest: trainingRun(modelId: "1", version: 2) { verified claimedRoot recomputedRoot } }`,
    );
    expect(data.inference.clean).toBe(false);
    expect(data.inference.violations).toEqual([{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: ["3"] }]);
    expect(data.honest.verified).toBe(true);
    expect(data.dishonest.verified).toBe(false);
    expect(data.dishonest.recomputedRoot).toBe(merkleRoot([1n, 2n]));
  });
});
