/**
 * A fresh local chain with the protocol deployed: anvil on a free (or given) port and
 * deployProtocol from anvil's first account. The one chain start of the devnet, `npm start`, the
 * simulator's tests and the tests' protocol harness (testkit/protocol.ts).
 */
import { createPublicClient, createWalletClient, http, type Address, type HttpTransport, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { startAnvil, ANVIL_KEYS, type AnvilHandle } from "./anvil.js";
import { deployProtocol } from "./deploy.js";
import type { Deployment } from "./deployment.js";

export interface DevChain {
  anvil: AnvilHandle;
  rpcUrl: string;
  transport: HttpTransport;
  /** Polls every 10 ms (a local chain answers at once). */
  client: PublicClient;
  /** Anvil's first account, which deployed the protocol. */
  deployer: Address;
  deployment: Deployment;
  stop(): Promise<void>;
}

export interface StartDevChainOptions {
  port?: number;
  args?: string[];
  /** Who signs the deployment: anvil's first key, here (default), or its first unlocked account, on the node. */
  signer?: "key" | "node";
  /** Retries of a failed RPC call (viem's default 3; tests want 0: a failure shows at once). */
  retryCount?: number;
  /** Runs on the fresh chain before the deployment (a test's block clock). */
  beforeDeploy?(client: PublicClient): Promise<void>;
}

/** Anvil arguments of the devnet that `npm run devnet` and `npm start` run: chain 31337, genesis
 * `daysBack` days ago so a scenario's activity spans the last days up to now. */
export function devnetArgs(daysBack = 8): string[] {
  return ["--chain-id", "31337", "--timestamp", String(Math.floor(Date.now() / 1000) - daysBack * 86_400)];
}

/** Starts anvil and deploys the protocol; anvil is stopped again when either fails. */
export async function startDevChain(opts: StartDevChainOptions = {}): Promise<DevChain> {
  const anvil = await startAnvil({ port: opts.port, args: opts.args });
  try {
    const transport = http(anvil.rpcUrl, opts.retryCount === undefined ? {} : { retryCount: opts.retryCount });
    const chain = { ...foundry, id: await createPublicClient({ transport }).getChainId() };
    const client = createPublicClient({ chain, transport, pollingInterval: 10 }) as PublicClient;
    await opts.beforeDeploy?.(client);
    const key = privateKeyToAccount(ANVIL_KEYS[0]);
    const wallet =
      opts.signer === "node"
        ? createWalletClient({ chain, transport, account: (await createWalletClient({ chain, transport }).getAddresses())[0]! })
        : createWalletClient({ chain, transport, account: key });
    const deployment = await deployProtocol(wallet, client);
    return { anvil, rpcUrl: anvil.rpcUrl, transport, client, deployer: wallet.account.address, deployment, stop: () => anvil.stop() };
  } catch (e) {
    await anvil.stop();
    throw e;
  }
}
