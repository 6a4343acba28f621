/** A fresh local chain with the protocol deployed: anvil on a free (or given) port + deployProtocol with anvil's first key. */
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { startAnvil, ANVIL_KEYS, type AnvilHandle } from "../chain/anvil.js";
import { deployProtocol } from "../chain/deploy.js";
import type { Deployment } from "../chain/deployment.js";

export interface DevChain {
  anvil: AnvilHandle;
  rpcUrl: string;
  deployment: Deployment;
  stop(): Promise<void>;
}

/** Anvil arguments of the devnet that `npm run devnet` and `npm start` run: chain 31337, genesis
 * `daysBack` days ago so a scenario's activity spans the last days up to now. */
export function devnetArgs(daysBack = 8): string[] {
  return ["--chain-id", "31337", "--timestamp", String(Math.floor(Date.now() / 1000) - daysBack * 86_400)];
}

export async function startDevChain(opts: { port?: number; args?: string[] } = {}): Promise<DevChain> {
  const anvil = await startAnvil({ port: opts.port, args: opts.args });
  try {
    const transport = http(anvil.rpcUrl);
    const client = createPublicClient({ transport });
    const chainId = await client.getChainId();
    const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS[0]), transport, chain: { ...foundry, id: chainId } });
    const deployment = await deployProtocol(wallet, client);
    return { anvil, rpcUrl: anvil.rpcUrl, deployment, stop: () => anvil.stop() };
  } catch (e) {
    await anvil.stop();
    throw e;
  }
}
