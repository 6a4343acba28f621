/**
 * The label of a folded lineage group, "+312 others (4.1 %)": one rule for the API's folded nodes
 * and the explorer's own re-folding, so the same group reads the same everywhere. No I/O.
 */

/** "4.1 %" style percentage of a ppm value, one decimal, rounded down (a folded share is never overstated). */
export function percentOfPpm(ppm: number): string {
  const tenths = Math.floor(ppm / 1000);
  return `${Math.floor(tenths / 10)}.${tenths % 10} %`;
}

/** "+N other(s) (x %)" for `count` folded children weighing `ppm` together. */
export function foldedLabel(count: number, ppm: number): string {
  return `+${count} other${count === 1 ? "" : "s"} (${percentOfPpm(ppm)})`;
}
