/**
 * Every URL the explorer links to or fetches is built here, so paths change in one place.
 * Parts are encoded; values are whatever the API gave us (untrusted), so nothing is interpolated raw.
 */

const enc = encodeURIComponent;

export type AuditFilter = { rule?: string; model?: string; datanet?: string; tab?: "inferences" | "runs" };

function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
    .map(([k, v]) => `${enc(k)}=${enc(v)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export const urls = {
  home: () => "/",
  search: (text: string) => `/search${query({ q: text })}`,
  // Pages that answer "as of a block" carry it as ?block=N (null or absent: now).
  account: (address: string, block?: string | null) => `/account/${enc(address.toLowerCase())}${query({ block: block ?? undefined })}`,
  model: (id: string, block?: string | null) => `/model/${enc(id)}${query({ block: block ?? undefined })}`,
  trainingRun: (modelId: string, version: number | string) => `/model/${enc(modelId)}/run/${enc(String(version))}`,
  datanet: (id: string, status?: string, block?: string | null) => `/datanet/${enc(id)}${query({ status, block: block ?? undefined })}`,
  contribution: (id: string, block?: string | null) => `/contribution/${enc(id)}${query({ block: block ?? undefined })}`,
  inference: (id: string) => `/inference/${enc(id)}`,
  output: (hash: string) => `/output/${enc(hash.toLowerCase())}`,
  tx: (hash: string) => `/tx/${enc(hash.toLowerCase())}`,
  audit: (f: AuditFilter = {}) => `/audit${query({ tab: f.tab, rule: f.rule, model: f.model, datanet: f.datanet })}`,
  // Server endpoints
  graphql: () => "/graphql",
  earningsCsv: (address: string, range: { fromBlock?: string | null; toBlock?: string | null } = {}) =>
    `/api/accounts/${enc(address.toLowerCase())}/earnings.csv${query({ fromBlock: range.fromBlock ?? undefined, toBlock: range.toBlock ?? undefined })}`,
  receipt: (inferenceId: string) => `/api/receipts/inferences/${enc(inferenceId)}.json`,
};

/** The file name the API gives an inference's receipt (its Content-Disposition). */
export const receiptFileName = (inferenceId: string) => `receipt-inference-${inferenceId}.json`;

/** The exact command that checks a downloaded receipt against a node of the chain ($RPC_URL). */
export const verifyCommand = (inferenceId: string) => `npx openledger-explorer verify ${receiptFileName(inferenceId)} --rpc "$RPC_URL"`;

/** Training runs may come back from search as "3:2", "3/2", "3-2" or "3#v2". */
export function parseTrainingRunId(id: string): { modelId: string; version: string } | null {
  const m = /^(\d+)\s*(?:[:/#-]|\.v|#v|\/v)\s*v?(\d+)$/.exec(id.trim());
  return m ? { modelId: m[1]!, version: m[2]! } : null;
}

/** Where a search hit leads. Unknown kinds fall back to a search page for the id. */
export function urlForEntity(kind: string, id: string): string {
  switch (kind.toUpperCase()) {
    case "ACCOUNT":
    case "ADDRESS":
      return urls.account(id);
    case "DATANET":
      return urls.datanet(id);
    case "MODEL":
      return urls.model(id);
    case "CONTRIBUTION":
      return urls.contribution(id);
    case "INFERENCE":
      return urls.inference(id);
    case "OUTPUT":
    case "OUTPUT_HASH":
      return urls.output(id);
    case "TRANSACTION":
    case "TX":
      return urls.tx(id);
    case "TRAINING_RUN": {
      const run = parseTrainingRunId(id);
      return run ? urls.trainingRun(run.modelId, run.version) : urls.search(id);
    }
    default:
      return urls.search(id);
  }
}

/** Lineage node kinds map onto the same pages. */
export function urlForLineageNode(kind: string, entityId: string): string | null {
  switch (kind) {
    case "CONTRIBUTOR":
      return urls.account(entityId);
    case "CONTRIBUTION":
      return urls.contribution(entityId);
    case "DATANET":
      return urls.datanet(entityId);
    case "TRAINING_RUN":
      return urlForEntity("TRAINING_RUN", entityId);
    case "MODEL":
      return urls.model(entityId);
    case "INFERENCE":
      return urls.inference(entityId);
    default:
      return null;
  }
}
