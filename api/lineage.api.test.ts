/**
 * modelLineage against a live server over an indexed scenario (testkit/api.ts): the layers
 * (contributors → contributions → datanets → training runs → model → recent inferences, adapters
 * through their parent), the flow invariant checked to the base unit against the chain's own
 * RewardAccrued events, the first-run rule for datanets named by several runs, the caps and the
 * truncation flag (on PostgreSQL, through a `ponder serve` replica with a lowered node cap).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Address } from "viem";
import { AttributionEngineAbi, ModelRegistryAbi } from "../abis/index.js";
import { freePort } from "../chain/anvil.js";
import { postgresAvailable } from "../testkit/indexer.js";
import { spawnPonder, type PonderHandle } from "../runtime/ponder.js";
import { LIMITS } from "./graphql/limits.js";
import { gql, startApiScenario, type ApiScenario } from "../testkit/api.js";

const hasPostgres = await postgresAvailable();
const kind = hasPostgres ? ("postgres" as const) : ("pglite" as const);

interface LNode { id: string; kind: string; label: string; entityId: string; depth: number; weight: number; amount: string; foldedCount: number; verified: boolean | null; clean: boolean | null }
interface LEdge { from: string; to: string; kind: string; weight: number; amount: string }
interface Lineage { inferenceCount: number; foldedNodes: number; truncated: boolean; limit: number; recentInferences: number; nodes: LNode[]; edges: LEdge[] }

const QUERY = `query($m: BigInt!, $depth: Int, $limit: Int, $min: Int, $inf: Int) {
  modelLineage(modelId: $m, depth: $depth, limit: $limit, minWeightPpm: $min, recentInferences: $inf) {
    inferenceCount foldedNodes truncated limit recentInferences
    nodes { id kind label entityId depth weight amount foldedCount verified clean }
    edges { from to kind weight amount }
  }
}`;

interface ChainFacts {
  /** Per model: what its inferences paid to data (DATANET_OWNER + CONTRIBUTOR accruals). */
  paidToData: Map<string, bigint>;
  /** Per model: its inference ids (ascending) and fees. */
  inferences: Map<string, { id: bigint; fee: bigint }[]>;
  /** Per model: datanet ids named by each version. */
  runs: Map<string, Map<number, string[]>>;
  parent: Map<string, string>;
}

async function readChain(s: ApiScenario): Promise<ChainFacts> {
  const { client, engine, models } = s.chain;
  const facts: ChainFacts = { paidToData: new Map(), inferences: new Map(), runs: new Map(), parent: new Map() };
  const modelOf = new Map<string, string>();
  const engineLogs = await client.getContractEvents({ address: engine, abi: AttributionEngineAbi, fromBlock: 0n });
  for (const log of engineLogs) {
    if (log.eventName !== "InferenceAttributed") continue;
    const a = log.args as { inferenceId: bigint; modelId: bigint; fee: bigint };
    modelOf.set(a.inferenceId.toString(), a.modelId.toString());
    const list = facts.inferences.get(a.modelId.toString()) ?? [];
    list.push({ id: a.inferenceId, fee: a.fee });
    facts.inferences.set(a.modelId.toString(), list);
  }
  for (const log of engineLogs) {
    if (log.eventName !== "RewardAccrued") continue;
    const a = log.args as { account: Address; inferenceId: bigint; role: number; amount: bigint };
    if (a.role !== 2 && a.role !== 3) continue;
    const m = modelOf.get(a.inferenceId.toString())!;
    facts.paidToData.set(m, (facts.paidToData.get(m) ?? 0n) + a.amount);
  }
  for (const log of await client.getContractEvents({ address: models, abi: ModelRegistryAbi, fromBlock: 0n })) {
    if (log.eventName === "ModelTrained") {
      const a = log.args as { modelId: bigint; version: number; datanetIds: readonly bigint[] };
      const runs = facts.runs.get(a.modelId.toString()) ?? new Map<number, string[]>();
      runs.set(Number(a.version), a.datanetIds.map(String));
      facts.runs.set(a.modelId.toString(), runs);
    } else if (log.eventName === "ModelRegistered") {
      const a = log.args as { modelId: bigint; parentModelId: bigint };
      if (a.parentModelId !== 0n) facts.parent.set(a.modelId.toString(), a.parentModelId.toString());
    }
  }
  for (const list of facts.inferences.values()) list.sort((x, y) => (x.id < y.id ? -1 : 1));
  return facts;
}

const sum = (edges: LEdge[]) => edges.reduce((t, e) => t + BigInt(e.amount), 0n);
/** Edges from a model node towards data (everything but its inferences). */
const towardsData = (g: Lineage, id: string) => g.edges.filter((e) => e.from === id && e.kind !== "SERVED" && !e.to.endsWith(":INFERENCE"));

describe(`modelLineage on ${kind}`, () => {
  let s: ApiScenario;
  let facts: ChainFacts;
  let modelIds: string[] = [];
  const lineage = async (m: string, vars: Record<string, unknown> = {}) => {
    const r = await gql<{ modelLineage: Lineage }>(s.url, QUERY, { m, ...vars });
    expect(r.errors).toBeUndefined();
    return r.data!.modelLineage;
  };

  beforeAll(async () => {
    s = await startApiScenario(kind);
    facts = await readChain(s);
    modelIds = [...facts.inferences.keys()].sort((a, b) => Number(a) - Number(b));
  }, 600_000);

  afterAll(async () => {
    await s?.stop();
  });

  test("the whole lineage has every layer: runs (verified flag), datanets, contributions, contributors, inferences, parents", async () => {
    const kinds = new Set<string>();
    const edgeKinds = new Set<string>();
    for (const m of modelIds) {
      const g = await lineage(m, { depth: 8, limit: 5000, inf: 200 });
      expect(g.truncated).toBe(false);
      for (const n of g.nodes) kinds.add(n.kind);
      for (const e of g.edges) edgeKinds.add(e.kind);
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      // Training runs: "run:<model>:<version>", labelled v<version>, the indexer's verified flag.
      for (const n of g.nodes.filter((x) => x.kind === "TRAINING_RUN")) {
        const [, runModel, version] = n.id.split(":");
        expect(n.entityId).toBe(`${runModel}:${version}`);
        expect(n.label).toBe(`v${version}`);
        const run = await gql<{ trainingRun: { verified: boolean } }>(s.url, `{ trainingRun(modelId: "${runModel}", version: ${version}) { verified } }`);
        expect(n.verified).toBe(run.data!.trainingRun.verified);
        const honest = s.manifest.trainingRuns.find((r) => r.modelId === runModel && r.version === Number(version))?.honest;
        if (honest !== undefined) expect(n.verified).toBe(honest);
        expect(g.edges.some((e) => e.kind === "HAS_TRAINING_RUN" && e.from === `model:${runModel}` && e.to === n.id)).toBe(true);
      }
      // An adapter reaches its parent with ADAPTS.
      const parent = facts.parent.get(m);
      const adapts = g.edges.filter((e) => e.kind === "ADAPTS" && e.from === `model:${m}`);
      if (parent && adapts.length) expect(adapts.map((e) => e.to)).toEqual([`model:${parent}`]);
      if (!parent) expect(adapts).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(["CONTRIBUTION", "CONTRIBUTOR", "DATANET", "INFERENCE", "MODEL", "TRAINING_RUN"]);
    for (const k of ["ADAPTS", "HAS_TRAINING_RUN", "TRAINED_ON", "HAS_CONTRIBUTION", "CONTRIBUTED_BY", "SERVED"]) expect(edgeKinds).toContain(k);
    // The scenario has inferences outside the training lineage: they show as UNTRAINED edges.
    if (s.manifest.violations.some((v) => v.rules.some((r) => r.rule === "OUTSIDE_TRAINING_LINEAGE"))) expect(edgeKinds).toContain("UNTRAINED");
  });

  test("flows into every model add up, to the base unit, to what its inferences paid to data (folded or not)", async () => {
    let checked = 0;
    for (const m of modelIds) {
      const paid = facts.paidToData.get(m) ?? 0n;
      for (const vars of [{ depth: 8, limit: 5000 }, { depth: 8, limit: 1 }, { limit: 2, min: 50_000 }]) {
        const g = await lineage(m, vars);
        const root = `model:${m}`;
        expect(sum(towardsData(g, root))).toBe(paid);
        expect(g.nodes.find((n) => n.id === root)!.amount).toBe(paid.toString());
        // Conservation through every run and every parent model: what enters leaves towards data.
        for (const n of g.nodes) {
          if (n.kind !== "TRAINING_RUN" && (n.kind !== "MODEL" || n.id === root)) continue;
          const inflow = sum(g.edges.filter((e) => e.to === n.id));
          const out = sum(towardsData(g, n.id));
          if (g.edges.some((e) => e.from === n.id)) expect(out).toBe(inflow);
          expect(BigInt(n.amount)).toBe(inflow);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  test("a datanet named by several runs of a model: TRAINED_ON from the first run naming it, RETRAINED_ON from later ones, each with what was drawn on it", async () => {
    let retrained = 0;
    for (const m of modelIds) {
      const g = await lineage(m, { depth: 8, limit: 5000, inf: 0 });
      for (const e of g.edges.filter((x) => x.kind === "TRAINED_ON" || x.kind === "RETRAINED_ON")) {
        const [, runModel, v] = e.from.split(":");
        const datanet = e.to.split(":")[1]!;
        const runs = facts.runs.get(runModel!)!;
        const first = Math.min(...[...runs.entries()].filter(([, ds]) => ds.includes(datanet)).map(([ver]) => ver));
        expect(e.kind).toBe(Number(v) === first ? "TRAINED_ON" : "RETRAINED_ON");
        if (e.kind === "RETRAINED_ON") retrained++;
      }
      // What enters each run leaves it towards its datanets.
      for (const r of g.edges.filter((x) => x.kind === "HAS_TRAINING_RUN")) {
        const out = g.edges.filter((x) => x.from === r.to && (x.kind === "TRAINED_ON" || x.kind === "RETRAINED_ON")).reduce((t, x) => t + BigInt(x.amount), 0n);
        expect(out, r.to).toBe(BigInt(r.amount));
      }
    }
    // The simulator retrains models on datanets they already used.
    expect(retrained).toBeGreaterThan(0);
  });

  test("recent inferences: the newest N, fee as amount, audit verdict as clean, older ones folded", async () => {
    const m = modelIds.reduce((a, b) => ((facts.inferences.get(b)?.length ?? 0) > (facts.inferences.get(a)?.length ?? 0) ? b : a));
    const all = facts.inferences.get(m)!;
    const n = Math.min(5, all.length - 1);
    const g = await lineage(m, { inf: n });
    const served = g.edges.filter((e) => e.kind === "SERVED");
    const newest = all.slice(-n).reverse();
    expect(served.map((e) => e.to).sort()).toEqual(newest.map((i) => `inference:${i.id}`).sort());
    for (const i of newest) {
      const e = served.find((x) => x.to === `inference:${i.id}`)!;
      expect(e.amount).toBe(i.fee.toString());
      const node = g.nodes.find((x) => x.id === e.to)!;
      expect(node.label).toBe(`#${i.id}`);
      const flagged = s.manifest.violations.some((v) => v.inferenceId === i.id.toString());
      expect(node.clean).toBe(!flagged);
      expect(node.verified).toBeNull();
    }
    const fold = g.nodes.find((x) => x.id === `folded:model:${m}:INFERENCE`)!;
    expect(fold.foldedCount).toBe(all.length - n);
    expect(BigInt(fold.amount) + sum(served)).toBe(all.reduce((t, i) => t + i.fee, 0n));
    expect((await lineage(m, { inf: 0 })).nodes.some((x) => x.kind === "INFERENCE")).toBe(false);
  });

  test("a repeated lineage request is answered from the cache: the same bytes, JSON, the security headers", async () => {
    const body = JSON.stringify({ query: QUERY, variables: { m: modelIds[0], depth: 8, limit: 50, inf: 5 } });
    const post = () => fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const first = await post();
    const again = await post();
    for (const res of [first, again]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
    const text = await first.text();
    expect(await again.text()).toBe(text);
    expect((JSON.parse(text) as { data: { modelLineage: Lineage } }).data.modelLineage.nodes.length).toBeGreaterThan(1);
    // A bad argument is an error response, never cached: asked twice, refused twice the same way.
    for (let i = 0; i < 2; i++) {
      const r = await gql(s.url, QUERY, { m: modelIds[0], limit: 0 });
      expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  test("limit 500 and 5000 are accepted; each parent keeps at most `limit` children per kind plus one FOLDED node", async () => {
    const m = modelIds[0]!;
    for (const limit of [500, LIMITS.maxLineageLimit]) expect((await lineage(m, { limit })).limit).toBe(limit);
    const g = await lineage(m, { depth: 8, limit: 2 });
    const kindOf = new Map(g.nodes.map((n) => [n.id, n.kind]));
    const groups = new Map<string, number>();
    for (const e of g.edges.filter((x) => x.kind !== "FOLDED" && x.kind !== "SERVED")) {
      const key = `${e.from}|${kindOf.get(e.to)}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    for (const [, n] of groups) expect(n).toBeLessThanOrEqual(2);
    const folded = g.nodes.filter((n) => n.kind === "FOLDED");
    expect(folded.length).toBeGreaterThan(0);
    for (const f of folded) {
      expect(f.id).toMatch(/^folded:.+:(MODEL|TRAINING_RUN|DATANET|CONTRIBUTION|CONTRIBUTOR|INFERENCE)$/);
      expect(f.label).toMatch(new RegExp(`^\\+${f.foldedCount} others? \\(\\d+\\.\\d %\\)$`));
    }
    expect(g.foldedNodes).toBe(folded.reduce((t, f) => t + f.foldedCount, 0));
    expect(g.edges.map((e) => e.weight)).toEqual([...g.edges.map((e) => e.weight)].sort((a, b) => b - a));
  });

  test.each([
    [`limit: ${LIMITS.maxLineageLimit + 1}`, `limit must be from 1 to ${LIMITS.maxLineageLimit}, got ${LIMITS.maxLineageLimit + 1}`],
    ["limit: 0", `limit must be from 1 to ${LIMITS.maxLineageLimit}, got 0`],
    [`depth: ${LIMITS.maxLineageDepth + 1}`, `depth must be from 1 to ${LIMITS.maxLineageDepth}, got ${LIMITS.maxLineageDepth + 1}`],
    [`recentInferences: ${LIMITS.maxLineageInferences + 1}`, `recentInferences must be from 0 to ${LIMITS.maxLineageInferences}, got ${LIMITS.maxLineageInferences + 1}`],
    ["recentInferences: -1", `recentInferences must be from 0 to ${LIMITS.maxLineageInferences}, got -1`],
    ["minWeightPpm: 1000001", "minWeightPpm must be from 0 to 1000000, got 1000001"],
  ])("%s is rejected with BAD_USER_INPUT", async (arg, message) => {
    const r = await gql(s.url, `{ modelLineage(modelId: "1", ${arg}) { truncated } }`);
    expect(r.errors?.[0]?.message).toBe(message);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.status).toBeLessThan(500);
  });

  describe.runIf(kind === "postgres")("with a lowered node cap (a ponder serve replica, API_LINEAGE_MAX_NODES=30)", () => {
    let replica: PonderHandle;
    beforeAll(async () => {
      const env = { RPC_URL: s.chain.anvil.rpcUrl, CHAIN_ID: "31337", DEPLOYMENT_FILE: s.deploymentFile, API_LINEAGE_MAX_NODES: "30", ...s.db.env };
      replica = spawnPonder({ command: "serve", port: await freePort(), schema: s.db.schema, env });
      await replica.waitReady(120_000);
    }, 180_000);
    afterAll(async () => {
      await replica?.stop();
    });

    test("the answer stops at the cap with truncated: true, and flows into the model still add up", async () => {
      const m = modelIds.reduce((a, b) => ((facts.inferences.get(b)?.length ?? 0) > (facts.inferences.get(a)?.length ?? 0) ? b : a));
      const r = await gql<{ modelLineage: Lineage }>(replica.url, QUERY, { m, depth: 8, limit: 5000, inf: 0 });
      expect(r.errors).toBeUndefined();
      const g = r.data!.modelLineage;
      expect(g.truncated).toBe(true);
      expect(g.nodes.length).toBeLessThanOrEqual(30);
      expect(sum(towardsData(g, `model:${m}`))).toBe(facts.paidToData.get(m) ?? 0n);
      const full = await lineage(m, { depth: 8, limit: 5000, inf: 0 });
      expect(full.truncated).toBe(false);
      expect(full.nodes.length).toBeGreaterThan(30);
    });
  });
});
