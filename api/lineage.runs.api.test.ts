/**
 * Lineage credits the training run each inference drew on (PROTOCOL.md, "Which training run an
 * inference drew on"): over a model retrained twice on overlapping datanets, an adapter trained on
 * its own datanet over a parent retrained meanwhile, and a contribution accepted between two runs,
 * each run's flow equals, to the base unit, the shares of the attributions that drew on it by the
 * rule (written out by hand here, inference by inference), and what flows into each model still
 * adds up to what its inferences paid to data. A reorg that removes a run moves the credit of the
 * inferences after it back, by the rule.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "../testkit/protocol.js";
import { merkleRoot } from "../core/merkle.js";
import { indexChain, type IndexedChain, type IndexerRun } from "../testkit/indexer.js";
import { gql } from "../testkit/api.js";

const OPEN = 10n ** 18n;

interface Lineage {
  nodes: { id: string; kind: string; amount: string }[];
  edges: { from: string; to: string; kind: string; amount: string }[];
}

async function lineageOf(url: string, modelId: bigint): Promise<Lineage> {
  const r = await gql<{ modelLineage: Lineage }>(url, `{ modelLineage(modelId: "${modelId}", depth: 8, limit: 5000, recentInferences: 0) { nodes { id kind amount } edges { from to kind amount } } }`);
  expect(r.errors).toBeUndefined();
  return r.data!.modelLineage;
}

/** The shares of an inference's attributions, by contribution id (the API's trace: the split is checked against the chain elsewhere). */
async function sharesOf(url: string, inferenceId: bigint): Promise<Map<string, bigint>> {
  const r = await gql<{ inference: { attributions: { contributionId: string; share: string }[] } }>(url, `{ inference(id: "${inferenceId}") { attributions { contributionId share } } }`);
  return new Map(r.data!.inference.attributions.map((a) => [a.contributionId, BigInt(a.share)]));
}

/** Sums, per run node id, the shares the hand-written credits give it. */
async function expectedRunFlows(url: string, credits: { inference: bigint; contribution: bigint; run: string }[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const c of credits) {
    const share = (await sharesOf(url, c.inference)).get(c.contribution.toString()) ?? 0n;
    out.set(c.run, (out.get(c.run) ?? 0n) + share);
  }
  return out;
}

/** What flowed into each run node, from the lineage's HAS_TRAINING_RUN edges. */
const runFlows = (l: Lineage) => new Map(l.edges.filter((e) => e.kind === "HAS_TRAINING_RUN").map((e) => [e.to, BigInt(e.amount)]));

describe("lineage by the training run each inference drew on", () => {
  let chain: ProtocolChain;
  let run: IndexerRun;
  let indexed: IndexedChain | undefined;
  let infer: (modelId: bigint, ids: bigint[], weights: number[], label: string) => Promise<bigint>;
  let train: (modelId: bigint, datanets: bigint[], ids: bigint[]) => Promise<unknown>;
  let inferenceCount: () => Promise<bigint>;

  beforeAll(async () => {
    chain = await startProtocolChain();
    const { send, accounts, token, datanets, models, engine } = chain;
    const [admin, owner, alice, bob, modeler, payer] = accounts as [Address, Address, Address, Address, Address, Address];
    await send(admin, token, { abi: OpenTokenAbi, functionName: "mint", args: [payer, 1_000_000n * OPEN] });
    await send(payer, token, { abi: OpenTokenAbi, functionName: "approve", args: [engine, (1n << 256n) - 1n] });
    for (const name of ["D1", "D2", "D3"]) await send(owner, datanets, { abi: DatanetRegistryAbi, functionName: "createDatanet", args: [name, "https://example.org", 2000, false] });
    const submit = (from: Address, d: bigint, label: string) => send(from, datanets, { abi: DatanetRegistryAbi, functionName: "submitContribution", args: [d, keccak256(toHex(label)), `ipfs://${label}`, 1n] });
    const accept = (id: bigint) => send(owner, datanets, { abi: DatanetRegistryAbi, functionName: "reviewContribution", args: [id, 1, ""] });
    await submit(alice, 1n, "c1"); // c1 D1
    await submit(bob, 2n, "c2"); // c2 D2
    await submit(alice, 1n, "c3"); // c3 D1, accepted only between v1 and v2
    await submit(bob, 3n, "c4"); // c4 D3, the adapter's own datanet
    for (const id of [1n, 2n, 4n]) await accept(id);
    await send(modeler, models, { abi: ModelRegistryAbi, functionName: "registerModel", args: ["base", "llama", 0n, ""] }); // M1
    await send(modeler, models, { abi: ModelRegistryAbi, functionName: "registerModel", args: ["adapter", "llama", 1n, ""] }); // M2 adapts M1
    train = (modelId, ds, ids) =>
      send(modeler, models, { abi: ModelRegistryAbi, functionName: "recordTraining", args: [modelId, ds, merkleRoot(ids) as Hex, ids.length, keccak256(toHex(`a${modelId}-${ds.join(",")}-${ids.join(",")}`))] });
    let n = 0;
    infer = async (modelId, ids, weights, label) => {
      await send(admin, engine, { abi: AttributionEngineAbi, functionName: "recordInference", args: [modelId, keccak256(toHex(label)), payer, 10n * OPEN + BigInt(++n), 1, ids, weights] });
      return inferenceCount();
    };
    inferenceCount = () => chain.client.readContract({ address: engine, abi: AttributionEngineAbi, functionName: "inferenceCount" });

    await train(1n, [1n, 2n], [1n, 2n]); // M1 v1: D1, D2
    await infer(1n, [1n, 2n], [600_000, 400_000], "i1"); // i1: D1 -> M1 v1, D2 -> M1 v1
    await accept(3n); // c3 joins D1 between the runs
    await train(1n, [1n], [1n, 3n]); // M1 v2: D1 again (overlapping)
    await infer(1n, [1n, 3n, 2n], [500_000, 300_000, 200_000], "i2"); // i2: D1 -> v2, D2 -> still v1 (v2 does not name it)
    await train(2n, [3n], [4n]); // M2 v1: its own D3
    await infer(2n, [4n, 1n, 2n], [500_000, 250_000, 250_000], "i3"); // i3 on the adapter: D3 -> M2 v1, D1 -> M1 v2, D2 -> M1 v1
    await train(1n, [2n, 1n], [1n, 2n, 3n]); // M1 v3: D1 and D2, meanwhile
    await infer(2n, [1n, 2n], [700_000, 300_000], "i4"); // i4 on the adapter: D1 -> M1 v3, D2 -> M1 v3
    await infer(1n, [3n], [1_000_000], "i5"); // i5: D1 -> M1 v3

    indexed = await indexChain(chain, "postgres");
    run = indexed.run;
  }, 300_000);
  afterAll(async () => {
    await indexed?.stop();
    await chain?.stop();
  });

  const CREDITS = [
    { inference: 1n, contribution: 1n, run: "run:1:1" },
    { inference: 1n, contribution: 2n, run: "run:1:1" },
    { inference: 2n, contribution: 1n, run: "run:1:2" },
    { inference: 2n, contribution: 3n, run: "run:1:2" },
    { inference: 2n, contribution: 2n, run: "run:1:1" },
    { inference: 3n, contribution: 4n, run: "run:2:1" },
    { inference: 3n, contribution: 1n, run: "run:1:2" },
    { inference: 3n, contribution: 2n, run: "run:1:1" },
    { inference: 4n, contribution: 1n, run: "run:1:3" },
    { inference: 4n, contribution: 2n, run: "run:1:3" },
    { inference: 5n, contribution: 3n, run: "run:1:3" },
  ];

  test("each run of the base model carries exactly what its own inferences drew on it", async () => {
    const want = await expectedRunFlows(run.url, CREDITS.filter((c) => [1n, 2n, 5n].includes(c.inference)));
    const l = await lineageOf(run.url, 1n);
    expect(runFlows(l)).toEqual(new Map(["run:1:1", "run:1:2", "run:1:3"].map((r) => [r, want.get(r) ?? 0n])));
    // No run that carried inferences is drawn with zero flow; v2 and v3 carry their own.
    expect(want.get("run:1:3")).toBeGreaterThan(0n);
    const model = l.nodes.find((x) => x.id === "model:1")!;
    const paid = (await Promise.all([1n, 2n, 5n].map((i) => sharesOf(run.url, i)))).flatMap((m) => [...m.values()]).reduce((t, x) => t + x, 0n);
    expect(BigInt(model.amount)).toBe(paid);
  });

  test("the adapter's lineage credits its own run and, through its parent, the parent's run at each inference", async () => {
    const want = await expectedRunFlows(run.url, CREDITS.filter((c) => [3n, 4n].includes(c.inference)));
    const l = await lineageOf(run.url, 2n);
    const got = runFlows(l);
    for (const [runId, amount] of want) expect(got.get(runId), runId).toBe(amount);
    // What enters each run leaves it towards its datanets; what enters the adapter is what it paid to data.
    for (const [runId, amount] of got) {
      const out = l.edges.filter((e) => e.from === runId && (e.kind === "TRAINED_ON" || e.kind === "RETRAINED_ON")).reduce((t, e) => t + BigInt(e.amount), 0n);
      expect(out, runId).toBe(amount);
    }
    const paid = (await Promise.all([3n, 4n].map((i) => sharesOf(run.url, i)))).flatMap((m) => [...m.values()]).reduce((t, x) => t + x, 0n);
    expect(BigInt(l.nodes.find((x) => x.id === "model:2")!.amount)).toBe(paid);
  });

  test("a reorg that removes a run moves the later inferences' credit back to the run before it", async () => {
    const snapshot = await chain.snapshot();
    await train(1n, [1n], [1n, 3n]); // M1 v4 on D1, to be reorged away
    const i6 = await infer(1n, [1n], [1_000_000], "i6-a");
    await run.waitForBlock(await chain.client.getBlockNumber());
    expect(runFlows(await lineageOf(run.url, 1n)).get("run:1:4")).toBe((await sharesOf(run.url, i6)).get("1"));
    await chain.revert(snapshot);
    const i6b = await infer(1n, [1n], [1_000_000], "i6-b"); // no v4 on this chain: D1 -> M1 v3
    await infer(1n, [3n], [1_000_000], "i7-b");
    await infer(1n, [1n, 3n], [500_000, 500_000], "i8-b"); // a longer history than the abandoned one
    await run.waitForBlock(await chain.client.getBlockNumber());
    const l = await lineageOf(run.url, 1n);
    expect(l.nodes.some((x) => x.id === "run:1:4")).toBe(false);
    const want = await expectedRunFlows(run.url, [
      ...CREDITS.filter((c) => [1n, 2n, 5n].includes(c.inference)),
      { inference: i6b, contribution: 1n, run: "run:1:3" },
      { inference: i6b + 1n, contribution: 3n, run: "run:1:3" },
      { inference: i6b + 2n, contribution: 1n, run: "run:1:3" },
      { inference: i6b + 2n, contribution: 3n, run: "run:1:3" },
    ]);
    expect(runFlows(l)).toEqual(new Map(["run:1:1", "run:1:2", "run:1:3"].map((r) => [r, want.get(r) ?? 0n])));
  });
});
