/**
 * The API against a live server (`ponder start` with this repo's API) over an indexed scenario
 * (the simulator at tiny scale plus testkit/api.ts extras), on PGlite and on PostgreSQL. Money is
 * checked to the base unit against the chain's own views and events and against core/split.ts;
 * proofs with a verifier written here; plus the schema drift, bad inputs, limits, CSV and CLI.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from "graphql/index.js";
import { concat, encodeAbiParameters, keccak256, type Address, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi } from "../abis/index.js";
import { ROLE_NAMES } from "../core/roles.js";
import { splitFee, type FeeParams } from "../core/split.js";
import { postgresAvailable } from "../testkit/indexer.js";
import { parseCsv } from "./csv.js";
import { LIMITS } from "./graphql/limits.js";
import { HOSTILE_MODEL_NAME, gql, startApiScenario, type ApiScenario } from "../testkit/api.js";

const run = promisify(execFile);
const hasPostgres = await postgresAvailable();
const HERE = fileURLToPath(new URL(".", import.meta.url));
const CLI = join(HERE, "bin", "openledger-explorer.mjs");

/** An independent OpenZeppelin MerkleProof.verify (sorted pairs), not core/merkle.ts. */
function ozVerify(proof: readonly Hex[], root: Hex, leaf: Hex): boolean {
  let node = leaf.toLowerCase() as Hex;
  for (const sibling of proof) {
    const s = sibling.toLowerCase() as Hex;
    node = BigInt(node) <= BigInt(s) ? keccak256(concat([node, s])) : keccak256(concat([s, node]));
  }
  return node === root.toLowerCase();
}

/** "1.5" OPEN -> base units, exactly. */
function parseOpen(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text);
  if (!m) throw new Error(`not an OPEN amount: ${text}`);
  return BigInt(m[1]!) * 10n ** 18n + BigInt((m[2] ?? "").padEnd(18, "0"));
}

interface ChainFacts {
  accrued: Map<string, bigint>;
  byRole: Map<string, bigint[]>;
  claimed: Map<string, bigint>;
  inferences: Map<string, { modelId: bigint; payer: string; outputHash: Hex; fee: bigint; method: number; contributionIds: readonly bigint[]; weights: readonly number[]; blockNumber: bigint; transactionHash: Hex; logIndex: number }>;
  accrualsByInference: Map<string, { account: string; role: number; amount: bigint }[]>;
  feeHistory: { blockNumber: bigint; logIndex: number; params: FeeParams }[];
  trainings: Map<string, { datanetIds: readonly bigint[]; root: Hex; count: number }>;
}

async function readChain(s: ApiScenario): Promise<ChainFacts> {
  const { client, engine, models } = s.chain;
  const logs = await client.getContractEvents({ address: engine, abi: AttributionEngineAbi, fromBlock: 0n });
  const facts: ChainFacts = { accrued: new Map(), byRole: new Map(), claimed: new Map(), inferences: new Map(), accrualsByInference: new Map(), feeHistory: [], trainings: new Map() };
  for (const log of logs) {
    if (log.eventName === "RewardAccrued") {
      const { account, inferenceId, role, amount } = log.args as { account: Address; inferenceId: bigint; role: number; amount: bigint };
      const a = account.toLowerCase();
      facts.accrued.set(a, (facts.accrued.get(a) ?? 0n) + amount);
      const roles = facts.byRole.get(a) ?? [0n, 0n, 0n, 0n];
      roles[role] = (roles[role] ?? 0n) + amount;
      facts.byRole.set(a, roles);
      const list = facts.accrualsByInference.get(inferenceId.toString()) ?? [];
      list.push({ account: a, role, amount });
      facts.accrualsByInference.set(inferenceId.toString(), list);
    } else if (log.eventName === "RewardClaimed") {
      const { account, amount } = log.args as { account: Address; amount: bigint };
      facts.claimed.set(account.toLowerCase(), (facts.claimed.get(account.toLowerCase()) ?? 0n) + amount);
    } else if (log.eventName === "InferenceAttributed") {
      const a = log.args as { inferenceId: bigint; modelId: bigint; payer: Address; outputHash: Hex; fee: bigint; method: number; contributionIds: readonly bigint[]; weightsPpm: readonly number[] };
      facts.inferences.set(a.inferenceId.toString(), {
        modelId: a.modelId, payer: a.payer.toLowerCase(), outputHash: a.outputHash, fee: a.fee, method: a.method, contributionIds: a.contributionIds, weights: a.weightsPpm,
        blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex,
      });
    } else if (log.eventName === "FeeParamsUpdated") {
      const a = log.args as { protocolFeeBps: number; modelOwnerShareBps: number; treasury: Address };
      facts.feeHistory.push({ blockNumber: log.blockNumber, logIndex: log.logIndex, params: { protocolFeeBps: a.protocolFeeBps, modelOwnerShareBps: a.modelOwnerShareBps, treasury: a.treasury } });
    }
  }
  const trained = await client.getContractEvents({ address: models, abi: ModelRegistryAbi, eventName: "ModelTrained", fromBlock: 0n });
  for (const log of trained) {
    const a = log.args as { modelId: bigint; version: number; datanetIds: readonly bigint[]; contributionsRoot: Hex; contributionCount: number };
    facts.trainings.set(`${a.modelId}:${a.version}`, { datanetIds: a.datanetIds, root: a.contributionsRoot, count: a.contributionCount });
  }
  return facts;
}

/** The split of one inference recomputed from the chain's events and registry views with core/split.ts. */
async function chainSplit(s: ApiScenario, facts: ChainFacts, id: string, cache: Map<string, unknown>) {
  const inf = facts.inferences.get(id)!;
  const params = [...facts.feeHistory].filter((f) => f.blockNumber < inf.blockNumber || (f.blockNumber === inf.blockNumber && f.logIndex < inf.logIndex)).pop()!.params;
  const read = async <T>(key: string, f: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, await f());
    return cache.get(key) as T;
  };
  const { client, datanets, models } = s.chain;
  const modelOwner = await read(`m${inf.modelId}`, () => client.readContract({ address: models, abi: ModelRegistryAbi, functionName: "ownerOf", args: [inf.modelId] }));
  const attributions = [];
  for (const [i, contributionId] of inf.contributionIds.entries()) {
    const datanetId = await read(`dn${contributionId}`, () => client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "datanetOf", args: [contributionId] }));
    attributions.push({
      contributionId,
      weightPpm: inf.weights[i]!,
      datanetId,
      datanetOwner: await read(`do${datanetId}`, () => client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "ownerOf", args: [datanetId] })),
      ownerShareBps: await read(`bps${datanetId}`, () => client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "ownerShareBpsOf", args: [datanetId] })),
      contributor: await read(`c${contributionId}`, () => client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "contributorOf", args: [contributionId] })),
    });
  }
  return splitFee({ fee: inf.fee, params, modelOwner, attributions });
}

const ACCOUNT_FIELDS = `address accrued claimed claimable accrualCount claimCount earningsByRole { role accrued accrualCount }`;

describe.each([
  ["pglite" as const, true],
  ["postgres" as const, hasPostgres],
])("the API on %s", (kind, available) => {
  let s: ApiScenario;
  let facts: ChainFacts;
  let explorerDir: string;

  beforeAll(async () => {
    if (!available) return;
    // A stand-in for the built explorer, so static serving and the SPA fallback are tested without a UI build.
    explorerDir = mkdtempSync(join(tmpdir(), "explorer-dist-"));
    mkdirSync(join(explorerDir, "assets"));
    writeFileSync(join(explorerDir, "index.html"), "<!doctype html><title>explorer</title><script type=module src=/assets/app.js></script>");
    writeFileSync(join(explorerDir, "assets", "app.js"), "console.log('explorer');");
    s = await startApiScenario(kind, { env: { API_CSV_CHUNK_ROWS: "7", EXPLORER_DIR: explorerDir } });
    facts = await readChain(s);
  }, 600_000);

  afterAll(async () => {
    await s?.stop();
    if (explorerDir) rmSync(explorerDir, { recursive: true, force: true });
  });

  test.runIf(available)("every account's accrued, claimed and claimable (and by role) equal the chain to the base unit", async () => {
    expect(s.accounts.length).toBeGreaterThan(10);
    for (const address of s.accounts) {
      const r = await gql<{ account: { accrued: string; claimed: string; claimable: string; accrualCount: number; earningsByRole: { role: string; accrued: string }[] } }>(s.url, `query($a: String!) { account(address: $a) { ${ACCOUNT_FIELDS} } }`, { a: address });
      expect(r.errors).toBeUndefined();
      const a = r.data!.account;
      const onChain = await s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address] });
      expect({ address, claimable: a.claimable }).toEqual({ address, claimable: onChain.toString() });
      expect(a.accrued).toBe((facts.accrued.get(address) ?? 0n).toString());
      expect(a.claimed).toBe((facts.claimed.get(address) ?? 0n).toString());
      expect(BigInt(a.accrued) - BigInt(a.claimed)).toBe(BigInt(a.claimable));
      const roles = facts.byRole.get(address) ?? [0n, 0n, 0n, 0n];
      expect(a.earningsByRole).toEqual(ROLE_NAMES.map((role, i) => expect.objectContaining({ role, accrued: roles[i]!.toString() })));
    }
    // An address the chain never paid: zeros, not null, and any case works.
    const nobody = await gql<{ account: { accrued: string; claimable: string } }>(s.url, `{ account(address: "0x000000000000000000000000000000000000dEaD") { address accrued claimable } }`);
    expect(nobody.data!.account).toEqual({ address: "0x000000000000000000000000000000000000dead", accrued: "0", claimable: "0" });
  });

  test.runIf(available)("earnings by model, datanet, contribution (paged) and day add up to the account's totals", async () => {
    const top = await gql<{ topEarners: { address: string }[] }>(s.url, "{ topEarners(limit: 4) { address } }");
    const chosen = [...new Set([...top.data!.topEarners.map((a) => a.address), s.extraEarner])];
    for (const address of chosen) {
      const q = `query($a: String!, $after: String) { account(address: $a) { accrued claimed earningsByRole { role accrued }
        earningsByModel(limit: 1000) { totalCount items { modelId accrued } }
        earningsByDatanet(limit: 1000) { totalCount items { datanetId accrued ownerCut contributorCut } }
        earningsByContribution(limit: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } items { contributionId accrued } }
        earningsByDay { day accrued claimed } } }`;
      type A = { accrued: string; claimed: string; earningsByRole: { role: string; accrued: string }[]; earningsByModel: { totalCount: number; items: { accrued: string }[] }; earningsByDatanet: { totalCount: number; items: { accrued: string; ownerCut: string; contributorCut: string }[] }; earningsByContribution: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; items: { contributionId: string; accrued: string }[] }; earningsByDay: { day: string; accrued: string; claimed: string }[] };
      const first = (await gql<{ account: A }>(s.url, q, { a: address })).data!.account;
      const sum = (xs: { accrued: string }[]) => xs.reduce((t, x) => t + BigInt(x.accrued), 0n);
      const role = (name: string) => BigInt(first.earningsByRole.find((r) => r.role === name)!.accrued);
      expect(sum(first.earningsByModel.items)).toBe(BigInt(first.accrued));
      expect(first.earningsByModel.items.length).toBe(first.earningsByModel.totalCount);
      expect(sum(first.earningsByDatanet.items)).toBe(role("DATANET_OWNER") + role("CONTRIBUTOR"));
      expect(first.earningsByDatanet.items.reduce((t, d) => t + BigInt(d.ownerCut), 0n)).toBe(role("DATANET_OWNER"));
      expect(sum(first.earningsByDay)).toBe(BigInt(first.accrued));
      expect(first.earningsByDay.reduce((t, d) => t + BigInt(d.claimed), 0n)).toBe(BigInt(first.claimed));
      expect(first.earningsByDay.map((d) => d.day)).toEqual([...first.earningsByDay.map((d) => d.day)].sort());
      // Walk every page of earningsByContribution: no duplicates, nothing missed, sorted by amount.
      const items: { contributionId: string; accrued: string }[] = [...first.earningsByContribution.items];
      let page = first.earningsByContribution;
      while (page.pageInfo.hasNextPage) {
        page = (await gql<{ account: A }>(s.url, q, { a: address, after: page.pageInfo.endCursor })).data!.account.earningsByContribution;
        items.push(...page.items);
      }
      expect(items.length).toBe(first.earningsByContribution.totalCount);
      expect(new Set(items.map((i) => i.contributionId)).size).toBe(items.length);
      expect(sum(items)).toBe(role("CONTRIBUTOR"));
      const amounts = items.map((i) => BigInt(i.accrued));
      expect(amounts).toEqual([...amounts].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)));
    }
  });

  test.runIf(available)("inferences match the chain's events and the split of core/split.ts; audit verdicts match the planted violations", async () => {
    const planted = new Map(s.manifest.violations.map((v) => [v.inferenceId, v]));
    const cache = new Map<string, unknown>();
    const ids = [...facts.inferences.keys()];
    expect(ids.length).toBe(s.manifest.inferences + 1);
    for (const id of ids) {
      const inf = facts.inferences.get(id)!;
      const r = await gql<{ inference: {
        id: string; modelId: string; payer: string; fee: string; outputHash: string; method: number; methodName: string; blockNumber: string; timestamp: string; transactionHash: string;
        attributions: { contributionId: string; datanetId: string; contributor: string; datanetOwner: string; weight: number; share: string; ownerCut: string; contributorCut: string }[];
        accruals: { account: string; role: string; amount: string }[]; clean: boolean; violations: { rule: string; contributionIds: string[] }[];
      } }>(s.url, `query($id: BigInt!) { inference(id: $id) { id modelId payer fee outputHash method methodName blockNumber timestamp transactionHash
          attributions { contributionId datanetId contributor datanetOwner weight share ownerCut contributorCut }
          accruals { account role amount } clean violations { rule contributionIds } } }`, { id });
      expect(r.errors).toBeUndefined();
      const got = r.data!.inference;
      expect({ id, modelId: got.modelId, payer: got.payer, fee: got.fee, outputHash: got.outputHash, method: got.method, blockNumber: got.blockNumber, transactionHash: got.transactionHash }).toEqual({
        id, modelId: inf.modelId.toString(), payer: inf.payer, fee: inf.fee.toString(), outputHash: inf.outputHash.toLowerCase(), method: inf.method, blockNumber: inf.blockNumber.toString(), transactionHash: inf.transactionHash.toLowerCase(),
      });
      const split = await chainSplit(s, facts, id, cache);
      expect(got.attributions).toEqual(split.lines.map((l) => ({
        contributionId: l.contributionId.toString(), datanetId: l.datanetId.toString(), contributor: l.contributor.toLowerCase(), datanetOwner: l.datanetOwner.toLowerCase(),
        weight: l.weightPpm, share: l.share.toString(), ownerCut: l.ownerCut.toString(), contributorCut: l.contributorCut.toString(),
      })));
      const key = (a: { account: string; role: string | number; amount: string | bigint }) => `${a.account.toLowerCase()}:${typeof a.role === "number" ? ROLE_NAMES[a.role] : a.role}:${a.amount}`;
      expect(got.accruals.map(key).sort()).toEqual((facts.accrualsByInference.get(id) ?? []).map(key).sort());
      expect(got.accruals.reduce((t, a) => t + BigInt(a.amount), 0n)).toBe(inf.fee);
      const want = planted.get(id);
      expect({ id, clean: got.clean }).toEqual({ id, clean: want === undefined });
      const norm = (vs: { rule: string; contributionIds: string[] }[]) => vs.map((v) => `${v.rule}:${[...v.contributionIds].sort().join(",")}`).sort();
      expect(norm(got.violations)).toEqual(norm(want?.rules ?? []));
    }
    // The block time is the chain's.
    const sample = facts.inferences.get(ids[0]!)!;
    const block = await s.chain.client.getBlock({ blockNumber: sample.blockNumber });
    const t = await gql<{ inference: { timestamp: string } }>(s.url, `{ inference(id: "${ids[0]}") { timestamp } }`);
    expect(t.data!.inference.timestamp).toBe(block.timestamp.toString());
    expect((await gql(s.url, `{ inference(id: "999999") { id } }`)).data).toEqual({ inference: null });
  });

  test.runIf(available)("inferencesByOutput finds every inference with that output hash", async () => {
    for (const v of s.manifest.violations.slice(0, 3)) {
      const r = await gql<{ inferencesByOutput: { id: string; outputHash: string }[] }>(s.url, `query($h: String!) { inferencesByOutput(outputHash: $h) { id outputHash } }`, { h: v.outputHash.toUpperCase().replace("0X", "0x") });
      const want = [...facts.inferences.entries()].filter(([, i]) => i.outputHash.toLowerCase() === v.outputHash.toLowerCase()).map(([id]) => id);
      expect(r.data!.inferencesByOutput.map((i) => i.id)).toEqual(want);
    }
    const none = await gql<{ inferencesByOutput: unknown[] }>(s.url, `{ inferencesByOutput(outputHash: "0x${"00".repeat(32)}") { id } }`);
    expect(none.data!.inferencesByOutput).toEqual([]);
  });

  test.runIf(available)("training runs: verified exactly when the simulator was honest, claimed root and count as on chain, recomputed ones consistent", async () => {
    const runs = [...s.manifest.trainingRuns, { modelId: s.hostileModelId.toString(), version: 1, honest: true }];
    for (const run of runs) {
      const r = await gql<{ trainingRun: { verified: boolean; claimedRoot: string; recomputedRoot: string; claimedCount: number; recomputedCount: number; datanetIds: string[]; datanets: { id: string }[] } }>(
        s.url, `query($m: BigInt!, $v: Int!) { trainingRun(modelId: $m, version: $v) { verified claimedRoot recomputedRoot claimedCount recomputedCount datanetIds datanets { id } } }`, { m: run.modelId, v: run.version });
      const got = r.data!.trainingRun;
      const onChain = facts.trainings.get(`${run.modelId}:${run.version}`)!;
      expect({ run: `${run.modelId}:${run.version}`, verified: got.verified }).toEqual({ run: `${run.modelId}:${run.version}`, verified: run.honest });
      expect(got.claimedRoot).toBe(onChain.root.toLowerCase());
      expect(got.claimedCount).toBe(onChain.count);
      expect(got.verified).toBe(got.claimedRoot === got.recomputedRoot && got.claimedCount === got.recomputedCount);
      expect([...got.datanetIds].sort()).toEqual([...new Set(onChain.datanetIds.map(String))].sort());
      expect(got.datanets.map((d) => d.id).sort()).toEqual([...got.datanetIds].sort());
    }
    expect((await gql(s.url, `{ trainingRun(modelId: "1", version: 999) { verified } }`)).data).toEqual({ trainingRun: null });
  });

  test.runIf(available)("contribution proofs verify against the on-chain root with an independent OpenZeppelin verifier", async () => {
    const honest = [{ modelId: s.hostileModelId.toString(), version: 1 }, ...s.manifest.trainingRuns.filter((r) => r.honest).slice(0, 3)];
    let checked = 0;
    for (const run of honest) {
      const onChain = facts.trainings.get(`${run.modelId}:${run.version}`)!;
      // Candidates: the oldest Accepted contributions of the run's datanets (likely in its set) and the newest ones (maybe not).
      const candidates: { id: string }[] = [];
      for (const d of onChain.datanetIds.slice(0, 2)) {
        const dn = await gql<{ datanet: { accepted: { items: { id: string }[] }; all: { items: { id: string }[] } } }>(
          s.url, `query($d: BigInt!) { datanet(id: $d) { accepted: contributions(status: ACCEPTED, limit: 1000) { items { id } } all: contributions(limit: 2) { items { id } } } }`, { d: d.toString() });
        candidates.push(...dn.data!.datanet.accepted.items.slice(-3), ...dn.data!.datanet.all.items);
      }
      for (const c of candidates) {
        const r = await gql<{ contributionProof: { included: boolean; leaf: Hex; root: Hex; claimedRoot: Hex; proof: Hex[]; validAgainstClaimedRoot: boolean } }>(
          s.url, `query($m: BigInt!, $v: Int!, $c: BigInt!) { contributionProof(modelId: $m, version: $v, contributionId: $c) { included leaf root claimedRoot proof validAgainstClaimedRoot } }`,
          { m: run.modelId, v: run.version, c: c.id });
        const p = r.data!.contributionProof;
        expect(p.leaf).toBe(keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(c.id)])));
        expect(p.claimedRoot).toBe(onChain.root.toLowerCase());
        if (p.included) {
          expect(ozVerify(p.proof, onChain.root, p.leaf)).toBe(true);
          expect(p.validAgainstClaimedRoot).toBe(true);
          checked++;
        } else {
          expect(p.proof).toEqual([]);
          expect(p.validAgainstClaimedRoot).toBe(false);
        }
        // A tampered proof fails the same verifier (the test's verifier can fail).
        if (p.proof.length > 0) expect(ozVerify([keccak256(p.proof[0]!), ...p.proof.slice(1)], onChain.root, p.leaf)).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(6);
    // A dishonest run: proofs lead to the recomputed root, not the claimed one.
    const liar = s.manifest.trainingRuns.find((r) => !r.honest);
    if (liar) {
      const r = await gql<{ contributionProof: { root: string; claimedRoot: string; validAgainstClaimedRoot: boolean } | null }>(s.url, `{ contributionProof(modelId: "${liar.modelId}", version: ${liar.version}, contributionId: "1") { root claimedRoot validAgainstClaimedRoot } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data!.contributionProof!.validAgainstClaimedRoot).toBe(false);
    }
  });

  test.runIf(available)("model lineage: what entered the model is every share its inferences paid to data (more in lineage.api.test.ts)", async () => {
    const top = await gql<{ topModels: { id: string; inferenceCount: number }[] }>(s.url, "{ topModels(limit: 1) { id inferenceCount } }");
    const model = top.data!.topModels[0]!;
    type L = { modelLineage: { inferenceCount: number; nodes: { id: string; amount: string }[]; edges: { from: string; to: string; kind: string; amount: string }[] } };
    const r = await gql<L>(s.url, `query($m: BigInt!) { modelLineage(modelId: $m, limit: 2) { inferenceCount nodes { id amount } edges { from to kind amount } } }`, { m: model.id });
    expect(r.errors).toBeUndefined();
    const g = r.data!.modelLineage;
    expect(g.inferenceCount).toBe(model.inferenceCount);
    const root = `model:${model.id}`;
    const out = g.edges.filter((e) => e.from === root && e.kind !== "SERVED" && !e.to.endsWith(":INFERENCE")).reduce((t, e) => t + BigInt(e.amount), 0n);
    const cache = new Map<string, unknown>();
    let shares = 0n;
    for (const [id, inf] of facts.inferences) if (inf.modelId.toString() === model.id) shares += (await chainSplit(s, facts, id, cache)).lines.reduce((t, l) => t + l.share, 0n);
    expect(out).toBe(shares);
    expect(g.nodes.find((n) => n.id === root)!.amount).toBe(shares.toString());
  });

  test.runIf(available)("search ranks exact addresses, ids, names, output and transaction hashes first", async () => {
    const search = async (text: string) => (await gql<{ search: { kind: string; id: string; label: string; matched: string }[] }>(s.url, `query($t: String!) { search(text: $t) { kind id label matched score } }`, { t: text })).data!.search;
    expect((await search(s.extraEarner.toUpperCase().replace("0X", "0x")))[0]).toMatchObject({ kind: "ACCOUNT", id: s.extraEarner });
    expect(await search(s.extraEarner.slice(0, 8))).toContainEqual(expect.objectContaining({ kind: "ACCOUNT", id: s.extraEarner }));
    const [someId, inf] = [...facts.inferences.entries()].at(-1)!;
    expect(await search(inf.outputHash)).toContainEqual(expect.objectContaining({ kind: "INFERENCE", id: someId, matched: "outputHash" }));
    expect(await search(inf.transactionHash)).toContainEqual(expect.objectContaining({ kind: "INFERENCE", id: someId, matched: "transactionHash" }));
    expect(await search(s.hostileModelId.toString())).toContainEqual(expect.objectContaining({ kind: "MODEL", id: s.hostileModelId.toString() }));
    expect((await search("HYPERLINK"))[0]).toMatchObject({ kind: "MODEL", id: s.hostileModelId.toString(), label: HOSTILE_MODEL_NAME });
    expect((await search("100%_"))).toEqual([]);
  });

  test.runIf(available)("earnings.csv: one row per accrual, parsed back it sums to accrued exactly, hostile text quoted and defused", async () => {
    const top = await gql<{ topEarners: { address: string; accrued: string; accrualCount: number }[] }>(s.url, "{ topEarners(limit: 3) { address accrued accrualCount } }");
    const extra = (await gql<{ account: { address: string; accrued: string; accrualCount: number } }>(s.url, `{ account(address: "${s.extraEarner}") { address accrued accrualCount } }`)).data!.account;
    for (const a of [...top.data!.topEarners, extra]) {
      const res = await fetch(`${s.url}/api/accounts/${a.address}/earnings.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      const parsed = parseCsv(await res.text());
      if (!parsed.ok) throw new Error(parsed.error);
      const [header, ...rows] = parsed.records;
      expect(header).toEqual(["time", "block", "transaction", "inference", "model", "model_name", "datanet", "contribution", "role", "amount", "amount_open"]);
      expect(rows.length).toBe(a.accrualCount); // > 7: several chunks
      expect(rows.reduce((t, r) => t + BigInt(r[9]!), 0n)).toBe(BigInt(a.accrued));
      expect(rows.reduce((t, r) => t + parseOpen(r[10]!), 0n)).toBe(BigInt(a.accrued));
      expect(new Set(rows.map((r) => `${r[3]}:${r[8]}`)).size).toBe(rows.length);
    }
    const extraRows = (parseCsv(await (await fetch(`${s.url}/api/accounts/${s.extraEarner}/earnings.csv`)).text()) as { ok: true; records: string[][] }).records.slice(1);
    // The model's name is chain text: it comes back as text, with the formula defused by a leading quote.
    expect(extraRows.map((r) => r[5])).toEqual(extraRows.map(() => `'${HOSTILE_MODEL_NAME}`));
    // One CONTRIBUTOR accrual from two attributions: both contributions listed.
    const contributor = extraRows.find((r) => r[8] === "CONTRIBUTOR")!;
    expect(contributor[7]!.split(";")).toHaveLength(2);
    expect(extraRows.find((r) => r[8] === "MODEL_OWNER")![7]).toBe("");
  });

  test.runIf(available)("earnings.csv for a period (fromBlock, toBlock inclusive): exactly the accruals of those blocks; to a block it sums to accrued as of that block", async () => {
    const top = (await gql<{ topEarners: { address: string }[] }>(s.url, "{ topEarners(limit: 1) { address } }")).data!.topEarners[0]!.address;
    const rowsOf = async (query: string) => {
      const res = await fetch(`${s.url}/api/accounts/${top}/earnings.csv${query}`);
      expect(res.status).toBe(200);
      const parsed = parseCsv(await res.text());
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.records.slice(1);
    };
    const all = await rowsOf("");
    const blocks = all.map((r) => BigInt(r[1]!));
    const from = blocks[Math.floor(blocks.length / 4)]!;
    const to = blocks[Math.floor((3 * blocks.length) / 4)]!;
    expect(from).toBeLessThan(to);
    const period = await rowsOf(`?fromBlock=${from}&toBlock=${to}`);
    expect(period).toEqual(all.filter((r) => BigInt(r[1]!) >= from && BigInt(r[1]!) <= to));
    const upTo = await rowsOf(`?toBlock=${to}`);
    const asOf = (await gql<{ account: { accrued: string } }>(s.url, `query($a: String!, $b: BlockHeight) { account(address: $a, block: $b) { accrued } }`, { a: top, b: { number: to.toString() } })).data!.account;
    expect(upTo.reduce((t, r) => t + BigInt(r[9]!), 0n)).toBe(BigInt(asOf.accrued));
    expect(await rowsOf(`?fromBlock=${to + 1n}`)).toEqual(all.filter((r) => BigInt(r[1]!) > to));
    for (const [query, error] of [
      [`?fromBlock=${to}&toBlock=${from}`, "fromBlock must not be after toBlock"],
      ["?toBlock=abc", "toBlock"],
      ["?fromBlock=-1", "fromBlock"],
    ] as const) {
      const res = await fetch(`${s.url}/api/accounts/${top}/earnings.csv${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(error);
    }
  });

  test.runIf(available)("the served schema equals the committed schema.graphql", async () => {
    const r = await gql<IntrospectionQuery>(s.url, getIntrospectionQuery({ descriptions: true }));
    expect(r.errors).toBeUndefined();
    const served = `${printSchema(lexicographicSortSchema(buildClientSchema(r.data!)))}\n`;
    expect(served, "schema.graphql differs from the served schema: run `npm run schema:write`").toBe(readFileSync(join(HERE, "..", "schema.graphql"), "utf8"));
  });

  test.runIf(available)("Ponder's generated list fields are served in the same schema and agree with ours", async () => {
    const r = await gql<{ account: { accrued: string; accrualCount: number }; rewardAccruals: { items: { account: string; amount: string }[]; totalCount: number }; _meta: { status: unknown } }>(
      s.url, `query($a: String!) { account(address: $a) { accrued accrualCount } rewardAccruals(where: { account: $a }, limit: 1000) { items { account amount } totalCount } _meta { status } }`, { a: s.extraEarner });
    expect(r.errors).toBeUndefined();
    expect(r.data!.rewardAccruals.items.map((x) => x.account)).toEqual(r.data!.rewardAccruals.items.map(() => s.extraEarner));
    expect(r.data!.rewardAccruals.items.reduce((t, x) => t + BigInt(x.amount), 0n).toString()).toBe(r.data!.account.accrued);
    expect(r.data!.rewardAccruals.totalCount).toBe(r.data!.account.accrualCount);
    expect(r.data!._meta.status).toBeTruthy();
  });

  const addr = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  test.runIf(available).each([
    ['{ account(address: "0x123") { accrued } }', 'address "0x123" is not an address: expected 0x followed by 40 hex digits'],
    [`{ account(address: "${addr}zz") { accrued } }`, "is not an address"],
    ['{ inference(id: "abc") { id } }', 'BigInt cannot represent "abc": expected a decimal integer string such as "42"'],
    ['{ inference(id: "0") { id } }', "id must be at least 1 (ids count from 1)"],
    ['{ inference(id: "-5") { id } }', "id must be at least 1 (ids count from 1)"],
    ["{ inference(id: 1.5) { id } }", "BigInt cannot represent a FloatValue literal"],
    ['{ inferencesByOutput(outputHash: "0x1234") { id } }', 'outputHash "0x1234" is not a 32-byte hash: expected 0x followed by 64 hex digits'],
    ['{ trainingRun(modelId: "1", version: 0) { verified } }', "version 0 is not a version: expected an integer from 1"],
    ['{ contributionProof(modelId: "1", version: 1, contributionId: "x") { proof } }', 'BigInt cannot represent "x"'],
    [`{ account(address: "${addr}") { earningsByModel(limit: 0) { totalCount } } }`, "limit must be from 1 to 1000, got 0"],
    [`{ account(address: "${addr}") { earningsByModel(limit: 5000) { totalCount } } }`, "limit must be from 1 to 1000, got 5000"],
    [`{ account(address: "${addr}") { claims(after: "bm90LWEtY3Vyc29y") { totalCount } } }`, "after is not a cursor returned by this API (pass pageInfo.endCursor unchanged)"],
    [`{ account(address: "${addr}") { earningsByDay(from: "2024-13-01") { day } } }`, 'from "2024-13-01" is not a calendar day'],
    [`{ account(address: "${addr}") { earningsByDay(from: "2024-02-02", to: "2024-02-01") { day } } }`, "from must not be after to"],
    ['{ modelLineage(modelId: "1", limit: 5001) { truncated } }', "limit must be from 1 to 5000, got 5001"],
    ['{ modelLineage(modelId: "1", minWeightPpm: -1) { truncated } }', "minWeightPpm must be from 0 to 1000000, got -1"],
    ['{ search(text: "   ") { id } }', "text must not be empty"],
    ['{ search(text: "x", limit: 51) { id } }', "limit must be from 1 to 50, got 51"],
    ["{ inferences(limit: 1001) { totalCount } }", "limit must be from 1 to 1000, got 1001"],
    ["{ inferences(limit: 0) { items { id } } }", "limit must be from 1 to 1000, got 0"],
    ["{ inferences(limit: -1) { items { id } } }", "limit must be from 1 to 1000, got -1"],
    ["{ inferences(offset: -1) { items { id } } }", "offset must be from 0 to 10000, got -1"],
    ['{ inferences(after: "garbage") { items { id } } }', "after is not a cursor returned by this API"],
    ['{ contributions(orderBy: "nope") { items { id } } }', 'orderBy "nope" is not a column of contribution'],
    ['{ search(text: "a\\u0000b") { id } }', "argument text contains a NUL character"],
    ['{ datanets(where: { name_contains: "\\u0000" }) { items { id } } }', "argument where contains a NUL character"],
    ['{ datanets { items { contributions(after: "!!") { items { id } } } } }', "after is not a cursor returned by this API"],
  ])("bad input %s gets a BAD_USER_INPUT error: %s", async (query, message) => {
    const r = await gql(s.url, query);
    expect(r.errors?.length).toBe(1);
    expect(r.errors![0]!.message).toContain(message);
    expect(r.errors![0]!.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(r)).not.toMatch(/\.(ts|js):\d+|stack/i);
    expect(r.status).toBeLessThan(500);
  });

  test.runIf(available)("limits: depth, aliases, tokens and body size are rejected with clear errors", async () => {
    const deep = `{ account(address: "${addr}") { earningsByModel { items { model { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: network { models }`).join(" ")} }`;
    const tokens = `{ ${"network { models } ".repeat(300)} }`;
    for (const [query, message] of [
      [deep, "query depth 12 exceeds the limit of 10"],
      [aliases, `query uses more than ${LIMITS.maxAliases} aliases`],
      [tokens, `query has more than ${LIMITS.maxTokens} tokens`],
    ] as const) {
      const r = await gql(s.url, query);
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.message).toContain(message);
      expect(r.errors?.[0]?.extensions?.code).toBe("QUERY_LIMIT_EXCEEDED");
    }
    const big = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ network { models } }", variables: { pad: "x".repeat(LIMITS.maxBodyBytes) } }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ errors: [{ message: "request body too large", extensions: { code: "HTTP_413" } }] });
    // GET: up to the body limit our 413; a URL beyond what the server reads, a JSON 431 (api/LIMITS.md).
    const longGet = await fetch(`${s.url}/graphql?query=${"x".repeat(LIMITS.maxBodyBytes + 10)}`);
    expect(longGet.status).toBe(413);
    expect(await longGet.json()).toEqual({ errors: [{ message: "query too long", extensions: { code: "HTTP_413" } }] });
    const tooLong = await fetch(`${s.url}/graphql?query=${"x".repeat(100 * 1024)}`);
    expect(tooLong.status).toBe(431);
    expect(((await tooLong.json()) as { error: string }).error).toContain("send the query as POST /graphql");
  });

  test.runIf(available)("a query whose nested lists multiply past the budget is refused at once, naming its cost and the budget", async () => {
    for (const query of [
      "{ datanet(id:1){contributions(limit:1000){items{datanet{contributions(limit:1000){items{datanet{contributions(limit:1000){items{id}}}}}}}}} }",
      "{ attributions(limit:100){items{contribution{attributions(limit:100){items{contribution{attributions(limit:100){items{weightPpm}}}}}}}}}",
    ]) {
      const started = Date.now();
      const r = await gql(s.url, query);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COSTLY");
      expect(r.errors?.[0]?.message).toMatch(/^the query's estimated cost is [\d,]+ ms, over the budget of 3,000 ms/);
    }
    const ok = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ network { models } }"}' });
    expect(Number(ok.headers.get("x-query-cost"))).toBeGreaterThan(0);
    expect(ok.headers.get("x-query-budget")).toBe("3000");
  });

  test.runIf(available)("/metrics and /status are for operators only; Ponder's routes carry the security headers", async () => {
    for (const path of ["/metrics", "/status"]) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const operator = await fetch(`${s.url}${path}`, { headers: s.server.operatorHeaders });
      expect(operator.status).toBe(200);
    }
    for (const path of ["/health", "/ready"]) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
  });

  test.runIf(available)("/graphql/schema.graphql serves the committed schema, the same text to every request", async () => {
    const texts = await Promise.all(Array.from({ length: 10 }, () => fetch(`${s.url}/graphql/schema.graphql`).then((r) => r.text())));
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toBe(readFileSync(join(HERE, "..", "schema.graphql"), "utf8"));
  });

  test.runIf(available).each([
    ["GET", "/api/accounts/0x12/earnings.csv", undefined, 400, { error: 'address "0x12" is not an address: expected 0x followed by 40 hex digits' }],
    ["GET", `/api/accounts/${encodeURIComponent("<script>")}/earnings.csv`, undefined, 400, { error: 'address "<script>" is not an address: expected 0x followed by 40 hex digits' }],
    ["GET", "/api/nothing-here", undefined, 404, { error: "no such endpoint: GET /api/nothing-here" }],
    ["POST", "/graphql", "not json", 400, { errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] }],
    ["POST", "/graphql", "[1,2]", 400, { errors: [{ message: 'the request body must be a JSON object {"query": "...", "variables": {...}}', extensions: { code: "BAD_REQUEST" } }] }],
    ["GET", "/graphql", undefined, 400, { errors: [{ message: 'GET /graphql needs ?query=...; or POST JSON {"query": "..."}', extensions: { code: "BAD_REQUEST" } }] }],
    ["POST", "/graphql", '{"query":"mutation { x }"}', 400, null],
  ])("REST/HTTP bad input: %s %s (body %s) answers %s with a JSON error", async (method, path, body, status, json) => {
    const res = await fetch(`${s.url}${path}`, { method, headers: body ? { "content-type": "application/json" } : {}, body });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const got = await res.json();
    if (json) expect(got).toEqual(json);
    else expect(JSON.stringify(got)).not.toMatch(/stack|\.ts:\d+/);
  });

  test.runIf(available)("serves the explorer with the SPA fallback and strict security headers on every response", async () => {
    for (const path of ["/", "/accounts/0xabc", "/inference/12"]) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await res.text()).toContain("<title>explorer</title>");
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    const js = await fetch(`${s.url}/assets/app.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${s.url}/%2e%2e/%2e%2e/etc/passwd`)).status).not.toBe(500);
    expect(await (await fetch(`${s.url}/%2e%2e/%2e%2e/etc/passwd`)).text()).not.toContain("root:");
    const gqlRes = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ network { models } }"}' });
    expect(gqlRes.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  test.runIf(available)("the CLI prints an account's earnings (text, --json, --csv) from the server, and refuses a bad address", async () => {
    const address = s.extraEarner;
    const onChain = await s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address] });
    const json = JSON.parse((await run(process.execPath, [CLI, "earnings", address, "--api", s.url, "--json"])).stdout) as { claimable: string; accrued: string };
    expect(json.claimable).toBe(onChain.toString());
    const text = (await run(process.execPath, [CLI, "earnings", address.toUpperCase().replace("0X", "0x"), "--api", s.url])).stdout;
    // The printed amount, read back to base units, is the chain's claimable() exactly.
    const printed = /\bClaimable (\S+) OPEN\b/.exec(text)?.[1];
    expect(printed, text).toBeDefined();
    expect(parseOpen(printed!)).toBe(onChain);
    const csv = parseCsv((await run(process.execPath, [CLI, "earnings", address, "--api", s.url, "--csv"])).stdout);
    expect(csv.ok && csv.records.slice(1).reduce((t, r) => t + BigInt(r[9]!), 0n)).toBe(BigInt(json.accrued));
    const bad = await run(process.execPath, [CLI, "earnings", "0x12", "--api", s.url]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain("is not an address");
    const down = await run(process.execPath, [CLI, "earnings", address, "--api", "http://127.0.0.1:9"]).catch((e: { code: number; stderr: string }) => e);
    expect(down).toMatchObject({ code: 1 });
    expect((down as { stderr: string }).stderr).toContain("cannot reach the API");
  });
});
