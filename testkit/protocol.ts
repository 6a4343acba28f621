/**
 * Test-only harness: one anvil per test file, the four protocol contracts deployed from the
 * committed abis/, anvil's unlocked dev accounts, and small typed helpers to send a call, expect a
 * named revert (both as eth_call and as a mined transaction that changes nothing) and snapshot.
 */
import {
  createTestClient, createWalletClient, decodeErrorResult, encodeFunctionData,
  BaseError,
  type Abi, type Address, type ContractFunctionName, type EncodeFunctionDataParameters, type Hex,
  type PublicClient, type TransactionReceipt,
} from "viem";
import { foundry } from "viem/chains";
import { AttributionEngineAbi, DatanetRegistryAbi, ModelRegistryAbi, OpenTokenAbi } from "../abis/index.js";
import type { AnvilHandle } from "../chain/anvil.js";
import { startDevChain } from "../chain/devchain.js";
import type { Deployment } from "../chain/deployment.js";

/** Every custom error of the protocol, so a revert bubbling up from the token decodes too. */
export const ALL_ERRORS_ABI = [...OpenTokenAbi, ...DatanetRegistryAbi, ...ModelRegistryAbi, ...AttributionEngineAbi].filter(
  (item) => item.type === "error",
) as Abi;

export interface ProtocolChain {
  anvil: AnvilHandle;
  client: PublicClient;
  accounts: Address[];
  deployer: Address;
  deployment: Deployment;
  token: Address;
  datanets: Address;
  models: Address;
  engine: Address;
  /** Sends one call from an unlocked account, waits for it and fails the test if it reverted. */
  send<const abi extends Abi | readonly unknown[], fn extends ContractFunctionName<abi>>(
    from: Address, to: Address, call: EncodeFunctionDataParameters<abi, fn>,
  ): Promise<TransactionReceipt>;
  /** The custom error (name and args) a call reverts with, both as eth_call and as a mined transaction. */
  revertOf<const abi extends Abi | readonly unknown[], fn extends ContractFunctionName<abi>>(
    from: Address, to: Address, call: EncodeFunctionDataParameters<abi, fn>,
  ): Promise<{ errorName: string; args: readonly unknown[] }>;
  snapshot(): Promise<Hex>;
  revert(id: Hex): Promise<void>;
  stop(): Promise<void>;
}

function revertData(err: unknown): Hex | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const found = err.walk((e) => {
    const data = (e as { data?: unknown }).data;
    return typeof data === "string" ? data.startsWith("0x") : typeof (data as { data?: unknown } | undefined)?.data === "string";
  }) as { data?: Hex | { data?: Hex } } | null;
  const data = found?.data;
  return typeof data === "string" ? data : data?.data;
}

/**
 * A clock that does not depend on when the test runs: genesis at 2040-01-01 and every block 12 s
 * after the one before (unless a transaction's sender sets the next timestamp, as the simulator
 * does, deterministically from its seed): the same chain, timestamps included, on every run.
 */
export const FIXED_CLOCK = { genesis: 2_208_988_800, blockSeconds: 12 } as const;

export async function startProtocolChain(opts: { fixedClock?: boolean } = {}): Promise<ProtocolChain> {
  const dev = await startDevChain({
    args: opts.fixedClock ? ["--timestamp", String(FIXED_CLOCK.genesis)] : [],
    signer: "node",
    retryCount: 0,
    beforeDeploy: async (client) => {
      if (opts.fixedClock) await client.request({ method: "anvil_setBlockTimestampInterval" as never, params: [FIXED_CLOCK.blockSeconds] as never });
    },
  });
  const { anvil, transport, client, deployer, deployment } = dev;
  try {
    const test = createTestClient({ chain: foundry, mode: "anvil", transport });
    const accounts = await createWalletClient({ chain: foundry, transport }).getAddresses();
    const wallet = (from: Address) => createWalletClient({ chain: foundry, transport, account: from });
    const c = deployment.contracts;

    const send: ProtocolChain["send"] = async (from, to, call) => {
      const data = encodeFunctionData(call as EncodeFunctionDataParameters);
      const hash = await wallet(from).sendTransaction({ to, data });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      if (receipt.status !== "success") throw new Error(`${String(call.functionName)} reverted in ${hash}`);
      return receipt;
    };

    const revertOf: ProtocolChain["revertOf"] = async (from, to, call) => {
      const data = encodeFunctionData(call as EncodeFunctionDataParameters);
      let raw: Hex | undefined;
      try {
        await client.call({ account: from, to, data });
      } catch (err) {
        raw = revertData(err);
        if (!raw) throw err;
      }
      if (!raw) throw new Error(`${String(call.functionName)} did not revert`);
      const decoded = decodeErrorResult({ abi: ALL_ERRORS_ABI, data: raw });
      // The same call mined as a transaction must revert too, and leave no event behind.
      const block = await client.getBlockNumber();
      const hash = await wallet(from).sendTransaction({ to, data, gas: 10_000_000n });
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      if (receipt.status !== "reverted" || receipt.logs.length !== 0) {
        throw new Error(`${String(call.functionName)} reverted as eth_call but not as a transaction (block ${block})`);
      }
      return { errorName: decoded.errorName, args: (decoded.args ?? []) as readonly unknown[] };
    };

    return {
      anvil, client, accounts, deployer, deployment,
      token: c.OpenToken.address, datanets: c.DatanetRegistry.address, models: c.ModelRegistry.address, engine: c.AttributionEngine.address,
      send, revertOf,
      snapshot: () => test.snapshot(),
      // evm_revert answers false for a snapshot it does not have; a test that meant to reorg must not go on without one.
      revert: async (id) => {
        const reverted: unknown = await client.request({ method: "evm_revert" as never, params: [id] as never });
        if (reverted !== true) throw new Error(`evm_revert(${id}) answered ${JSON.stringify(reverted)}: the chain was not reverted`);
      },
      stop: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
