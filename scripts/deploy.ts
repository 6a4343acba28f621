/** npm run deploy -- --rpc-url URL --private-key KEY --out FILE */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createPublicClient, createWalletClient, http, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployProtocol } from "../chain/deploy.js";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";

const USAGE = "usage: npm run deploy -- --rpc-url URL --private-key KEY --out FILE";

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const rpcUrl = flags["rpc-url"], key = flags["private-key"], out = flags["out"];
  if (typeof rpcUrl !== "string") throw new UsageError("--rpc-url is required");
  if (typeof key !== "string" || !isHex(key) || key.length !== 66) throw new UsageError("--private-key must be a 0x-prefixed 32-byte hex key");
  if (typeof out !== "string") throw new UsageError("--out is required");
  const transport = http(rpcUrl);
  const client = createPublicClient({ transport });
  const chainId = await client.getChainId().catch((e) => {
    throw new Error(`cannot reach ${rpcUrl} (${(e as Error).message.split("\n")[0]}); is the node running?`);
  });
  const wallet = createWalletClient({
    account: privateKeyToAccount(key),
    transport,
    chain: { id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } },
  });
  const deployment = await deployProtocol(wallet, client);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(deployment, null, 2) + "\n");
  console.log(`deployed to chain ${chainId}; wrote ${out}`);
  for (const [name, c] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(18)} ${c.address} (block ${c.startBlock})`);
}, USAGE);
