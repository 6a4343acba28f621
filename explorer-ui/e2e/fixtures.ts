/**
 * Canned data for the mock API, shaped like the API's schema: a small network with a flagged
 * inference, an adapter model, hostile strings, and generated lineages of 5,000 and 10,000 nodes.
 * Everything is plain data (or functions of the GraphQL arguments) used as a graphql-js rootValue.
 */

const E18 = 10n ** 18n;
const s = (v: bigint) => v.toString();
const T0 = 1_735_689_600; // 2025-01-01T00:00:00Z

const addr = (prefix: string, n: number) => `0x${prefix}${String(n).padStart(40 - prefix.length, "0")}`;
export const ADDR = {
  alice: addr("a11ce", 1),
  bob: addr("b0b", 2),
  carol: addr("ca201", 3),
  dave: addr("da7e", 4),
  treasury: addr("7ea5", 5),
  payer: addr("fee", 6),
} as const;

export const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
export const HOSTILE_URI = "javascript:alert(document.domain)";

const hash = (n: number, salt = 0) => "0x" + ((n * 2654435761 + salt * 97) >>> 0).toString(16).padStart(8, "0").repeat(8);
const tx = (n: number) => hash(n, 7);

interface PageArgs { limit?: number | null; after?: string | null }
export function page<T>(items: T[], { limit, after }: PageArgs = {}) {
  const start = after ? Number(after) : 0;
  const n = Math.max(1, Math.min(limit ?? 25, 100));
  const slice = items.slice(start, start + n);
  const end = start + slice.length;
  return {
    items: slice,
    totalCount: items.length,
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: String(start), endCursor: String(end) },
  };
}

// ---------------- datanets, models, contributions ----------------
const datanetBase = [
  { id: "1", owner: ADDR.dave, name: "Medical Notes EN", metadataURI: "https://data.example.org/datanets/medical.json", ownerShareBps: 1500, permissioned: true },
  { id: "2", owner: ADDR.bob, name: HOSTILE_NAME, metadataURI: HOSTILE_URI, ownerShareBps: 1000, permissioned: false },
  { id: "3", owner: ADDR.carol, name: "Legal corpus \u202Eexe.txt\u200B (contracts)", metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", ownerShareBps: 0, permissioned: false },
];

const statuses = ["ACCEPTED", "ACCEPTED", "ACCEPTED", "PENDING", "REJECTED", "REVOKED"] as const;
const contributors = [ADDR.alice, ADDR.bob, ADDR.carol];
export const contributionsData = Array.from({ length: 24 }, (_, i) => {
  const id = i + 1;
  const datanetId = String((i % 3) + 1);
  return {
    id: String(id), datanetId, contributor: contributors[i % 3]!, contentHash: hash(id, 3),
    uri: i === 4 ? "javascript:alert(1)" : i % 4 === 0 ? `https://data.example.org/c/${id}.jsonl` : `ipfs://bafy${id}contribution`,
    size: String(1024 * (id + 3)), status: statuses[i % statuses.length]!,
    earned: s(BigInt(id) * 37n * E18 / 100n), ownerCut: s(BigInt(id) * 5n * E18 / 100n), contributorCut: s(BigInt(id) * 32n * E18 / 100n),
    inferenceCount: 30 - i, blockNumber: String(100 + id), timestamp: String(T0 + id * 3600), transactionHash: tx(100 + id),
    history: [
      { status: "PENDING", reason: null, by: contributors[i % 3]!, blockNumber: String(100 + id), timestamp: String(T0 + id * 3600), transactionHash: tx(100 + id) },
      ...(statuses[i % statuses.length] !== "PENDING" ? [{ status: statuses[i % statuses.length]!, reason: i % 6 === 4 ? "duplicate of #3 \u202Egnp.exe" : "looks good", by: ADDR.dave, blockNumber: String(150 + id), timestamp: String(T0 + id * 3600 + 600), transactionHash: tx(150 + id) }] : []),
    ],
  };
});

const modelBase = [
  { id: "1", owner: ADDR.carol, name: "MedLlama-7B", baseModel: "llama-2-7b", metadataURI: "https://models.example.org/medllama.json", parentModelId: null as string | null },
  { id: "2", owner: ADDR.dave, name: "MedLlama-cardio-LoRA", baseModel: "llama-2-7b", metadataURI: "data:text/html,<script>alert(1)</script>", parentModelId: "1" },
  { id: "3", owner: ADDR.carol, name: "Stress-5k", baseModel: "synthetic", metadataURI: "", parentModelId: null },
  { id: "4", owner: ADDR.carol, name: "Stress-10k", baseModel: "synthetic", metadataURI: "", parentModelId: null },
];

function trainingRun(modelId: string, version: number, datanetIds: string[], verified: boolean) {
  const root = hash(Number(modelId) * 10 + version, 11);
  return {
    modelId, version, datanetIds, verified,
    claimedRoot: root, recomputedRoot: verified ? root : hash(Number(modelId) * 10 + version, 12),
    claimedCount: 8, recomputedCount: verified ? 8 : 7, artifactHash: hash(version, 13), unknownDatanetIds: [],
    blockNumber: String(200 + version), timestamp: String(T0 + 86400 + version * 7200), transactionHash: tx(200 + Number(modelId) * 10 + version),
  };
}
const runs = [trainingRun("1", 1, ["1"], true), trainingRun("1", 2, ["1", "3"], false), trainingRun("2", 1, ["2"], true)];

// ---------------- inferences ----------------
function inferenceData(n: number) {
  const id = String(n);
  const modelId = n % 3 === 0 ? "2" : "1";
  const fee = BigInt(n) * E18 + 250_000_000_000_000_000n;
  const protocol = (fee * 500n) / 10000n;
  const owner = (fee * 2000n) / 10000n;
  const pool = fee - protocol - owner;
  const picks = [((n * 3) % 24) + 1, ((n * 5 + 1) % 24) + 1, ((n * 7 + 2) % 24) + 1].filter((v, i, a) => a.indexOf(v) === i);
  const weights = picks.length === 3 ? [600_000, 300_000, 100_000] : picks.length === 2 ? [700_000, 300_000] : [1_000_000];
  const attributions = picks.map((cid, i) => {
    const c = contributionsData[cid - 1]!;
    const d = datanetBase[Number(c.datanetId) - 1]!;
    const share = (pool * BigInt(weights[i]!)) / 1_000_000n;
    const ownerCut = (share * BigInt(d.ownerShareBps)) / 10000n;
    return {
      contributionId: c.id, contribution: c, datanetId: c.datanetId, datanet: d, contributor: c.contributor, datanetOwner: d.owner,
      weight: weights[i]!, weightPpm: weights[i]!, share: s(share), ownerCut: s(ownerCut), contributorCut: s(share - ownerCut),
      statusAtInference: c.status, accepted: c.status === "ACCEPTED", inLineage: c.datanetId !== "2" || modelId === "2",
    };
  });
  const violations: Array<{ rule: string; contributionIds: string[]; message: string }> = [];
  const notAccepted = attributions.filter((a) => !a.accepted).map((a) => a.contributionId);
  if (notAccepted.length) violations.push({ rule: "CONTRIBUTION_NOT_ACCEPTED", contributionIds: notAccepted, message: `Contribution ${notAccepted.map((x) => "#" + x).join(", ")} was not Accepted at block ${300 + n}.` });
  const outside = attributions.filter((a) => !a.inLineage).map((a) => a.contributionId);
  if (outside.length) violations.push({ rule: "OUTSIDE_TRAINING_LINEAGE", contributionIds: outside, message: `Datanet #2 is not in model #${modelId}'s training lineage.` });
  const split = n % 7 === 0;
  if (split) violations.push({ rule: "SPLIT_MISMATCH", contributionIds: [], message: "The model owner was credited 1 OPEN more than the split allows." });
  const accruals = [
    { account: ADDR.treasury, role: "TREASURY", amount: s(protocol + pool - attributions.reduce((t, a) => t + BigInt(a.share), 0n)) },
    { account: modelBase[Number(modelId) - 1]!.owner, role: "MODEL_OWNER", amount: s(owner + (split ? E18 : 0n)), expected: s(owner) },
    ...attributions.map((a) => ({ account: a.contributor, role: "CONTRIBUTOR", amount: a.contributorCut })),
  ].map((a) => ({ inferenceId: id, expectedAmount: (a as { expected?: string }).expected ?? a.amount, matchesSplit: !(a as { expected?: string }).expected || !split, modelId, blockNumber: String(300 + n), timestamp: String(T0 + 2 * 86400 + n * 21600), transactionHash: tx(300 + n), ...a }));
  return {
    id, modelId, model: modelBase[Number(modelId) - 1], payer: ADDR.payer, sender: ADDR.treasury, fee: s(fee), outputHash: hash(n, 21),
    method: (n % 2) + 1, methodName: n % 2 ? "SUFFIX_ARRAY" : "INFLUENCE_FUNCTION",
    blockNumber: String(300 + n), timestamp: String(T0 + 2 * 86400 + n * 21600), transactionHash: tx(300 + n), logIndex: 1,
    attributions, accruals, clean: violations.length === 0, violations,
  };
}
export const inferencesData = Array.from({ length: 30 }, (_, i) => inferenceData(i + 1));

// ---------------- accounts ----------------
function accountData(address: string) {
  const a = address.toLowerCase();
  const mine = inferencesData.flatMap((inf) => inf.accruals.filter((x) => x.account === a));
  const accrued = mine.reduce((t, x) => t + BigInt(x.amount), 0n);
  const claimed = a === ADDR.alice ? accrued / 3n : 0n;
  const roles = ["TREASURY", "MODEL_OWNER", "DATANET_OWNER", "CONTRIBUTOR"].map((role) => {
    const xs = mine.filter((x) => x.role === role);
    return { role, accrued: s(xs.reduce((t, x) => t + BigInt(x.amount), 0n)), accrualCount: xs.length };
  });
  const byDay = new Map<string, bigint>();
  for (const x of mine) {
    const day = new Date(Number(x.timestamp) * 1000).toISOString().slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0n) + BigInt(x.amount));
  }
  const days = [...byDay.entries()].sort().map(([day, v], i) => ({ day, accrued: s(v), claimed: i === byDay.size - 1 ? s(claimed) : "0", accrualCount: 1 }));
  const myContribs = contributionsData.filter((c) => c.contributor === a);
  const models = modelBase.map((m) => ({ modelId: m.id, model: m, accrued: s(mine.filter((x) => x.modelId === m.id).reduce((t, x) => t + BigInt(x.amount), 0n)), accrualCount: 1 })).filter((m) => m.accrued !== "0");
  return {
    address: a, accrued: s(accrued), claimed: s(claimed), claimable: s(accrued - claimed), accrualCount: mine.length, claimCount: claimed ? 1 : 0,
    feesPaid: "0", inferencesPaid: 0,
    earningsByRole: roles,
    earningsByModel: (args: PageArgs) => page(models, args),
    earningsByDatanet: (args: PageArgs) => page(datanetBase.map((d) => ({ datanetId: d.id, datanet: datanetFull(d.id), accrued: s(BigInt(d.id) * E18), ownerCut: "0", contributorCut: s(BigInt(d.id) * E18), attributionCount: 3 })), args),
    earningsByContribution: (args: PageArgs) => page(myContribs.map((c) => ({ contributionId: c.id, contribution: contributionFull(c.id), accrued: c.contributorCut, share: c.earned, ownerCut: c.ownerCut, contributorCut: c.contributorCut, inferenceCount: c.inferenceCount })), args),
    earningsByDay: () => days,
    accruals: (args: PageArgs) => page(mine, args),
    contributions: (args: PageArgs) => page(myContribs.map((c) => contributionFull(c.id)), args),
    claims: (args: PageArgs) => page(claimed ? [{ account: a, to: a, amount: s(claimed), blockNumber: "400", timestamp: String(T0 + 5 * 86400), transactionHash: tx(400) }] : [], args),
    datanetsOwned: datanetBase.filter((d) => d.owner === a).map((d) => datanetFull(d.id)),
    modelsOwned: modelBase.filter((m) => m.owner === a).map((m) => modelFull(m.id)),
  };
}

function contributionFull(id: string) {
  const c = contributionsData[Number(id) - 1];
  if (!c) return null;
  return {
    ...c,
    datanet: datanetFull(c.datanetId),
    // Newest first, like the API.
    inferences: (args: PageArgs) =>
      page(
        [...inferencesData].reverse().flatMap((inf) =>
          inf.attributions
            .filter((a) => a.contributionId === c.id)
            .map((a) => ({ inferenceId: inf.id, modelId: inf.modelId, model: modelFull(inf.modelId), weightPpm: a.weightPpm, share: a.share, ownerCut: a.ownerCut, contributorCut: a.contributorCut, blockNumber: inf.blockNumber, timestamp: inf.timestamp, transactionHash: inf.transactionHash })),
        ),
        args,
      ),
    // What it earned per UTC day, oldest first.
    earningsByDay: () => {
      const days = new Map<string, { earned: bigint; ownerCut: bigint; contributorCut: bigint; attributionCount: number }>();
      for (const inf of inferencesData) for (const a of inf.attributions) {
        if (a.contributionId !== c.id) continue;
        const day = new Date(Number(inf.timestamp) * 1000).toISOString().slice(0, 10);
        const d = days.get(day) ?? { earned: 0n, ownerCut: 0n, contributorCut: 0n, attributionCount: 0 };
        d.earned += BigInt(a.share);
        d.ownerCut += BigInt(a.ownerCut);
        d.contributorCut += BigInt(a.contributorCut);
        d.attributionCount++;
        days.set(day, d);
      }
      return [...days.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([day, d]) => ({ day, earned: s(d.earned), ownerCut: s(d.ownerCut), contributorCut: s(d.contributorCut), attributionCount: d.attributionCount }));
    },
    trainingRuns: () =>
      runs
        .filter((r) => r.datanetIds.includes(c.datanetId))
        .reverse()
        .map((r) => ({ modelId: r.modelId, version: r.version, model: modelFull(r.modelId), run: runFull(r), included: c.status === "ACCEPTED" || c.status === "REVOKED", proof: null })),
  };
}

function datanetFull(id: string): Record<string, unknown> | null {
  const d = datanetBase[Number(id) - 1];
  if (!d) return null;
  const cs = contributionsData.filter((c) => c.datanetId === id);
  const count = (st: string) => cs.filter((c) => c.status === st).length;
  return {
    ...d, blockNumber: String(10 + Number(id)), timestamp: String(T0 + Number(id) * 600), transactionHash: tx(10 + Number(id)),
    contributionCounts: { total: cs.length, pending: count("PENDING"), accepted: count("ACCEPTED"), rejected: count("REJECTED"), revoked: count("REVOKED") },
    contributions: ({ status, ...args }: PageArgs & { status?: string | null }) => page(cs.filter((c) => !status || c.status === status).map((c) => ({ ...c, datanet: d })), args),
    models: () => modelBase.filter((m) => runs.some((r) => r.modelId === m.id && r.datanetIds.includes(id))).map((m) => modelFull(m.id)),
    totalPaid: s(BigInt(id) * 12n * E18), ownerCutTotal: s(BigInt(id) * 2n * E18), contributorCutTotal: s(BigInt(id) * 10n * E18), attributionCount: 40,
    payees: (args: PageArgs) => page([d.owner, ...new Set(cs.map((c) => c.contributor))].map((acc, i) => ({ account: acc, accrued: s(BigInt(5 - i) * E18), ownerCut: i === 0 ? s(2n * E18) : "0", contributorCut: s(BigInt(3 - i > 0 ? 3 - i : 1) * E18), attributionCount: 10 - i })), args),
  };
}

function modelFull(id: string): Record<string, unknown> | null {
  const m = modelBase[Number(id) - 1];
  if (!m) return null;
  const infs = inferencesData.filter((x) => x.modelId === id);
  return {
    ...m, blockNumber: String(50 + Number(id)), timestamp: String(T0 + 3600 * Number(id)), transactionHash: tx(50 + Number(id)),
    parent: () => (m.parentModelId ? modelFull(m.parentModelId) : null),
    adapters: () => modelBase.filter((x) => x.parentModelId === id).map((x) => modelFull(x.id)),
    trainingRuns: () => runs.filter((r) => r.modelId === id).map(runFull),
    trainedDatanetIds: [...new Set(runs.filter((r) => r.modelId === id).flatMap((r) => r.datanetIds))],
    inferenceCount: infs.length, flaggedInferenceCount: infs.filter((x) => !x.clean).length,
    totalFees: s(infs.reduce((t, x) => t + BigInt(x.fee), 0n)),
  };
}

function runFull(r: (typeof runs)[number]) {
  return { ...r, model: () => modelFull(r.modelId), datanets: () => r.datanetIds.map(datanetFull), flow: { attributionCount: 3 * r.version, amount: (BigInt(r.version) * 10n ** 17n).toString() } };
}

// ---------------- lineage ----------------
// The API's shape (api/lineage.ts): edges point away from the model; runs "run:<model>:<version>" with
// `verified`, inferences with `clean`, server folds "folded:<parent id>:<KIND>".
type LNode = { id: string; kind: string; label: string; entityId: string; depth: number; weight: number; weightPpm: number; amount: string; attributionCount: number; foldedCount: number; verified: boolean | null; clean: boolean | null };
type LEdge = { from: string; to: string; kind: string; weight: number; weightPpm: number; amount: string; attributionCount: number };
const ln = (id: string, kind: string, label: string, entityId: string, depth: number, w: number, foldedCount = 0, extra: Partial<LNode> = {}): LNode =>
  ({ id, kind, label, entityId, depth, weight: w, weightPpm: w, amount: s((BigInt(w) * E18) / 10_000n), attributionCount: 1, foldedCount, verified: null, clean: null, ...extra });
const le = (from: string, to: string, kind: string, w: number): LEdge => ({ from, to, kind, weight: w, weightPpm: w, amount: s((BigInt(w) * E18) / 10_000n), attributionCount: 1 });

/** The model's newest inferences (at most `n`) and a fold for the rest, as SERVED / FOLDED edges. */
function inferenceLayer(modelId: string, all: Array<{ id: string; clean: boolean }>, n: number, nodes: LNode[], edges: LEdge[]) {
  const w = all.length ? Math.floor(1_000_000 / all.length) : 0;
  const newest = [...all].sort((x, y) => Number(y.id) - Number(x.id)).slice(0, n);
  for (const i of newest) {
    nodes.push(ln(`inference:${i.id}`, "INFERENCE", `#${i.id}`, i.id, 1, w, 0, { clean: i.clean }));
    edges.push(le(`model:${modelId}`, `inference:${i.id}`, "SERVED", w));
  }
  const rest = all.length - newest.length;
  if (rest > 0) {
    nodes.push(ln(`folded:model:${modelId}:INFERENCE`, "FOLDED", `+${rest} others`, "", 1, w * rest, rest));
    edges.push(le(`model:${modelId}`, `folded:model:${modelId}:INFERENCE`, "FOLDED", w * rest));
  }
}

/** A lineage in the API's style with exactly `total` nodes: runs, datanets, contributions, contributors, 20 inferences + a fold. */
export function generateLineage(modelId: string, total: number, name: string) {
  const nodes: LNode[] = [ln(`model:${modelId}`, "MODEL", name, modelId, 0, 1_000_000)];
  const edges: LEdge[] = [];
  const D = Math.max(2, Math.min(40, Math.floor(total / 250)));
  const R = 3;
  for (let r = 0; r < R; r++) {
    nodes.push(ln(`run:${modelId}:${r + 1}`, "TRAINING_RUN", `v${r + 1}`, `${modelId}:${r + 1}`, 1, 0, 0, { verified: r !== 1 }));
  }
  inferenceLayer(modelId, Array.from({ length: 1234 }, (_, i) => ({ id: String(100_000 + i), clean: i % 9 !== 0 })), 20, nodes, edges);
  const head = nodes.length;
  const remaining = total - head - 2 * D; // datanets + one folded group each
  const C = Math.ceil(remaining * 0.55);
  const P = remaining - C;
  const dw = Array.from({ length: D }, (_, i) => 1 / (i + 1));
  const dsum = dw.reduce((a, b) => a + b, 0);
  const runW = new Array<number>(R).fill(0);
  for (let d = 0; d < D; d++) {
    const w = Math.max(1, Math.floor((dw[d]! / dsum) * 1_000_000));
    nodes.push(ln(`datanet:${d + 1}`, "DATANET", d === 1 ? HOSTILE_NAME : `Datanet ${d + 1}`, String(d + 1), 2, w));
    if (d === D - 1) edges.push(le(`model:${modelId}`, `datanet:${d + 1}`, "UNTRAINED", w));
    else {
      edges.push(le(`run:${modelId}:${(d % R) + 1}`, `datanet:${d + 1}`, "TRAINED_ON", w));
      runW[d % R]! += w;
      if (d % R === 0 && d > 0) edges.push(le(`run:${modelId}:${R}`, `datanet:${d + 1}`, "RETRAINED_ON", 0));
    }
    const fw = Math.max(1, Math.floor(w * 0.08));
    nodes.push(ln(`folded:datanet:${d + 1}:CONTRIBUTION`, "FOLDED", `+${40 + d} others`, "", 3, fw, 40 + d));
    edges.push(le(`datanet:${d + 1}`, `folded:datanet:${d + 1}:CONTRIBUTION`, "FOLDED", fw));
  }
  for (let r = 0; r < R; r++) {
    nodes[1 + r]!.weight = nodes[1 + r]!.weightPpm = runW[r]!;
    edges.push(le(`model:${modelId}`, `run:${modelId}:${r + 1}`, "HAS_TRAINING_RUN", runW[r]!));
  }
  for (let c = 0; c < C; c++) {
    const d = c % D;
    const w = Math.max(1, Math.floor(((dw[d]! / dsum) * 920_000) / Math.ceil(C / D) * (1 + ((c * 7919) % 13) / 13)));
    nodes.push(ln(`contribution:${c + 1}`, "CONTRIBUTION", `#${c + 1}`, String(c + 1), 3, w));
    edges.push(le(`datanet:${d + 1}`, `contribution:${c + 1}`, "HAS_CONTRIBUTION", w));
  }
  for (let p = 0; p < P; p++) {
    const addr = "0x" + (p + 1).toString(16).padStart(40, "0");
    nodes.push(ln(`contributor:${addr}`, "CONTRIBUTOR", addr, addr, 4, 1));
  }
  // every contribution has one contributor; contributors may have several contributions
  for (let c = 0; c < C; c++) {
    const p = c < P ? c : (c * 31) % P;
    const target = nodes[head + 2 * D + C + p]!;
    const src = nodes[head + 2 * D + c]!;
    edges.push(le(src.id, target.id, "CONTRIBUTED_BY", src.weightPpm));
  }
  return { modelId, depth: 8, limit: 50, minWeightPpm: 0, recentInferences: 20, inferenceCount: 1234, foldedNodes: D * 40 + 1214, truncated: false, nodes, edges };
}

function smallLineage(modelId: string) {
  const m = modelBase[Number(modelId) - 1]!;
  const nodes: LNode[] = [ln(`model:${modelId}`, "MODEL", m.name, modelId, 0, 1_000_000)];
  const edges: LEdge[] = [];
  const has = (id: string) => nodes.some((n) => n.id === id);
  const addDatanet = (d: string, depth: number, w: number) => {
    if (!has(`datanet:${d}`)) nodes.push(ln(`datanet:${d}`, "DATANET", datanetBase[Number(d) - 1]!.name, d, depth, w));
  };
  // Runs of a model (fixtures' `runs`): the first run naming a datanet carries its flow, later ones RETRAINED_ON.
  const addRuns = (owner: string, depth: number, weights: Record<string, number>) => {
    const first = new Map<string, number>();
    for (const r of runs.filter((x) => x.modelId === owner)) {
      const id = `run:${owner}:${r.version}`;
      let w = 0;
      for (const d of r.datanetIds) {
        const isFirst = !first.has(d);
        if (isFirst) first.set(d, r.version);
        const dw = isFirst ? weights[d] ?? 0 : 0;
        w += dw;
        addDatanet(d, depth + 1, dw);
        edges.push(le(id, `datanet:${d}`, isFirst ? "TRAINED_ON" : "RETRAINED_ON", dw));
      }
      nodes.push(ln(id, "TRAINING_RUN", `v${r.version}`, `${owner}:${r.version}`, depth, w, 0, { verified: r.verified }));
      edges.push(le(`model:${owner}`, id, "HAS_TRAINING_RUN", w));
    }
  };
  if (m.parentModelId) {
    const p = modelBase[Number(m.parentModelId) - 1]!;
    nodes.push(ln(`model:${p.id}`, "MODEL", p.name, p.id, 1, 600_000));
    edges.push(le(`model:${modelId}`, `model:${p.id}`, "ADAPTS", 600_000));
    addRuns(p.id, 2, { "1": 600_000 });
    addRuns(modelId, 1, { "2": 400_000 });
  } else {
    addRuns(modelId, 1, { "1": 700_000, "3": 200_000 });
    if (modelId === "1") {
      addDatanet("2", 1, 100_000);
      edges.push(le(`model:${modelId}`, "datanet:2", "UNTRAINED", 100_000));
    }
  }
  for (const d of modelId === "2" ? ["2", "1"] : ["1", "3", "2"]) {
    const cs = contributionsData.filter((c) => c.datanetId === d).slice(0, 5);
    cs.forEach((c, i) => {
      const w = Math.floor(200_000 / (i + 1));
      nodes.push(ln(`contribution:${c.id}`, "CONTRIBUTION", `#${c.id}`, c.id, 3, w));
      edges.push(le(`datanet:${d}`, `contribution:${c.id}`, "HAS_CONTRIBUTION", w));
      const pid = `contributor:${c.contributor}`;
      if (!has(pid)) nodes.push(ln(pid, "CONTRIBUTOR", c.contributor, c.contributor, 4, w));
      edges.push(le(`contribution:${c.id}`, pid, "CONTRIBUTED_BY", w));
    });
    nodes.push(ln(`folded:datanet:${d}:CONTRIBUTION`, "FOLDED", "+3 others (4.1 %)", "", 3, 41_000, 3));
    edges.push(le(`datanet:${d}`, `folded:datanet:${d}:CONTRIBUTION`, "FOLDED", 41_000));
  }
  const mine = inferencesData.filter((x) => x.modelId === modelId);
  inferenceLayer(modelId, mine.map((x) => ({ id: x.id, clean: x.clean })), 20, nodes, edges);
  return { modelId, depth: 8, limit: 25, minWeightPpm: 0, recentInferences: 20, inferenceCount: mine.length, foldedNodes: 9 + Math.max(0, mine.length - 20), truncated: false, nodes, edges };
}

/**
 * A downstream lineage (contributionLineage, datanetLineage, accountLineage) summed from the canned
 * attributions the way the API does (api/lineageDown.ts): root → (contributions →) datanets → the
 * latest run of the served model (or its parent) naming the datanet → that model (→ its adapter) →
 * inferences; UNTRAINED datanet → served model when none did. Shares, or contributor cuts for an account.
 */
export function downLineage(rootKind: "CONTRIBUTOR" | "CONTRIBUTION" | "DATANET", rootId: string) {
  const nodeOf = (kind: string, id: string) => `${kind === "TRAINING_RUN" ? "run" : kind.toLowerCase()}:${id}`;
  const rootNode = nodeOf(rootKind, rootId);
  const nodes = new Map<string, LNode>();
  const edges = new Map<string, LEdge & { w: bigint; a: bigint }>();
  let mass = 0n;
  let total = 0n;
  const inferences = new Set<string>();
  const flow = (from: string, kind: string, toKind: string, toId: string, label: string, w: bigint, a: bigint, extra: Partial<LNode> = {}) => {
    const to = nodeOf(toKind, toId);
    if (!nodes.has(to)) nodes.set(to, ln(to, toKind, label, toId, 0, 0, 0, { amount: "0", attributionCount: 0, ...extra }));
    const key = `${from}>${to}`;
    const e = edges.get(key) ?? { ...le(from, to, kind, 0), w: 0n, a: 0n, attributionCount: 0 };
    e.w += w;
    e.a += a;
    e.attributionCount += 1;
    edges.set(key, e);
  };
  for (const inf of inferencesData) {
    for (const at of inf.attributions) {
      const hit = rootKind === "CONTRIBUTION" ? at.contributionId === rootId : rootKind === "DATANET" ? at.datanetId === rootId : at.contributor === rootId.toLowerCase();
      if (!hit) continue;
      const w = BigInt(at.weightPpm);
      const a = BigInt(rootKind === "CONTRIBUTOR" ? at.contributorCut : at.share);
      mass += w;
      total += a;
      inferences.add(inf.id);
      if (rootKind === "CONTRIBUTOR") flow(rootNode, "CONTRIBUTED_BY", "CONTRIBUTION", at.contributionId, `#${at.contributionId}`, w, a);
      if (rootKind !== "DATANET") flow(nodeOf("CONTRIBUTION", at.contributionId), "HAS_CONTRIBUTION", "DATANET", at.datanetId, at.datanet.name, w, a);
      const chain = [inf.modelId, ...(modelBase[Number(inf.modelId) - 1]!.parentModelId ? [modelBase[Number(inf.modelId) - 1]!.parentModelId!] : [])];
      const trainer = chain.findIndex((m) => runs.some((r) => r.modelId === m && r.datanetIds.includes(at.datanetId)));
      const datanet = nodeOf("DATANET", at.datanetId);
      if (trainer < 0) flow(datanet, "UNTRAINED", "MODEL", inf.modelId, modelBase[Number(inf.modelId) - 1]!.name, w, a);
      else {
        const m = chain[trainer]!;
        const run = runs.filter((r) => r.modelId === m && r.datanetIds.includes(at.datanetId)).pop()!;
        flow(datanet, "TRAINED_ON", "TRAINING_RUN", `${m}:${run.version}`, `v${run.version}`, w, a, { verified: run.verified });
        flow(nodeOf("TRAINING_RUN", `${m}:${run.version}`), "HAS_TRAINING_RUN", "MODEL", m, modelBase[Number(m) - 1]!.name, w, a);
        if (trainer === 1) flow(nodeOf("MODEL", m), "ADAPTS", "MODEL", inf.modelId, modelBase[Number(inf.modelId) - 1]!.name, w, a);
      }
      flow(nodeOf("MODEL", inf.modelId), "SERVED", "INFERENCE", inf.id, `#${inf.id}`, w, a, { clean: inf.clean });
    }
  }
  const ppm = (w: bigint) => (mass > 0n ? Number((w * 1_000_000n) / mass) : 0);
  const root = ln(rootNode, rootKind, rootKind === "DATANET" ? datanetBase[Number(rootId) - 1]!.name : rootKind === "CONTRIBUTION" ? `#${rootId}` : rootId, rootId, 0, mass > 0n ? 1_000_000 : 0, 0, { amount: s(total), attributionCount: 0 });
  const outEdges = [...edges.values()].map(({ w, a, ...e }) => ({ ...e, weight: ppm(w), weightPpm: ppm(w), amount: s(a) }));
  // Each node's amount and weight: what entered it; depth: hops from the root.
  const depth = new Map<string, number>([[rootNode, 0]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of outEdges) if (depth.has(e.from) && !depth.has(e.to)) { depth.set(e.to, depth.get(e.from)! + 1); changed = true; }
  }
  const outNodes = [root, ...[...nodes.values()].map((n) => {
    const inn = outEdges.filter((e) => e.to === n.id);
    const w = inn.reduce((t, e) => t + e.weightPpm, 0);
    return { ...n, depth: depth.get(n.id) ?? 0, weight: Math.min(w, 1_000_000), weightPpm: Math.min(w, 1_000_000), amount: s(inn.reduce((t, e) => t + BigInt(e.amount), 0n)), attributionCount: inn.reduce((t, e) => t + e.attributionCount, 0) };
  })];
  return {
    rootId: rootNode, rootKind, entityId: rootId, depth: 8, limit: 25, minWeightPpm: 0, recentInferences: 20, nodes: outNodes, edges: outEdges,
    amount: s(total), attributionCount: outEdges.filter((e) => e.from === rootNode).reduce((t, e) => t + e.attributionCount, 0), inferenceCount: inferences.size, foldedNodes: 0, truncated: false,
  };
}

const lineageCache = new Map<string, ReturnType<typeof generateLineage>>();
function lineage(modelId: string) {
  if (modelId === "3" || modelId === "4") {
    if (!lineageCache.has(modelId)) lineageCache.set(modelId, generateLineage(modelId, modelId === "3" ? 5000 : 10000, modelBase[Number(modelId) - 1]!.name));
    return lineageCache.get(modelId)!;
  }
  return modelBase[Number(modelId) - 1] ? smallLineage(modelId) : null;
}

// ---------------- search ----------------
function search(text: string) {
  const t = text.trim().toLowerCase();
  const out: Array<{ kind: string; id: string; label: string; matched: string; score: number }> = [];
  if (/^0x[0-9a-f]{40}$/.test(t)) out.push({ kind: "ACCOUNT", id: t, label: t, matched: "address", score: 3 });
  if (/^0x[0-9a-f]{64}$/.test(t)) {
    for (const i of inferencesData) {
      if (i.outputHash === t) out.push({ kind: "INFERENCE", id: i.id, label: `Inference #${i.id}`, matched: "outputHash", score: 3 });
      if (i.transactionHash === t) out.push({ kind: "INFERENCE", id: i.id, label: `Inference #${i.id}`, matched: "transactionHash", score: 3 });
    }
  }
  if (/^\d+$/.test(t)) {
    if (modelBase[Number(t) - 1]) out.push({ kind: "MODEL", id: t, label: modelBase[Number(t) - 1]!.name, matched: "id", score: 3 });
    if (datanetBase[Number(t) - 1]) out.push({ kind: "DATANET", id: t, label: datanetBase[Number(t) - 1]!.name, matched: "id", score: 3 });
    if (inferencesData[Number(t) - 1]) out.push({ kind: "INFERENCE", id: t, label: `Inference #${t}`, matched: "id", score: 3 });
  }
  if (t.length >= 2 && !t.startsWith("0x")) {
    for (const m of modelBase) if (m.name.toLowerCase().includes(t)) out.push({ kind: "MODEL", id: m.id, label: m.name, matched: "name", score: 2 });
    for (const d of datanetBase) if (d.name.toLowerCase().includes(t)) out.push({ kind: "DATANET", id: d.id, label: d.name, matched: "name", score: 2 });
  }
  return out;
}

// ---------------- root ----------------
const recent = [...inferencesData].reverse();
export const rootValue = {
  account: ({ address }: { address: string }) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`Invalid address "${address}": expected 0x followed by 40 hex digits.`);
    return accountData(address);
  },
  inference: ({ id }: { id: string }) => inferencesData[Number(id) - 1] ?? null,
  inferencesByOutput: ({ outputHash }: { outputHash: string }) => inferencesData.filter((i) => i.outputHash === outputHash.toLowerCase()),
  trainingRun: ({ modelId, version }: { modelId: string; version: number }) => {
    const r = runs.find((x) => x.modelId === modelId && x.version === version);
    return r ? runFull(r) : null;
  },
  contributionProof: ({ modelId, version, contributionId }: { modelId: string; version: number; contributionId: string }) => ({
    modelId, version, contributionId, included: Number(contributionId) % 2 === 1, leaf: hash(Number(contributionId), 31), root: hash(1, 11), claimedRoot: hash(1, 11),
    proof: Number(contributionId) % 2 === 1 ? [hash(2, 5), hash(3, 5), hash(4, 5)] : [], validAgainstClaimedRoot: Number(contributionId) % 2 === 1,
  }),
  modelLineage: ({ modelId }: { modelId: string }) => lineage(modelId),
  contributionLineage: ({ contributionId }: { contributionId: string }) => (contributionsData[Number(contributionId) - 1] ? downLineage("CONTRIBUTION", contributionId) : null),
  datanetLineage: ({ datanetId }: { datanetId: string }) => (datanetBase[Number(datanetId) - 1] ? downLineage("DATANET", datanetId) : null),
  accountLineage: ({ address }: { address: string }) => downLineage("CONTRIBUTOR", address.toLowerCase()),
  search: ({ text, limit }: { text: string; limit?: number }) => search(text).slice(0, limit ?? 10),
  model: ({ id }: { id: string }) => modelFull(id),
  datanet: ({ id }: { id: string }) => datanetFull(id),
  contribution: ({ id }: { id: string }) => contributionFull(id),
  // Caught up: the quiet badge, no banner.
  freshness: () => ({
    block: { number: "4242", hash: hash(4242, 3), timestamp: "1700000000" },
    finalized: { number: "4210", hash: null, timestamp: "1699999616" },
    head: { number: "4242", hash: hash(4242, 3), timestamp: "1700000000" },
    headSeenAt: "2023-11-14T22:13:21.000Z",
    lagBlocks: "0",
    lagSeconds: 0,
    lastError: null,
  }),
  network: () => ({
    datanets: datanetBase.length, contributions: contributionsData.length, models: modelBase.length, trainingRuns: runs.length,
    unverifiedTrainingRuns: runs.filter((r) => !r.verified).length, inferences: inferencesData.length,
    flaggedInferences: inferencesData.filter((i) => !i.clean).length, attributions: inferencesData.reduce((t, i) => t + i.attributions.length, 0),
    accounts: 6, totalFees: s(inferencesData.reduce((t, i) => t + BigInt(i.fee), 0n)), totalAccrued: s(inferencesData.reduce((t, i) => t + BigInt(i.fee), 0n)),
    totalClaimed: s(10n * E18), protocolFeeBps: 500, modelOwnerShareBps: 2000, treasury: ADDR.treasury, lastEventBlock: "4321",
  }),
  recentInferences: (args: PageArgs) => page(recent, args),
  topDatanets: ({ limit }: { limit?: number }) => datanetBase.map((d) => datanetFull(d.id)).slice(0, limit ?? 10),
  topModels: ({ limit }: { limit?: number }) => modelBase.map((m) => modelFull(m.id)).slice(0, limit ?? 10),
  topEarners: ({ limit }: { limit?: number }) => [ADDR.alice, ADDR.bob, ADDR.carol, ADDR.dave, ADDR.treasury].map(accountData).slice(0, limit ?? 10),
  auditInferences: ({ rule, modelId, datanetId, ...args }: PageArgs & { rule?: string | null; modelId?: string | null; datanetId?: string | null }) =>
    page(recent.filter((i) => !i.clean && (!rule || i.violations.some((v) => v.rule === rule)) && (!modelId || i.modelId === modelId) && (!datanetId || i.attributions.some((a) => a.datanetId === datanetId))), args),
  auditTrainingRuns: ({ modelId, ...args }: PageArgs & { modelId?: string | null }) => page(runs.filter((r) => !r.verified && (!modelId || r.modelId === modelId)).map(runFull), args),
};

/** CSV of one account's accruals, as the real endpoint would stream it. */
export function earningsCsv(address: string): string {
  const a = address.toLowerCase();
  const rows = inferencesData.flatMap((inf) => inf.accruals.filter((x) => x.account === a).map((x) => ({ inf, x })));
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return ["time,block,transaction,inference,model,datanet,contribution,role,amount,amount_open",
    ...rows.map(({ inf, x }) => [new Date(Number(inf.timestamp) * 1000).toISOString(), inf.blockNumber, inf.transactionHash, inf.id, inf.modelId, "", "", x.role, x.amount, x.amount].map(q).join(","))].join("\n") + "\n";
}
