/** What kind of node we talk to, and whether the simulator may flood it with transactions. */
import type { Rpc } from "./rpc.js";

export const DEVNET_CHAIN_IDS = [31337, 1337] as const;

export interface NodeInfo {
  chainId: number;
  /** anvil answers anvil_nodeInfo / web3_clientVersion "anvil/…": impersonation and evm_mine work. */
  anvil: boolean;
  clientVersion: string;
}

export async function inspectNode(rpc: Rpc): Promise<NodeInfo> {
  const chainId = Number(BigInt(await rpc.call<string>("eth_chainId")));
  const clientVersion = (await rpc.tryCall<string>("web3_clientVersion")) ?? "unknown";
  const anvil = clientVersion.toLowerCase().startsWith("anvil") || (await rpc.tryCall("anvil_nodeInfo")) !== undefined;
  return { chainId, anvil, clientVersion };
}

/** null when the node is a local devnet, else the one-line reason to refuse without --force. */
export function devnetRefusal(info: NodeInfo, rpcUrl: string): string | null {
  if ((DEVNET_CHAIN_IDS as readonly number[]).includes(info.chainId)) return null;
  return `refusing to simulate on chain ${info.chainId} at ${rpcUrl} (${info.clientVersion}): not a local devnet (chain id 31337 or 1337); pass --force to run anyway`;
}
