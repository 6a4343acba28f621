/**
 * Test-only: a small hand-written scenario with the edge cases the indexer must get right, and the
 * verdicts an auditor would reach by hand: revoked-then-attributed, pending and rejected
 * contributions, adapter lineage through the parent's training, an untrained model, a dishonest
 * training run, a fee-parameter change with rounding dust, one account in several roles, claims.
 */
import { keccak256, toHex, type Address, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import type { ProtocolChain } from "./protocol.js";
import { merkleRoot } from "../core/merkle.js";
import type { Rule } from "../core/audit.js";

export interface ScenarioExpectations {
  /** inference id -> the rules it breaks with their contribution ids (empty: clean). */
  verdicts: Map<bigint, { rule: Rule; contributionIds: bigint[] }[]>;
  trainingRuns: { modelId: bigint; version: number; honest: boolean }[];
  accounts: Address[];
  /** Blocks of chosen transactions (for start-block tests) and of the last one. */
  blocks: { lastSubmission: bigint; inference8: bigint; last: bigint };
}

const OPEN = 10n ** 18n;

export async function driveEdgeScenario(chain: ProtocolChain): Promise<ScenarioExpectations> {
  const { send, accounts, token, datanets, models, engine } = chain;
  const [admin, owner1, owner2, alice, bob, modeler, payer, claimTo] = accounts as [Address, Address, Address, Address, Address, Address, Address, Address];

  await send(admin, token, { abi: OpenTokenAbi, functionName: "mint", args: [payer, 1_000_000n * OPEN] });
  await send(payer, token, { abi: OpenTokenAbi, functionName: "approve", args: [engine, (1n << 256n) - 1n] });

  const createDatanet = (from: Address, name: string, uri: string, bps: number, permissioned: boolean) =>
    send(from, datanets, { abi: DatanetRegistryAbi, functionName: "createDatanet", args: [name, uri, bps, permissioned] });
  await createDatanet(owner1, "Medical Q&A", "ipfs://med", 3000, false); // D1
  await createDatanet(owner2, "<script>alert(1)</script>", "javascript:alert(1)", 10_000, true); // D2: owner takes all
  await createDatanet(owner1, "Zero-owner-share", "https://example.org/d3", 0, false); // D3
  await send(owner2, datanets, { abi: DatanetRegistryAbi, functionName: "setContributorAllowed", args: [2n, bob, true] });

  const submit = (from: Address, datanetId: bigint, label: string) =>
    send(from, datanets, { abi: DatanetRegistryAbi, functionName: "submitContribution", args: [datanetId, keccak256(toHex(label)), `ipfs://${label}`, 1234n] });
  await submit(alice, 1n, "c1"); // c1 D1 alice
  await submit(bob, 1n, "c2"); // c2 D1 bob
  await submit(alice, 1n, "c3"); // c3 D1 alice
  await submit(bob, 2n, "c4"); // c4 D2 bob
  await submit(alice, 3n, "c5"); // c5 D3 alice
  const lastSubmit = await submit(bob, 1n, "c6"); // c6 D1 bob, stays pending

  const review = (from: Address, id: bigint, status: number, reason: string) =>
    send(from, datanets, { abi: DatanetRegistryAbi, functionName: "reviewContribution", args: [id, status, reason] });
  await review(owner1, 1n, 1, "good");
  await review(owner1, 2n, 1, "ok");
  await review(owner1, 3n, 2, "duplicate <b>content</b>");
  await review(owner2, 4n, 1, "");
  await review(owner1, 5n, 1, "fine");

  const register = (name: string, parent: bigint) =>
    send(modeler, models, { abi: ModelRegistryAbi, functionName: "registerModel", args: [name, "llama-3-8b", parent, "ipfs://model"] });
  await register("base", 0n); // M1
  await register("adapter", 1n); // M2 adapts M1
  await register("untrained", 0n); // M3

  const train = (modelId: bigint, datanetIds: bigint[], root: Hex, count: number) =>
    send(modeler, models, { abi: ModelRegistryAbi, functionName: "recordTraining", args: [modelId, datanetIds, root, count, keccak256(toHex(`artifact-${modelId}-${count}`))] });
  await train(1n, [1n], merkleRoot([1n, 2n]), 2); // M1 v1 honest: {c1, c2}
  await train(2n, [2n], merkleRoot([4n, 6n]), 5); // M2 v1 dishonest
  await send(bob, datanets, { abi: DatanetRegistryAbi, functionName: "revokeContribution", args: [2n] }); // c2 revoked after training
  await train(1n, [1n, 3n], merkleRoot([1n, 5n]), 2); // M1 v2 honest: {c1, c5}
  await train(3n, [], merkleRoot([]), 0); // M3 v1: the empty set is honest, trains on nothing

  const infer = (modelId: bigint, fee: bigint, ids: bigint[], weights: number[], label: string) =>
    send(admin, engine, {
      abi: AttributionEngineAbi,
      functionName: "recordInference",
      args: [modelId, keccak256(toHex(label)), payer, fee, 1, ids, weights],
    });
  const verdicts = new Map<bigint, { rule: Rule; contributionIds: bigint[] }[]>();
  await infer(1n, 10n * OPEN, [1n, 5n], [600_000, 400_000], "o1");
  verdicts.set(1n, []);
  await infer(2n, 7n * OPEN + 3n, [1n, 4n], [500_000, 500_000], "o2"); // adapter: D1 via parent, D2 via own run
  verdicts.set(2n, []);
  await infer(1n, OPEN, [2n], [1_000_000], "o3"); // revoked then attributed
  verdicts.set(3n, [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [2n] }]);
  await infer(1n, 3n * OPEN, [4n, 6n], [300_000, 700_000], "o4"); // D2 not in M1's lineage; c6 pending
  verdicts.set(4n, [
    { rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [6n] },
    { rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [4n] },
  ]);
  await infer(3n, OPEN, [1n], [1_000_000], "o5"); // untrained model
  verdicts.set(5n, [{ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: [1n] }]);
  await infer(1n, 5n, [3n, 1n], [1, 999_999], "o6"); // rejected contribution, tiny fee: rounding
  verdicts.set(6n, [{ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: [3n] }]);

  await send(admin, engine, { abi: AttributionEngineAbi, functionName: "setFeeParams", args: [1000, 1500, owner1] }); // owner1: treasury and datanet owner at once
  await infer(2n, 1_000_000_000_000_000_001n, [1n, 4n, 5n], [333_333, 333_333, 333_334], "o7"); // dust, new params
  verdicts.set(7n, []);
  const inference8 = await infer(2n, 2n * OPEN, [1n], [1_000_000], "o1"); // same output hash as inference 1
  verdicts.set(8n, []);

  await send(alice, engine, { abi: AttributionEngineAbi, functionName: "claim", args: [claimTo] });
  await send(owner1, engine, { abi: AttributionEngineAbi, functionName: "claim", args: [owner1] });
  await infer(1n, OPEN, [1n], [1_000_000], "o9");
  verdicts.set(9n, []);
  const end = await send(alice, engine, { abi: AttributionEngineAbi, functionName: "claim", args: [alice] });

  return {
    verdicts,
    trainingRuns: [
      { modelId: 1n, version: 1, honest: true },
      { modelId: 2n, version: 1, honest: false },
      { modelId: 1n, version: 2, honest: true },
      { modelId: 3n, version: 1, honest: true },
    ],
    accounts: [admin, owner1, owner2, alice, bob, modeler, payer, claimTo],
    blocks: { lastSubmission: lastSubmit.blockNumber, inference8: inference8.blockNumber, last: end.blockNumber },
  };
}

/**
 * More activity on top of the edge scenario: `n` inferences (varying model, contributions,
 * weights and fee with `salt`, so two calls with different salts write different histories),
 * with a claim every 7th. Returns the block of the last transaction.
 */
export async function driveMoreActivity(chain: ProtocolChain, salt: number, n: number, onEach?: (i: number) => Promise<void> | void): Promise<bigint> {
  const { send, accounts, engine } = chain;
  const [admin, owner1, owner2, alice] = accounts as [Address, Address, Address, Address];
  const shapes: { model: bigint; ids: bigint[]; weights: number[] }[] = [
    { model: 1n, ids: [1n, 5n], weights: [500_000, 500_000] },
    { model: 2n, ids: [4n, 1n], weights: [250_000, 750_000] },
    { model: 1n, ids: [4n], weights: [1_000_000] }, // outside lineage
    { model: 2n, ids: [1n, 4n, 5n, 2n], weights: [100_000, 200_000, 300_000, 400_000] }, // c2 revoked
  ];
  let last = 0n;
  for (let i = 0; i < n; i++) {
    const shape = shapes[(i + salt) % shapes.length]!;
    const fee = 10n ** 15n * BigInt(1 + ((i * 7 + salt * 13) % 50)) + BigInt(salt);
    const receipt = await send(admin, engine, {
      abi: AttributionEngineAbi,
      functionName: "recordInference",
      args: [shape.model, keccak256(toHex(`more-${salt}-${i}`)), accounts[6]!, fee, 2, shape.ids, shape.weights],
    });
    last = receipt.blockNumber;
    if (i % 7 === 6) {
      const claimer = [alice, owner1, owner2][(i + salt) % 3]!; // each earns in every 7 inferences
      last = (await send(claimer, engine, { abi: AttributionEngineAbi, functionName: "claim", args: [claimer] })).blockNumber;
    }
    await onEach?.(i);
  }
  return last;
}
