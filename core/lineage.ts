/**
 * Which training run an inference drew on (PROTOCOL.md, "Which training run an inference drew
 * on"): for each attributed contribution, walk the served model and then its ancestors, nearest
 * first, and take the first model with a training run (recorded at or before the inference) that
 * names the contribution's datanet; of that model's runs naming it, the latest one. No I/O: the
 * indexer keeps, per model, the datanets its runs named and the latest run naming each, and asks
 * here at each inference, in block and log order.
 */

/** What a model's runs named so far: datanet ids ascending, and the latest run version naming each. */
export interface RunsByDatanet {
  trainedDatanetIds: readonly bigint[];
  latestRunVersions: readonly number[];
}

/** A model of the served model's lineage (the served model first, then its parent, ...). */
export interface LineageModel extends RunsByDatanet {
  id: bigint;
}

export interface CreditedRun {
  /** Position of the trainer in the lineage (0: the served model itself). */
  trainerIndex: number;
  trainerModelId: bigint;
  runVersion: number;
}

/** Index of `id` in an ascending list, or -1. */
function indexOf(sorted: readonly bigint[], id: bigint): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The run an attribution to a contribution of `datanetId` drew on, or null when no model of the lineage named the datanet. */
export function creditedRun(lineage: readonly LineageModel[], datanetId: bigint): CreditedRun | null {
  for (let i = 0; i < lineage.length; i++) {
    const m = lineage[i]!;
    const at = indexOf(m.trainedDatanetIds, datanetId);
    if (at >= 0) return { trainerIndex: i, trainerModelId: m.id, runVersion: m.latestRunVersions[at] ?? 0 };
  }
  return null;
}

/**
 * A model's runs after a new run `version` naming `named`: the union of datanets, ascending, each
 * with the latest version naming it (a later run takes over; an older version never does).
 */
export function latestRuns(current: RunsByDatanet, named: readonly bigint[], version: number): { trainedDatanetIds: bigint[]; latestRunVersions: number[] } {
  const byDatanet = new Map<bigint, number>();
  current.trainedDatanetIds.forEach((id, i) => byDatanet.set(id, current.latestRunVersions[i] ?? 0));
  for (const id of named) byDatanet.set(id, Math.max(byDatanet.get(id) ?? 0, version));
  const trainedDatanetIds = [...byDatanet.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { trainedDatanetIds, latestRunVersions: trainedDatanetIds.map((id) => byDatanet.get(id)!) };
}
