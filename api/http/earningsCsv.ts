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
import { and, asc, eq, gt, inArray, or } from "ponder";
import { ROLE_NAMES, Role } from "../../core/roles.js";
import { csvRecord } from "../csv.js";
import { formatOpen } from "../format.js";
import { decodeAddress } from "../input.js";
import type { Db, Tables } from "../graphql/context.js";
import { ApiError } from "./errors.js";

export const CSV_COLUMNS = ["time", "block", "transaction", "inference", "model", "model_name", "datanet", "contribution", "role", "amount", "amount_open"] as const;
/** Rows per database round trip (API_CSV_CHUNK_ROWS overrides it, 1..10000: tests use a tiny one to cross chunk boundaries). */
export const CSV_CHUNK_ROWS = (() => {
  const n = Number(process.env.API_CSV_CHUNK_ROWS);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1000;
})();

export function earningsCsvResponse(db: Db, t: Tables, addressParam: string): Response {
  const decoded = decodeAddress(addressParam);
  if (!decoded.ok) throw new ApiError(400, decoded.error);
  const address = decoded.value;
  const encoder = new TextEncoder();
  const modelNames = new Map<string, string>();
  let last: { at: string; inferenceId: bigint; role: number } | null = null;
  let headerSent = false;
  let done = false;

  const nextChunk = async (): Promise<string> => {
    const ra = t.rewardAccrual;
    // Keyset (at, inferenceId, role): unique for one account even if two accruals shared an event id.
    const after =
      last === null
        ? undefined
        : or(gt(ra.at, last.at), and(eq(ra.at, last.at), or(gt(ra.inferenceId, last.inferenceId), and(eq(ra.inferenceId, last.inferenceId), gt(ra.role, last.role)))));
    const cond = and(eq(ra.account, address), eq(ra.observed, true), after);
    const rows = await db.select().from(ra).where(cond).orderBy(asc(ra.at), asc(ra.inferenceId), asc(ra.role)).limit(CSV_CHUNK_ROWS);
    if (rows.length < CSV_CHUNK_ROWS) done = true;
    if (rows.length === 0) return "";
    const tail = rows[rows.length - 1]!;
    last = { at: tail.at, inferenceId: tail.inferenceId, role: tail.role };

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
