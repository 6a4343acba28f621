/**
 * Payout receipts over the devnet: every inference's receipt (GET /api/receipts/inferences/{id}.json)
 * verifies against the chain through `openledger-explorer verify` (the CLI process, by id and from a
 * file), its accruals add up to the fee and equal the chain's claimable-relevant logs; a tampered
 * file fails naming the field; a receipt of an inference in a block that a reorg removed fails as
 * not canonical.
 *
 * On the same devnet (one scenario for both), a contribution's usage: its inferences page through
 * every InferenceAttributed that names it, newest first, each with the weight the chain emitted and
 * shares adding up to what the contribution earned; its training runs are every ModelTrained naming
 * its datanet, included exactly when its Merkle proof verifies.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { keccak256, toHex } from "viem";
import { AttributionEngineAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import { contributionLeaf, verifyMerkleProof } from "../core/merkle.js";
import { decodeReceipt, verifyReceipt, type Receipt } from "../core/receipt.js";
import { postgresAvailable } from "../testkit/indexer.js";
import { gql, startApiScenario, type ApiScenario } from "../testkit/api.js";
import { fetchChainView } from "./verify.js";

const run = promisify(execFile);
const hasPostgres = await postgresAvailable();
if (process.env.CI === "true" && !hasPostgres) throw new Error("PostgreSQL is required under CI=true (127.0.0.1:5432)");
const kind = hasPostgres ? ("postgres" as const) : ("pglite" as const);
const BIN = join(import.meta.dirname, "bin", "openledger-explorer.mjs");

let s: ApiScenario;
let dir: string;
beforeAll(async () => {
  s = await startApiScenario(kind, { seed: 11 });
  dir = mkdtempSync(join(tmpdir(), "receipts-"));
}, 600_000);
afterAll(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function receiptOf(id: bigint | string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${s.url}/api/receipts/inferences/${id}.json`);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function inferenceIds(): Promise<bigint[]> {
  const ids: bigint[] = [];
  let after: string | null = null;
  for (;;) {
    const r: { data?: { recentInferences: { items: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await gql(s.url, `query($after: String) { recentInferences(limit: 100, after: $after) { items { id } pageInfo { hasNextPage endCursor } } }`, { after });
    const page = r.data!.recentInferences;
    ids.push(...page.items.map((i) => BigInt(i.id)));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

test("every inference's receipt verifies against the devnet; its accruals add up to the fee", async () => {
  const ids = await inferenceIds();
  expect(ids.length).toBeGreaterThan(5);
  let flagged = 0;
  const memo = new Map<string, unknown>(); // the chain holds still during this test
  for (const id of ids) {
    const r = await receiptOf(id);
    expect(r.status, `receipt of ${id}`).toBe(200);
    const decoded = decodeReceipt(r.body);
    if (!decoded.ok) throw new Error(decoded.error);
    const receipt = decoded.value;
    expect(receipt.inference.id).toBe(id.toString());
    expect(receipt.accruals.reduce((t, a) => t + BigInt(a.amount), 0n)).toBe(BigInt(receipt.inference.fee));
    const v = verifyReceipt(receipt, await fetchChainView(receipt, s.chain.anvil.rpcUrl, 30, memo));
    expect(v.checks.filter((c) => !c.ok), `inference ${id}`).toEqual([]);
    if (!receipt.verdict.clean) flagged++;
  }
  // The simulator plants violations: their receipts verify too, reporting them.
  expect(flagged).toBeGreaterThan(0);
}, 300_000);

test("the receipt is a download; unknown and malformed ids are clear errors", async () => {
  const [id] = await inferenceIds();
  const r = await receiptOf(id!);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  expect(r.headers.get("content-disposition")).toBe(`attachment; filename="receipt-inference-${id}.json"`);
  expect(await receiptOf(999_999n)).toMatchObject({ status: 404, body: { error: expect.stringContaining("inference 999999 is not indexed") } });
  expect((await receiptOf("abc")).status).toBe(400);
});

test("`openledger-explorer verify` passes a receipt by id and from a file, and fails a tampered file naming the field", async () => {
  const [id] = await inferenceIds();
  const byId = await cli(["verify", id!.toString(), "--rpc", s.chain.anvil.rpcUrl, "--api", s.url]);
  expect(byId.stderr).toBe("");
  expect(byId.code).toBe(0);
  expect(byId.stdout).toContain("VERIFIED");
  expect(byId.stdout).toContain("ok    inference.log: InferenceAttributed");

  const receipt = (await receiptOf(id!)).body as Receipt;
  const file = join(dir, "good.json");
  writeFileSync(file, JSON.stringify(receipt));
  expect((await cli(["verify", file, "--rpc", s.chain.anvil.rpcUrl])).code).toBe(0);

  const tampered = structuredClone(receipt);
  tampered.accruals[0]!.amount = (BigInt(tampered.accruals[0]!.amount) + 1n).toString();
  writeFileSync(join(dir, "bad.json"), JSON.stringify(tampered));
  const bad: { code: number; stdout: string } = await cli(["verify", join(dir, "bad.json"), "--rpc", s.chain.anvil.rpcUrl, "--json"]);
  expect(bad.code).toBe(1);
  const out = JSON.parse(bad.stdout) as { ok: boolean; checks: { field: string; ok: boolean }[] };
  expect(out.ok).toBe(false);
  expect(out.checks.filter((c) => !c.ok).map((c) => c.field)).toContain("accruals[0].amount");
}, 180_000);

interface UsageRow { inferenceId: string; modelId: string; weightPpm: number; share: string; ownerCut: string; contributorCut: string; blockNumber: string; transactionHash: string }

test("a contribution's inferences page through every attribution of it, newest first, as the chain emitted them", async () => {
  const logs = await s.chain.client.getContractEvents({ address: s.chain.engine, abi: AttributionEngineAbi, eventName: "InferenceAttributed", fromBlock: 0n });
  const byContribution = new Map<string, { inferenceId: string; weightPpm: number; blockNumber: string; transactionHash: string }[]>();
  for (const l of logs) {
    l.args.contributionIds!.forEach((c, k) => {
      const list = byContribution.get(c.toString()) ?? [];
      list.push({ inferenceId: l.args.inferenceId!.toString(), weightPpm: l.args.weightsPpm![k]!, blockNumber: l.blockNumber.toString(), transactionHash: l.transactionHash });
      byContribution.set(c.toString(), list);
    });
  }
  // The most attributed contributions (several pages each) and one attributed once.
  const ranked = [...byContribution.entries()].sort((a, b) => b[1].length - a[1].length);
  const picked = [...ranked.slice(0, 3), ranked[ranked.length - 1]!];
  expect(picked[0]![1].length).toBeGreaterThan(6);
  for (const [id, want] of picked) {
    const got: UsageRow[] = [];
    let after: string | null = null;
    let totalCount = -1;
    let earned = "";
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(1000);
      const r: { errors?: unknown; data?: { contribution: { earned: string; inferences: { items: UsageRow[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } } = await gql(
        s.url,
        `query($id: BigInt!, $after: String) { contribution(id: $id) { earned inferences(limit: 3, after: $after) { items { inferenceId modelId weightPpm share ownerCut contributorCut blockNumber transactionHash } totalCount pageInfo { hasNextPage endCursor } } } }`,
        { id, after },
      );
      expect(r.errors).toBeUndefined();
      const page = r.data!.contribution.inferences;
      got.push(...page.items);
      totalCount = page.totalCount;
      earned = r.data!.contribution.earned;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = [...want].sort((a, b) => (BigInt(b.inferenceId) > BigInt(a.inferenceId) ? 1 : -1));
    expect(got.map((g) => ({ inferenceId: g.inferenceId, weightPpm: g.weightPpm, blockNumber: g.blockNumber, transactionHash: g.transactionHash.toLowerCase() }))).toEqual(
      expected.map((e) => ({ ...e, transactionHash: e.transactionHash.toLowerCase() })),
    );
    expect(totalCount).toBe(want.length);
    for (const g of got) expect(BigInt(g.ownerCut) + BigInt(g.contributorCut)).toBe(BigInt(g.share));
    expect(got.reduce((t, g) => t + BigInt(g.share), 0n)).toBe(BigInt(earned));
  }
}, 120_000);

test("a contribution's training runs are every run naming its datanet, included exactly when its Merkle proof verifies", async () => {
  const trained = await s.chain.client.getContractEvents({ address: s.chain.models, abi: ModelRegistryAbi, eventName: "ModelTrained", fromBlock: 0n });
  const r = await gql<{ recentInferences: { items: { attributions: { contributionId: string; datanetId: string }[] }[] } }>(s.url, `{ recentInferences(limit: 20) { items { attributions { contributionId datanetId } } } }`);
  const attributed = [...new Map(r.data!.recentInferences.items.flatMap((i) => i.attributions).map((a) => [a.contributionId, a])).values()].slice(0, 8);
  let included = 0;
  for (const { contributionId, datanetId } of attributed) {
    const q = await gql<{ contribution: { trainingRuns: { modelId: string; version: number; included: boolean; run: { recomputedRoot: string }; proof: { proof: string[]; root: string } | null }[] } }>(
      s.url,
      `query($id: BigInt!) { contribution(id: $id) { trainingRuns { modelId version included run { recomputedRoot } proof { proof root } } } }`,
      { id: contributionId },
    );
    expect(q.errors).toBeUndefined();
    const runs = q.data!.contribution.trainingRuns;
    const naming = trained.filter((t) => t.args.datanetIds!.some((d) => d.toString() === datanetId)).map((t) => `${t.args.modelId}:${t.args.version}`);
    expect(runs.map((x) => `${x.modelId}:${x.version}`).sort()).toEqual([...naming].sort());
    for (const run of runs) {
      if (run.included) {
        included++;
        expect(run.proof).not.toBeNull();
        expect(verifyMerkleProof(run.proof!.proof as `0x${string}`[], run.run.recomputedRoot as `0x${string}`, contributionLeaf(BigInt(contributionId)))).toBe(true);
      } else expect(run.proof).toBeNull();
    }
  }
  expect(included).toBeGreaterThan(0);
}, 120_000);

test("a receipt of an inference whose block a reorg removed fails as not canonical", async () => {
  // One more paid inference of the extras' model (its payer approved ten fees), then a reorg drops it.
  const r = await gql<{ recentInferences: { items: { id: string; modelId: string; attributions: { contributionId: string }[] }[] } }>(s.url, `{ recentInferences(limit: 1) { items { id modelId attributions { contributionId } } } }`);
  const newestBefore = r.data!.recentInferences.items[0]!;
  expect(newestBefore.modelId).toBe(s.hostileModelId.toString());
  const ids = newestBefore.attributions.map((a) => BigInt(a.contributionId));
  const payer = s.chain.accounts[9]!;
  const allowance = await s.chain.client.readContract({ address: s.chain.token, abi: OpenTokenAbi, functionName: "allowance", args: [payer, s.chain.engine] });
  expect(allowance).toBeGreaterThan(10n ** 18n);
  const snapshot = await s.chain.snapshot();
  await s.chain.send(s.chain.deployer, s.chain.engine, { abi: AttributionEngineAbi, functionName: "recordInference", args: [s.hostileModelId, keccak256(toHex("to be reorged")), payer, 10n ** 18n, 1, ids, ids.map((_, i) => (i === 0 ? 1_000_000 - (ids.length - 1) : 1))] });
  const last = await s.chain.client.getBlockNumber();
  await s.server.waitForBlock(last, 120_000);
  // The new inference, not the newest before it (CI once verified that one, whose block no reorg touched).
  await expect.poll(async () => (await inferenceIds())[0], { timeout: 60_000 }).toBeGreaterThan(BigInt(newestBefore.id));
  const [newest] = await inferenceIds();
  const before = await receiptOf(newest!);
  expect(before.status).toBe(200);
  const receipt = before.body as Receipt;
  const live = verifyReceipt(receipt, await fetchChainView(receipt, s.chain.anvil.rpcUrl, 30));
  expect(live.ok).toBe(true);

  await s.chain.revert(snapshot);
  // The same height, another block: a different transaction from the same sender at the same nonce, so
  // the dropped inference can never be mined again (an empty evm_mine could not promise that).
  await s.chain.send(s.chain.deployer, s.chain.token, { abi: OpenTokenAbi, functionName: "approve", args: [s.chain.accounts[8]!, 0n] });
  const block = await s.chain.client.getBlock({ blockNumber: BigInt(receipt.inference.log.blockNumber) });
  expect(block.hash, "the reorg replaced the inference's block").not.toBe(receipt.inference.log.blockHash);
  expect(await s.chain.client.getTransactionReceipt({ hash: receipt.inference.log.transactionHash }).catch(() => null), "the inference's transaction is gone").toBeNull();
  writeFileSync(join(dir, "reorged.json"), JSON.stringify(receipt));
  const out = await cli(["verify", join(dir, "reorged.json"), "--rpc", s.chain.anvil.rpcUrl]);
  expect(out.code).toBe(1);
  expect(out.stdout).toMatch(/FAIL {2}inference\.log\.(transactionHash|blockHash): .*not canonical/);
  expect(out.stdout).toContain("NOT VERIFIED");
}, 240_000);
