/**
 * A digest of what the API serves (the yardstick for "every answer unchanged" across a rewrite): every
 * page the explorer can show, asked with the explorer's own queries (explorer-ui/src/api/queries.ts)
 * and the CLI's, over every entity of the indexed chain, each list paged to its end. Entities are
 * found through the API itself: ids count from 1 up to the network's counts, training runs come
 * with their models, and accounts are every address any answer mentions. Answers are
 * canonicalised (keys sorted) and hashed per section; two servers over the same chain give the
 * same digest exactly when they serve the same figures, whatever their storage.
 */
import { createHash } from "node:crypto";
import * as Q from "../explorer-ui/src/api/queries.js";
import { EARNINGS_QUERY } from "./cli.js";
import { RULES } from "../core/audit.js";

export interface SectionDigest {
  name: string;
  requests: number;
  sha256: string;
}

export interface ApiDigest {
  sha256: string;
  sections: SectionDigest[];
}

/** JSON with object keys sorted, so equal values print equally. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

type Json = Record<string, unknown>;

export interface DigestOptions {
  /** API base URL (…/graphql is appended). */
  url: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called with each section's canonical lines (for diffing two servers). */
  onLine?: (section: string, line: string) => void;
  onProgress?: (section: string, done: number) => void;
  /** Rewrites each query before it is sent: to ask a server of before without the fields it lacks. */
  rewriteQuery?: (query: string) => string;
}

const ACCRUALS = `query Accruals($address: String!, $limit: Int!, $after: String) {
  account(address: $address) { accruals(limit: $limit, after: $after) { items { inferenceId account role amount expectedAmount matchesSplit modelId blockNumber timestamp transactionHash } totalCount pageInfo { hasNextPage endCursor } } }
}`;
const DAYS = `query Days($address: String!) { account(address: $address) { earningsByDay { day accrued claimed accrualCount } } }`;
const PAYEES = `query Payees($id: BigInt!, $limit: Int!, $after: String) {
  datanet(id: $id) { payees(limit: $limit, after: $after) { items { account accrued ownerCut contributorCut attributionCount } totalCount pageInfo { hasNextPage endCursor } } }
}`;
const PAGE = 1000;

export async function digestApi(opts: DigestOptions): Promise<ApiDigest> {
  const endpoint = `${opts.url.replace(/\/+$/, "")}/graphql`;
  const concurrency = opts.concurrency ?? 8;
  const post = async (query: string, variables: Json): Promise<Json> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: opts.rewriteQuery ? opts.rewriteQuery(query) : query, variables }) });
      const body = (await res.json()) as { data?: Json; errors?: { message: string; extensions?: { code?: string } }[] };
      const retry = res.status === 503 && attempt < 20;
      if (retry) {
        await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
        continue;
      }
      if (body.errors?.length || !body.data) throw new Error(`the API answered ${res.status} to ${query.slice(0, 60)}… ${JSON.stringify(variables)}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
      return body.data;
    }
  };
  /** Every page of a paged field: `pick` finds the page in an answer. */
  const allPages = async (query: string, variables: Json, pick: (d: Json) => { items: unknown[]; totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null) => {
    const items: unknown[] = [];
    let after: string | null = null;
    let totalCount: number | undefined;
    for (;;) {
      const page = pick(await post(query, { ...variables, limit: PAGE, after }));
      if (!page) return null;
      items.push(...page.items);
      totalCount = page.totalCount;
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
    return { items, totalCount };
  };

  const sections: SectionDigest[] = [];
  const addresses = new Set<string>();
  const collect = (text: string) => {
    for (const m of text.matchAll(/0x[0-9a-f]{40}(?![0-9a-f])/g)) addresses.add(m[0]);
  };
  /** Runs `work` for every key, `concurrency` at a time, and hashes the answers in key order. */
  const section = async <K>(name: string, keys: K[], work: (k: K) => Promise<unknown>) => {
    const lines: string[] = new Array(keys.length);
    let next = 0;
    let done = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, async () => {
      while (next < keys.length) {
        const i = next++;
        lines[i] = `${canonical(keys[i])}\t${canonical(await work(keys[i]!))}`;
        if (++done % 500 === 0) opts.onProgress?.(name, done);
      }
    }));
    const h = createHash("sha256");
    for (const line of lines) {
      h.update(line).update("\n");
      collect(line);
      opts.onLine?.(name, line);
    }
    sections.push({ name, requests: keys.length, sha256: h.digest("hex") });
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

  const home = await post(Q.HOME, { limit: PAGE });
  const net = home.network as { datanets: number; contributions: number; models: number; inferences: number };
  await section("home", [0], async () => home);
  await section("recent inferences", [0], () => post(Q.RECENT_INFERENCES, { limit: 50 }));
  await section("audit: inferences", [null, ...RULES], (rule) =>
    allPages(Q.AUDIT_INFERENCES, { rule, modelId: null, datanetId: null }, (d) => d.auditInferences as never));
  await section("audit: training runs", [0], () => allPages(Q.AUDIT_TRAINING_RUNS, { modelId: null }, (d) => d.auditTrainingRuns as never));
  const runs: { modelId: string; version: number }[] = [];
  await section("models", range(net.models), async (id) => {
    const m = await post(Q.MODEL, { id });
    for (const r of ((m.model as { trainingRuns?: { modelId: string; version: number }[] } | null)?.trainingRuns ?? [])) runs.push({ modelId: r.modelId, version: r.version });
    return m;
  });
  await section("lineage (explorer default)", range(net.models), (modelId) => post(Q.MODEL_LINEAGE, { modelId, ...Q.LINEAGE_DEFAULTS }));
  runs.sort((a, b) => Number(BigInt(a.modelId) - BigInt(b.modelId)) || a.version - b.version);
  await section("training runs", runs, (r) => post(Q.TRAINING_RUN, r));
  await section("datanets", range(net.datanets), async (id) => ({
    page: await post(Q.DATANET, { id, status: null, limit: 1, after: null }),
    contributions: await allPages(Q.DATANET, { id, status: null }, (d) => (d.datanet as { contributions: never } | null)?.contributions ?? null),
    payees: await allPages(PAYEES, { id }, (d) => (d.datanet as { payees: never } | null)?.payees ?? null),
  }));
  await section("contributions", range(net.contributions), (id) => post(Q.CONTRIBUTION, { id }));
  await section("inferences", range(net.inferences), (id) => post(Q.INFERENCE, { id }));
  const accounts = [...addresses].sort();
  await section("accounts", accounts, async (address) => ({
    page: await post(Q.ACCOUNT, { address, limit: PAGE }),
    cli: await post(EARNINGS_QUERY, { address }),
    days: await post(DAYS, { address }),
    byContribution: await allPages(Q.ACCOUNT_CONTRIBUTION_EARNINGS, { address }, (d) => (d.account as { earningsByContribution: never }).earningsByContribution),
    contributions: await allPages(Q.ACCOUNT_CONTRIBUTIONS, { address }, (d) => (d.account as { contributions: never }).contributions),
    claims: await allPages(Q.ACCOUNT_CLAIMS, { address }, (d) => (d.account as { claims: never }).claims),
    accruals: await allPages(ACCRUALS, { address }, (d) => (d.account as { accruals: never }).accruals),
  }));
  const total = createHash("sha256");
  for (const s of sections) total.update(`${s.name}\t${s.requests}\t${s.sha256}\n`);
  return { sha256: total.digest("hex"), sections };
}
