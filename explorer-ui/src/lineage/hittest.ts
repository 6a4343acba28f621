/** Finds the node under a world point using the layout's columns (binary searches, no scan). Pure. */
import type { Layout } from "./layout";

export function nodeAt(layout: Pick<Layout, "columns" | "y" | "nodeW" | "nodeH">, wx: number, wy: number): number {
  const cols = layout.columns;
  let lo = 0;
  let hi = cols.length - 1;
  let col = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = cols[mid]!;
    if (wx < c.x) hi = mid - 1;
    else if (wx > c.x + layout.nodeW) lo = mid + 1;
    else {
      col = mid;
      break;
    }
  }
  if (col < 0) return -1;
  const ids = cols[col]!.nodes;
  lo = 0;
  hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const top = layout.y[ids[mid]!]!;
    if (wy < top) hi = mid - 1;
    else if (wy > top + layout.nodeH) lo = mid + 1;
    else return ids[mid]!;
  }
  return -1;
}
