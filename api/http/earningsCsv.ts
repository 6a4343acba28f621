/**
 * GET /api/accounts/{address}/earnings.csv: every accrual of an account, oldest first, streamed
 * from the database in keyset-paginated chunks (no row cap, constant memory).
 *
 * One row per accrual, i.e. per RewardAccrued event (one per inference and role): the amounts are
 * what the chain credited, so the amount column sums to the account's `accrued` exactly. An accrual
 * to a datanet owner or a contributor can come from several attributions of the inference (two
 * contributions of the same contributor, or of the same owner's datanet): its `datanet` and
 * `contribution` columns then list all of them, ascending, separated by ";" (the cut of each is in
 * the inference's attributions). For MODEL_OWNER and TREASURY accruals those columns are empty.
 *
 * Columns: time (ISO 8601, UTC), block, transaction, inference, model, model_name, datanet,
 * contribution, role, amount (base units), amount_open (exact decimal OPEN).
 */
import { and, asc, eq, gt, gte, inArray, lte, or } from "ponder";
import { envInt } from "../../core/env.js";
import { ROLE_NAMES, Role } from "../../core/roles.js";
import { csvRecord } from "../csv.js";
import { formatOpen } from "../format.js";
import { decodeAddress } from "../input.js";
import type { Db, Tables } from "../graphql/context.js";
import { ApiError } from "./errors.js";

export const CSV_COLUMNS = ["time", "block", "transaction", "inference", "model", "model_name", "datanet", "contribution", "role", "amount", "amount_open"] as const;
/** Rows per database round trip (API_CSV_CHUNK_ROWS overrides it, 1..10000: tests use a tiny one to cross chunk boundaries; a bad value stops start-up). */
export const CSV_CHUNK_ROWS = envInt(process.env, "API_CSV_CHUNK_ROWS", { min: 1, max: 10_000, fallback: 1000 });

/** A block range query parameter: absent, or a block number. */
function blockParam(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^[0-9]{1,20}$/.test(value)) throw new ApiError(400, `${name} must be a block number, got ${JSON.stringify(value.slice(0, 40))}`);
  return BigInt(value);
}

/**
 * The CSV of an address's accruals, oldest first; `range.fromBlock`/`range.toBlock` (inclusive)
 * bound it to a period (a statement for it is one download).
 */
export function earningsCsvResponse(db: Db, t: Tables, addressParam: string, range: { fromBlock?: string; toBlock?: string } = {}): Response {
  const decoded = decodeAddress(addressParam);
  if (!decoded.ok) throw new ApiError(400, decoded.error);
  const address = decoded.value;
  const fromBlock = blockParam(range.fromBlock, "fromBlock");
  const toBlock = blockParam(range.toBlock, "toBlock");
  if (fromBlock !== undefined && toBlock !== undefined && fromBlock > toBlock) throw new ApiError(400, "fromBlock must not be after toBlock");
  const encoder = new TextEncoder();
  const modelNames = new Map<string, string>();
  let last: string | null = null;
  let headerSent = false;
  let done = false;

  const nextChunk = async (): Promise<string> => {
    const { rewardAccrual: ra, inference: i } = t;
    // Keyset on the event id (one per RewardAccrued, in block and log order).
    const cond = and(
      eq(ra.account, address),
      last === null ? undefined : gt(ra.id, last),
      fromBlock === undefined ? undefined : gte(ra.blockNumber, fromBlock),
      toBlock === undefined ? undefined : lte(ra.blockNumber, toBlock),
    );
    const rows = await db
      .select({ id: ra.id, inferenceId: ra.inferenceId, role: ra.role, amount: ra.amount, blockNumber: ra.blockNumber, timestamp: ra.timestamp, transactionHash: ra.transactionHash, modelId: i.modelId })
      .from(ra)
      .leftJoin(i, eq(i.id, ra.inferenceId))
      .where(cond)
      .orderBy(asc(ra.id))
      .limit(CSV_CHUNK_ROWS);
    if (rows.length < CSV_CHUNK_ROWS) done = true;
    if (rows.length === 0) return "";
    last = rows[rows.length - 1]!.id;

    // The attributions behind owner/contributor accruals, for this chunk's inferences only.
    const inferenceIds = [...new Set(rows.filter((r) => r.role === Role.DatanetOwner || r.role === Role.Contributor).map((r) => r.inferenceId))];
    const byInference = new Map<string, { datanetId: bigint | null; contributionId: bigint; owner: boolean; contributor: boolean }[]>();
    if (inferenceIds.length > 0) {
      const at = t.attribution;
      const attributions = await db
        .select({ inferenceId: at.inferenceId, contributionId: at.contributionId, datanetId: at.datanetId, contributor: at.contributor, datanetOwner: at.datanetOwner })
        .from(at)
        .where(and(inArray(at.inferenceId, inferenceIds), or(eq(at.contributor, address), eq(at.datanetOwner, address))));
      for (const a of attributions) {
        const key = a.inferenceId.toString();
        const list = byInference.get(key) ?? [];
        list.push({ datanetId: a.datanetId, contributionId: a.contributionId, owner: a.datanetOwner === address, contributor: a.contributor === address });
        byInference.set(key, list);
      }
    }
    // Model names (untrusted text: the CSV encoder quotes and defuses them), cached across chunks.
    const missing = [...new Set(rows.map((r) => r.modelId).filter((m): m is bigint => m !== null && !modelNames.has(m.toString())))];
    if (missing.length > 0) {
      const models = await db.select({ id: t.model.id, name: t.model.name }).from(t.model).where(inArray(t.model.id, missing));
      for (const m of models) modelNames.set(m.id.toString(), m.name);
      if (modelNames.size > 50_000) modelNames.clear();
    }

    let out = "";
    for (const r of rows) {
      const related = (byInference.get(r.inferenceId.toString()) ?? []).filter((a) => (r.role === Role.DatanetOwner ? a.owner : r.role === Role.Contributor ? a.contributor : false));
      const sortIds = (ids: bigint[]) => [...new Set(ids.map(String))].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)).join(";");
      out += csvRecord([
        new Date(Number(r.timestamp) * 1000).toISOString(),
        r.blockNumber,
        r.transactionHash,
        r.inferenceId,
        r.modelId,
        r.modelId === null ? "" : modelNames.get(r.modelId.toString()) ?? "",
        sortIds(related.map((a) => a.datanetId).filter((d): d is bigint => d !== null)),
        sortIds(related.map((a) => a.contributionId)),
        ROLE_NAMES[r.role] ?? String(r.role),
        r.amount,
        formatOpen(r.amount),
      ]);
    }
    return out;
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRecord([...CSV_COLUMNS])));
          return;
        }
        const text = await nextChunk();
        if (text) controller.enqueue(encoder.encode(text));
        if (done) controller.close();
      } catch (err) {
        // Headers are gone already: fail the download instead of ending a silently short file.
        console.error(`[api] earnings.csv for ${address} failed: ${(err as Error).stack ?? err}`);
        controller.error(err);
      }
    },
  });

  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="earnings-${address}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
