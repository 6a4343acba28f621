/**
 * contributionLineage, datanetLineage and accountLineage against a live server over an indexed
 * scenario (testkit/api.ts, its blocks settled so the rollups hold them): the flows out of each root
 * add up, to the base unit, to what the API says it earned and to the facts (the chain's
 * RewardAccrued events for accounts, the contribution's own attributions for contributions); what
 * enters each node leaves it; every path ends at the inferences that attributed the root; the same
 * as of a past block (read from the facts below the watermark); the caps and bad input.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Address } from "viem";
import { AttributionEngineAbi } from "../abis/index.js";
import { Role } from "../core/roles.js";
import { postgresAvailable } from "../testkit/indexer.js";
import { gql, startApiScenario, type ApiScenario } from "../testkit/api.js";

const hasPostgres = await postgresAvailable();
const kind = hasPostgres ? ("postgres" as const) : ("pglite" as const);

interface LNode { id: string; kind: string; label: string; entityId: string; depth: number; weight: number; amount: string; foldedCount: number; verified: boolean | null; clean: boolean | null }
interface LEdge { from: string; to: string; kind: string; weight: number; amount: string; attributionCount: number }
interface Lineage { rootId: string; rootKind: string; entityId: string; amount: string; attributionCount: number; inferenceCount: number; foldedNodes: number; truncated: boolean; nodes: LNode[]; edges: LEdge[] }

const SELECTION = `rootId rootKind entityId amount attributionCount inferenceCount foldedNodes truncated
    nodes { id kind label entityId depth weight amount foldedCount verified clean }
    edges { from to kind weight amount attributionCount }`;
const ARGS = `depth: $depth, limit: $limit, minWeightPpm: $min, recentInferences: $inf, block: $block`;
const VARS = `$depth: Int, $limit: Int, $min: Int, $inf: Int, $block: BlockHeight`;
const QUERIES = {
  contribution: `query C($id: BigInt!, ${VARS}) { lineage: contributionLineage(contributionId: $id, ${ARGS}) { ${SELECTION} } }`,
  datanet: `query D($id: BigInt!, ${VARS}) { lineage: datanetLineage(datanetId: $id, ${ARGS}) { ${SELECTION} } }`,
  account: `query A($id: String!, ${VARS}) { lineage: accountLineage(address: $id, ${ARGS}) { ${SELECTION} } }`,
};
type RootName = keyof typeof QUERIES;

const total = (edges: LEdge[]) => edges.reduce((t, e) => t + BigInt(e.amount), 0n);
const TERMINAL = new Set(["INFERENCE", "FOLDED"]);

/** Every check of a full (untruncated) downstream lineage: conservation at each node and at the leaves. */
function checkFlows(g: Lineage): void {
  expect(g.truncated).toBe(false);
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
  const root = g.nodes.find((n) => n.id === g.rootId)!;
  expect(root.depth).toBe(0);
  expect(BigInt(root.amount)).toBe(BigInt(g.amount));
  // Out of the root: what it earned.
  expect(total(g.edges.filter((e) => e.from === g.rootId))).toBe(BigInt(g.amount));
  // What enters a node leaves it (and a node's amount is what entered it).
  for (const n of g.nodes) {
    if (n.id === g.rootId || TERMINAL.has(n.kind)) continue;
    const inn = total(g.edges.filter((e) => e.to === n.id));
    expect(BigInt(n.amount), n.id).toBe(inn);
    expect(total(g.edges.filter((e) => e.from === n.id)), `out of ${n.id}`).toBe(inn);
  }
  // Every path ends at an inference (or a folded group of them): the leaves hold it all.
  const leaves = g.edges.filter((e) => TERMINAL.has(g.nodes.find((n) => n.id === e.to)!.kind) && !g.edges.some((x) => x.from === e.to));
  expect(total(leaves)).toBe(BigInt(g.amount));
  for (const e of leaves) expect(e.to.startsWith("inference:") || e.to.endsWith(":INFERENCE")).toBe(true);
  const shownAndFolded = leaves.reduce((n, e) => n + (e.to.startsWith("inference:") ? 1 : g.nodes.find((x) => x.id === e.to)!.foldedCount), 0);
  expect(shownAndFolded).toBe(g.inferenceCount);
}

describe(`downstream lineage on ${kind}`, () => {
  let s: ApiScenario;
  /** The chain's contributor accruals per account (RewardAccrued, role CONTRIBUTOR). */
  const contributorAccruals = new Map<string, bigint>();
  let contributionIds: string[] = [];
  let datanetIds: string[] = [];
  const lineage = async (root: RootName, id: string, vars: Record<string, unknown> = {}) => {
    const r = await gql<{ lineage: Lineage | null }>(s.url, QUERIES[root], { id, depth: 8, limit: 5000, inf: 200, ...vars });
    expect(r.errors).toBeUndefined();
    return r.data!.lineage;
  };

  beforeAll(async () => {
    s = await startApiScenario(kind);
    for (const log of await s.chain.client.getContractEvents({ address: s.chain.engine, abi: AttributionEngineAbi, fromBlock: 0n })) {
      if (log.eventName !== "RewardAccrued") continue;
      const a = log.args as { account: Address; role: number; amount: bigint };
      if (a.role !== Role.Contributor) continue;
      const k = a.account.toLowerCase();
      contributorAccruals.set(k, (contributorAccruals.get(k) ?? 0n) + a.amount);
    }
    const ids = await gql<{ contributions: { items: { id: string }[] }; datanets: { items: { id: string }[] } }>(
      s.url,
      `query Ids { contributions(limit: 1000, orderBy: "id", orderDirection: "asc") { items { id } } datanets(limit: 1000) { items { id } } }`,
    );
    expect(ids.errors).toBeUndefined();
    contributionIds = ids.data!.contributions.items.map((c) => c.id);
    datanetIds = ids.data!.datanets.items.map((d) => d.id);
  }, 600_000);

  afterAll(async () => {
    await s?.stop();
  });

  test("a contribution's flows add up to what it earned (API and its attributions) at every node", async () => {
    let withFlow = 0;
    const kinds = new Set<string>();
    for (const id of contributionIds) {
      const g = (await lineage("contribution", id))!;
      const c = await gql<{ contribution: { earned: string; inferenceCount: number; inferences: { items: { inferenceId: string; share: string }[] } } }>(
        s.url, `query E($id: BigInt!) { contribution(id: $id) { earned inferenceCount inferences(limit: 1000) { items { inferenceId share } } } }`, { id },
      );
      const api = c.data!.contribution;
      expect(g.amount, `contribution ${id}`).toBe(api.earned);
      expect(api.inferences.items.reduce((t, i) => t + BigInt(i.share), 0n)).toBe(BigInt(g.amount));
      expect(g.inferenceCount).toBe(api.inferenceCount);
      checkFlows(g);
      // A shown inference carries the contribution's share in it.
      for (const e of g.edges.filter((x) => x.kind === "SERVED" && x.to.startsWith("inference:"))) {
        expect(e.amount).toBe(api.inferences.items.find((i) => `inference:${i.inferenceId}` === e.to)!.share);
      }
      if (BigInt(g.amount) > 0n) withFlow++;
      for (const e of g.edges) kinds.add(e.kind);
      expect(g.edges.filter((e) => e.from === g.rootId).every((e) => e.kind === "HAS_CONTRIBUTION")).toBe(true);
    }
    expect(withFlow).toBeGreaterThan(0);
    for (const k of ["HAS_CONTRIBUTION", "TRAINED_ON", "HAS_TRAINING_RUN", "SERVED"]) expect(kinds.has(k), k).toBe(true);
  }, 300_000);

  test("a datanet's flows add up to its totalPaid and to its contributions' earnings", async () => {
    let withFlow = 0;
    for (const id of datanetIds) {
      const g = (await lineage("datanet", id))!;
      const d = await gql<{ datanet: { totalPaid: string; contributions: { items: { earned: string }[] } } }>(
        s.url, `query P($id: BigInt!) { datanet(id: $id) { totalPaid contributions(limit: 1000) { items { earned } } } }`, { id },
      );
      expect(g.amount, `datanet ${id}`).toBe(d.data!.datanet.totalPaid);
      expect(d.data!.datanet.contributions.items.reduce((t, c) => t + BigInt(c.earned), 0n)).toBe(BigInt(g.amount));
      checkFlows(g);
      if (BigInt(g.amount) > 0n) withFlow++;
      // Training runs: labelled v<version> with the indexer's verdict.
      for (const n of g.nodes.filter((x) => x.kind === "TRAINING_RUN")) {
        expect(n.label).toBe(`v${n.entityId.split(":")[1]}`);
        expect(typeof n.verified).toBe("boolean");
      }
    }
    expect(withFlow).toBeGreaterThan(0);
  }, 300_000);

  test("an account's flows add up to its contributor earnings: the API's and the chain's RewardAccrued", async () => {
    let withFlow = 0;
    for (const address of s.accounts) {
      const g = (await lineage("account", address))!;
      const a = await gql<{ account: { earningsByRole: { role: string; accrued: string }[] } }>(s.url, `query R($a: String!) { account(address: $a) { earningsByRole { role accrued } } }`, { a: address });
      const api = a.data!.account.earningsByRole.find((r) => r.role === "CONTRIBUTOR")!.accrued;
      expect(g.amount, address).toBe(api);
      expect(BigInt(g.amount)).toBe(contributorAccruals.get(address) ?? 0n);
      expect(g.rootId).toBe(`contributor:${address}`);
      checkFlows(g);
      if (BigInt(g.amount) > 0n) {
        withFlow++;
        expect(g.edges.filter((e) => e.from === g.rootId).every((e) => e.kind === "CONTRIBUTED_BY" && e.to.startsWith("contribution:"))).toBe(true);
      }
    }
    expect(withFlow).toBeGreaterThan(1);
  }, 300_000);

  test("as of a past block (below the rollups' watermark): the flows then, adding up to what was earned then", async () => {
    const first = BigInt(s.manifest.firstBlock);
    const last = BigInt(s.manifest.lastBlock);
    const mid = first + (last - first) / 2n;
    let differs = 0;
    for (const id of contributionIds.slice(0, 20)) {
      const then = await lineage("contribution", id, { block: { number: mid.toString() } });
      const c = await gql<{ contribution: { earned: string } | null }>(s.url, `query E($id: BigInt!, $b: BlockHeight) { contribution(id: $id, block: $b) { earned } }`, { id, b: { number: mid.toString() } });
      if (c.data!.contribution === null) {
        expect(then).toBeNull();
        continue;
      }
      expect(then!.amount).toBe(c.data!.contribution.earned);
      checkFlows(then!);
      const now = (await lineage("contribution", id))!;
      if (now.amount !== then!.amount) differs++;
    }
    expect(differs).toBeGreaterThan(0);
    for (const address of s.accounts.slice(0, 6)) {
      const then = (await lineage("account", address, { block: { number: mid.toString() } }))!;
      const a = await gql<{ account: { earningsByRole: { role: string; accrued: string }[] } }>(s.url, `query R($a: String!, $b: BlockHeight) { account(address: $a, block: $b) { earningsByRole { role accrued } } }`, { a: address, b: { number: mid.toString() } });
      expect(then.amount).toBe(a.data!.account.earningsByRole.find((r) => r.role === "CONTRIBUTOR")!.accrued);
      checkFlows(then);
    }
  }, 300_000);

  test("limits fold, minWeightPpm folds, and the flows still add up at every parent", async () => {
    const busiest = (await Promise.all(datanetIds.map(async (id) => (await lineage("datanet", id))!))).sort((x, y) => y.nodes.length - x.nodes.length)[0]!;
    const g = (await lineage("datanet", busiest.entityId, { limit: 1, inf: 1, min: 0 }))!;
    expect(g.foldedNodes).toBeGreaterThan(0);
    expect(g.nodes.some((n) => n.kind === "FOLDED" && /^\+\d+ others? \(/.test(n.label))).toBe(true);
    expect(total(g.edges.filter((e) => e.from === g.rootId))).toBe(BigInt(g.amount));
    for (const n of g.nodes.filter((x) => x.kind !== "FOLDED" && x.kind !== "INFERENCE" && x.id !== g.rootId)) {
      const out = g.edges.filter((e) => e.from === n.id);
      if (out.length) expect(total(out), n.id).toBe(BigInt(n.amount));
    }
    const shallow = (await lineage("datanet", busiest.entityId, { depth: 1 }))!;
    expect(Math.max(...shallow.nodes.map((n) => n.depth))).toBe(1);
  }, 120_000);

  test("unknown roots, bad input", async () => {
    expect(await lineage("contribution", "999999")).toBeNull();
    expect(await lineage("datanet", "999999")).toBeNull();
    const nobody = (await lineage("account", "0x000000000000000000000000000000000000dead"))!;
    expect(nobody.nodes).toHaveLength(1);
    expect(nobody.amount).toBe("0");
    const bad = await gql(s.url, QUERIES.account, { id: "0x12" });
    expect(bad.errors?.[0]?.message).toMatch(/address/);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const deep = await gql(s.url, QUERIES.contribution, { id: "1", depth: 9 });
    expect(deep.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  }, 60_000);
});
