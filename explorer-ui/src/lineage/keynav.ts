/**
 * Keyboard navigation of the lineage graph, layer by layer: Right follows an edge to the next layer
 * (toward the model and its inferences), Left to the previous one (toward the data and its
 * contributors), Up and Down step through the current layer in drawn order. Pure.
 */
import { formatAmountString, formatPpm } from "../lib/amount";
import { visibleText } from "../lib/untrusted";
import { KIND_COLORS } from "./scene";
import type { LineageNode } from "./types";

export type NavKey = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End";

export interface NavGraph {
  /** Layer (column) of each node. */
  layer: Int32Array;
  /** Node top y, to prefer the neighbour nearest the one left. */
  y: Float64Array;
  from: Int32Array;
  to: Int32Array;
  /** Edge indices touching each node. */
  incident: Int32Array[];
  /** Node indices per layer, top to bottom. */
  columns: ReadonlyArray<{ nodes: Int32Array }>;
}

export const isNavKey = (k: string): k is NavKey => k === "ArrowLeft" || k === "ArrowRight" || k === "ArrowUp" || k === "ArrowDown" || k === "Home" || k === "End";

/**
 * The node a key moves the selection to. With nothing selected any key selects `start` (the
 * model). Left/Right go to the connected node in the nearest layer on that side (nearest in y on
 * ties); with no connection that way the selection stays.
 */
export function moveSelection(g: NavGraph, current: number, key: NavKey, start: number): number {
  if (current < 0 || current >= g.layer.length) return start;
  const layer = g.layer[current]!;
  if (key === "ArrowUp" || key === "ArrowDown" || key === "Home" || key === "End") {
    const col = g.columns[layer]!.nodes;
    if (key === "Home") return col[0]!;
    if (key === "End") return col[col.length - 1]!;
    const i = col.indexOf(current);
    const j = key === "ArrowUp" ? i - 1 : i + 1;
    return j >= 0 && j < col.length ? col[j]! : current;
  }
  const right = key === "ArrowRight";
  let best = current;
  let bestLayer = 0;
  let bestDy = Infinity;
  for (const e of g.incident[current]!) {
    const other = g.from[e] === current ? g.to[e]! : g.from[e]!;
    const l = g.layer[other]!;
    if (right ? l <= layer : l >= layer) continue;
    const dl = Math.abs(l - layer);
    const dy = Math.abs(g.y[other]! - g.y[current]!);
    if (best === current || dl < bestLayer || (dl === bestLayer && (dy < bestDy || (dy === bestDy && other < best)))) {
      best = other;
      bestLayer = dl;
      bestDy = dy;
    }
  }
  return best;
}

export const kindName = (kind: string) => KIND_COLORS[kind]?.name ?? kind;

/** What a screen reader hears when a node is selected: kind, label, weight, amount, what Enter does. */
export function describeNode(n: LineageNode, links: number, canOpen: boolean): string {
  const parts = [`${kindName(n.kind)}: ${visibleText(n.label || `#${n.entityId}`)}`];
  if (n.kind === "TRAINING_RUN" && typeof n.verified === "boolean") parts.push(n.verified ? "verified" : "unverified");
  if (n.kind === "INFERENCE" && n.clean === false) parts.push("flagged by the audit");
  parts.push(`weight ${formatPpm(n.weightPpm)}`);
  parts.push(`${n.kind === "INFERENCE" ? "fee" : "amount"} ${formatAmountString(n.amount).full}`);
  parts.push(`${links} connection${links === 1 ? "" : "s"}`);
  if (n.kind === "FOLDED") parts.push("Enter shows them");
  else if (canOpen) parts.push("Enter opens its page");
  return parts.join(", ") + ".";
}
