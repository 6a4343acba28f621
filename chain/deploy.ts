/** Deploys the four protocol contracts in dependency order and returns the deployment record. */
import { getAddress, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import {
  AttributionEngineAbi, AttributionEngineBytecode,
  DatanetRegistryAbi, DatanetRegistryBytecode,
  ModelRegistryAbi, ModelRegistryBytecode,
  OpenTokenAbi, OpenTokenBytecode,
} from "../abis/index.js";
import type { ContractName } from "../contracts/compile.js";
import type { Deployment } from "./deployment.js";

export async function deployProtocol(
  wallet: WalletClient<Transport, Chain | undefined, Account>,
  client: PublicClient,
): Promise<Deployment> {
  const chainId = await client.getChainId();
  const deployed = {} as Deployment["contracts"];
  const deploy = async (name: ContractName, abi: readonly unknown[], bytecode: `0x${string}`, args: unknown[]) => {
    const hash = await wallet.deployContract({ abi, bytecode, args, chain: wallet.chain } as Parameters<typeof wallet.deployContract>[0]);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deploying ${name} failed in transaction ${hash}`);
    deployed[name] = { address: getAddress(receipt.contractAddress), startBlock: Number(receipt.blockNumber) };
    return receipt.contractAddress as Address;
  };
  const token = await deploy("OpenToken", OpenTokenAbi, OpenTokenBytecode, []);
  const datanets = await deploy("DatanetRegistry", DatanetRegistryAbi, DatanetRegistryBytecode, []);
  const models = await deploy("ModelRegistry", ModelRegistryAbi, ModelRegistryBytecode, [datanets]);
  await deploy("AttributionEngine", AttributionEngineAbi, AttributionEngineBytecode, [token, datanets, models]);
  return { chainId, contracts: deployed };
}
