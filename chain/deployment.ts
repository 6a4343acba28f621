/**
 * The deployment file: where the four contracts live on one chain. Written by `npm run deploy`,
 * read by the indexer, the simulator and the tests. Parsing never throws on bad input: it returns
 * an "invalid" result whose message says what to do.
 */
import { readFileSync } from "node:fs";
import { isAddress, type Address } from "viem";
import { CONTRACTS, type ContractName } from "../contracts/compile.js";

export interface DeployedContract {
  address: Address;
  startBlock: number;
}

export interface Deployment {
  chainId: number;
  contracts: Record<ContractName, DeployedContract>;
}

export type ParseResult = { ok: true; deployment: Deployment } | { ok: false; error: string };

export function parseDeployment(text: string, source = "deployment file"): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${source} is not valid JSON (${(e as Error).message}); regenerate it with \`npm run deploy\`` };
  }
  const fail = (what: string) => ({
    ok: false as const,
    error: `${source}: ${what}; expected { "chainId": N, "contracts": { "OpenToken": { "address": "0x…", "startBlock": N }, … } } as written by \`npm run deploy\``,
  });
  if (typeof json !== "object" || json === null) return fail("not an object");
  const { chainId, contracts } = json as { chainId?: unknown; contracts?: unknown };
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) return fail("chainId missing or not a positive integer");
  if (typeof contracts !== "object" || contracts === null) return fail("contracts missing");
  const out = {} as Record<ContractName, DeployedContract>;
  for (const name of CONTRACTS) {
    const c = (contracts as Record<string, unknown>)[name] as { address?: unknown; startBlock?: unknown } | undefined;
    if (!c || typeof c !== "object") return fail(`contracts.${name} missing`);
    if (typeof c.address !== "string" || !isAddress(c.address, { strict: false })) return fail(`contracts.${name}.address is not an address`);
    if (typeof c.startBlock !== "number" || !Number.isSafeInteger(c.startBlock) || c.startBlock < 0) {
      return fail(`contracts.${name}.startBlock is not a block number`);
    }
    out[name] = { address: c.address as Address, startBlock: c.startBlock };
  }
  return { ok: true, deployment: { chainId, contracts: out } };
}

export function readDeployment(path: string): ParseResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { ok: false, error: `deployment file ${path} not found; run \`npm run devnet\` (or \`npm run deploy -- --out ${path}\`) first, or set DEPLOYMENT_FILE` };
  }
  return parseDeployment(text, `deployment file ${path}`);
}
