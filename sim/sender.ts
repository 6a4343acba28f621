/**
 * Sends the simulator's transactions in batches and returns their receipts.
 *
 * - AnvilSender: automine off, every account impersonated (no signing), explicit nonces and gas,
 *   hundreds of transactions per eth_sendTransaction batch, blocks mined with evm_mine at
 *   timestamps chosen by the caller. Anvil's order within a block is deterministic for the same
 *   submissions but not always queue order across senders, so callers put transactions that
 *   depend on each other in different flushes.
 * - SignedSender: for a non-anvil chain (--force): signs locally with keys derived from the seed
 *   and waits for receipts.
 * flush() returns only once every queued transaction is mined, so one flush is one "phase": nothing
 * sent afterwards can land before it.
 */
import type { Address, Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Rpc } from "./rpc.js";

export interface TxRequest {
  from: Address;
  to: Address;
  data: Hex;
  gas: bigint;
  value?: bigint;
  /** The simulator expects this transaction to revert (e.g. a refused duplicate submission). */
  expectRevert?: boolean;
  /** Short description for error messages. */
  label: string;
}

export interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  logIndex: Hex;
  blockNumber: Hex;
  transactionHash: Hex;
}

export interface RpcReceipt {
  status: Hex;
  transactionHash: Hex;
  blockNumber: Hex;
  gasUsed: Hex;
  logs: RpcLog[];
}

/**
 * For transactions that always emit one known event when they succeed: fetch only those logs
 * instead of whole receipts (an inference's receipt carries hundreds of RewardAccrued logs).
 */
export interface LogFilter {
  address: Address;
  topic0: Hex;
}

export interface Sender {
  readonly mode: "anvil" | "signed";
  queue(tx: TxRequest): void;
  readonly queued: number;
  /** Sends everything queued, waits until all of it is mined; receipts in queue order. */
  flush(light?: LogFilter): Promise<RpcReceipt[]>;
  /** Number of the last block this sender saw mined. */
  lastBlock: bigint;
  blocksMined: number;
}

const toHex = (n: bigint | number) => `0x${n.toString(16)}`;

export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationError";
  }
}

function checkStatus(tx: TxRequest, receipt: RpcReceipt): void {
  const ok = receipt.status === "0x1";
  if (ok === !tx.expectRevert) return;
  throw new SimulationError(
    tx.expectRevert
      ? `${tx.label} was expected to revert but succeeded (tx ${receipt.transactionHash}); the simulator's state model is out of step with the chain`
      : `${tx.label} reverted (tx ${receipt.transactionHash}, gas used ${BigInt(receipt.gasUsed)} of ${tx.gas}); the simulator's state model is out of step with the chain`,
  );
}

abstract class BaseSender implements Sender {
  abstract readonly mode: "anvil" | "signed";
  protected pending: TxRequest[] = [];
  protected nonces = new Map<string, bigint>();
  lastBlock = 0n;
  blocksMined = 0;

  constructor(protected readonly rpc: Rpc) {}

  get queued(): number {
    return this.pending.length;
  }

  queue(tx: TxRequest): void {
    this.pending.push(tx);
  }

  /** Loads the next nonce of every sender in the queue that we have not seen yet. */
  protected async loadNonces(txs: readonly TxRequest[]): Promise<void> {
    const unknown = [...new Set(txs.map((t) => t.from.toLowerCase()))].filter((a) => !this.nonces.has(a));
    if (unknown.length === 0) return;
    const counts = await this.rpc.batch<Hex>(unknown.map((a) => ({ method: "eth_getTransactionCount", params: [a, "pending"] })));
    unknown.forEach((a, i) => this.nonces.set(a, BigInt(counts[i]!)));
  }

  protected nextNonce(from: Address): bigint {
    const key = from.toLowerCase();
    const n = this.nonces.get(key)!;
    this.nonces.set(key, n + 1n);
    return n;
  }

  abstract flush(light?: LogFilter): Promise<RpcReceipt[]>;

  /** Looks up the receipts still missing, checks each one's outcome, and returns how many it found. */
  protected async fillReceipts(txs: readonly TxRequest[], hashes: readonly Hex[], receipts: (RpcReceipt | undefined)[]): Promise<number> {
    const open = txs.map((_, i) => i).filter((i) => !receipts[i]);
    const got = await this.rpc.batch<RpcReceipt | null>(open.map((i) => ({ method: "eth_getTransactionReceipt", params: [hashes[i]] })));
    let found = 0;
    got.forEach((r, k) => {
      if (!r) return;
      const i = open[k]!;
      receipts[i] = r;
      checkStatus(txs[i]!, r);
      const b = BigInt(r.blockNumber);
      if (b > this.lastBlock) this.lastBlock = b;
      found++;
    });
    return found;
  }
}

export class AnvilSender extends BaseSender {
  readonly mode = "anvil" as const;

  constructor(
    rpc: Rpc,
    /** Timestamp for the next block, given the previous block's timestamp. */
    private readonly nextTimestamp: (() => number) | null,
    blockGasLimit?: bigint,
    private readonly baseFee = 1_000_000_000n,
  ) {
    super(rpc);
    if (blockGasLimit) this.blockGasBudget = (blockGasLimit * 95n) / 100n;
  }

  private blockGasBudget = 0n;

  /** Sends the queue as consecutive blocks, each holding what fits in the block gas limit. */
  async flush(light?: LogFilter): Promise<RpcReceipt[]> {
    const txs = this.pending;
    this.pending = [];
    if (txs.length === 0) return [];
    if (this.blockGasBudget === 0n) {
      const latest = await this.rpc.call<{ gasLimit: Hex }>("eth_getBlockByNumber", ["latest", false]);
      this.blockGasBudget = (BigInt(latest.gasLimit) * 95n) / 100n;
    }
    await this.loadNonces(txs);
    const out: RpcReceipt[] = [];
    let group: TxRequest[] = [];
    let gas = 0n;
    for (const tx of txs) {
      if (tx.gas > this.blockGasBudget) throw new SimulationError(`${tx.label} needs ${tx.gas} gas, more than a block holds`);
      if (gas + tx.gas > this.blockGasBudget) {
        out.push(...(await this.mineGroup(group, light)));
        group = [];
        gas = 0n;
      }
      group.push(tx);
      gas += tx.gas;
    }
    out.push(...(await this.mineGroup(group, light)));
    return out;
  }

  private async mineGroup(txs: TxRequest[], light?: LogFilter): Promise<RpcReceipt[]> {
    const calls = txs.map((tx) => ({
      method: "eth_sendTransaction",
      params: [
        {
          from: tx.from,
          to: tx.to,
          data: tx.data,
          gas: toHex(tx.gas),
          value: toHex(tx.value ?? 0n),
          nonce: toHex(this.nextNonce(tx.from)),
          maxPriorityFeePerGas: "0x1",
          maxFeePerGas: toHex(this.baseFee * 4n),
        },
      ],
    }));
    const hashes = await this.rpc.batch<Hex>(calls);
    const index = new Map<string, number>();
    hashes.forEach((h, i) => index.set(h.toLowerCase(), i));
    const receipts: (RpcReceipt | undefined)[] = new Array(txs.length);
    let missing = txs.length;
    while (missing > 0) {
      const pre = [{ method: "anvil_setNextBlockBaseFeePerGas", params: [toHex(this.baseFee)] }];
      if (this.nextTimestamp) pre.push({ method: "evm_setNextBlockTimestamp", params: [toHex(this.nextTimestamp())] });
      await this.rpc.batch(pre);
      await this.rpc.call("evm_mine");
      this.blocksMined++;
      const block = light ? await this.lightReceipts(light) : await this.rpc.call<RpcReceipt[]>("eth_getBlockReceipts", ["latest"]);
      let found = 0;
      for (const r of block) {
        const i = index.get(r.transactionHash.toLowerCase());
        if (i === undefined || receipts[i]) continue;
        receipts[i] = r;
        checkStatus(txs[i]!, r);
        found++;
      }
      this.lastBlock = BigInt(await this.rpc.call<Hex>("eth_blockNumber"));
      missing -= found;
      if (found === 0 && missing > 0) {
        // Interval mining (anvil --block-time) may have mined them in other blocks: look them up.
        found = await this.fillReceipts(txs, hashes, receipts);
        missing -= found;
      }
      if (found === 0 && missing > 0) {
        const pool = await this.rpc.tryCall("txpool_status");
        throw new SimulationError(`a mined block included none of ${missing} pending transactions (txpool ${JSON.stringify(pool)}); is another process sending with the same accounts?`);
      }
    }
    return receipts as RpcReceipt[];
  }

  /**
   * Receipts without the bulk: the latest block's transaction hashes plus only the logs matching
   * the filter. A transaction counts as successful when it emitted a matching log.
   */
  private async lightReceipts(filter: LogFilter): Promise<RpcReceipt[]> {
    const block = await this.rpc.call<{ hash: Hex; number: Hex; transactions: Hex[] }>("eth_getBlockByNumber", ["latest", false]);
    const logs = await this.rpc.call<RpcLog[]>("eth_getLogs", [{ blockHash: block.hash, address: filter.address, topics: [filter.topic0] }]);
    const byTx = new Map<string, RpcLog[]>();
    for (const l of logs) {
      const k = l.transactionHash.toLowerCase();
      const list = byTx.get(k);
      if (list) list.push(l);
      else byTx.set(k, [l]);
    }
    return block.transactions.map((h) => {
      const own = byTx.get(h.toLowerCase()) ?? [];
      return { status: own.length ? "0x1" : "0x0", transactionHash: h, blockNumber: block.number, gasUsed: "0x0", logs: own } as RpcReceipt;
    });
  }
}

export class SignedSender extends BaseSender {
  readonly mode = "signed" as const;
  private maxFee = 0n;

  constructor(
    rpc: Rpc,
    private readonly chainId: number,
    private readonly keys: Map<string, PrivateKeyAccount>,
    private readonly pollMs = 200,
  ) {
    super(rpc);
  }

  async flush(): Promise<RpcReceipt[]> {
    const txs = this.pending;
    this.pending = [];
    if (txs.length === 0) return [];
    await this.loadNonces(txs);
    if (this.maxFee === 0n) this.maxFee = BigInt(await this.rpc.call<Hex>("eth_gasPrice")) * 3n + 1_000_000_000n;
    const raws: Hex[] = [];
    for (const tx of txs) {
      const account = this.keys.get(tx.from.toLowerCase());
      if (!account) throw new SimulationError(`no key for ${tx.from}: on a non-anvil chain pass the deployer's key with --private-key`);
      raws.push(
        await account.signTransaction({
          chainId: this.chainId,
          type: "eip1559",
          to: tx.to,
          data: tx.data,
          gas: tx.gas,
          value: tx.value ?? 0n,
          nonce: Number(this.nextNonce(tx.from)),
          maxFeePerGas: this.maxFee,
          maxPriorityFeePerGas: 1_000_000_000n,
        }),
      );
    }
    const hashes = await this.rpc.batch<Hex>(raws.map((r) => ({ method: "eth_sendRawTransaction", params: [r] })));
    const receipts: (RpcReceipt | undefined)[] = new Array(txs.length);
    for (let missing = txs.length; missing > 0; ) {
      missing -= await this.fillReceipts(txs, hashes, receipts);
      if (missing > 0) await new Promise((r) => setTimeout(r, this.pollMs));
    }
    return receipts as RpcReceipt[];
  }
}
