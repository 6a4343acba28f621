/**
 * The lineage graph as two sortable tables (what the canvas shows, folded the same way): one row
 * per node and one per edge. Sorting is stable and exact (amounts compared as bigint). Pure.
 */
import { parseBaseUnits } from "../lib/amount";
import type { LineageEdge, LineageNode } from "./types";
import { KIND_ORDER } from "./types";

/** Rows shown per table before "Show more" (a 10,000-node graph would be a very long page). */
export const TABLE_PAGE = 50;

export type SortKey = "kind" | "label" | "weight" | "amount" | "links" | "from" | "to";
export interface Sort {
  key: SortKey;
  dir: "asc" | "desc";
}

export interface NodeRow {
  node: LineageNode;
  links: number;
}
export interface EdgeRow {
  edge: LineageEdge;
  from: LineageNode;
  to: LineageNode;
}

export function nodeRows(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): NodeRow[] {
  const links = new Map<string, number>();
  for (const e of edges) {
    links.set(e.from, (links.get(e.from) ?? 0) + 1);
    links.set(e.to, (links.get(e.to) ?? 0) + 1);
  }
  return nodes.map((node) => ({ node, links: links.get(node.id) ?? 0 }));
}

export function edgeRows(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): EdgeRow[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const rows: EdgeRow[] = [];
  for (const edge of edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (from && to) rows.push({ edge, from, to });
  }
  return rows;
}

const kindRank = (k: string) => KIND_ORDER[k] ?? 99;
const amountOf = (s: string) => parseBaseUnits(s) ?? -1n;
const cmpText = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const labelOf = (n: LineageNode) => n.label || `#${n.entityId}`;

function nodeCompare(key: SortKey): (a: NodeRow, b: NodeRow) => number {
  switch (key) {
    case "kind": return (a, b) => kindRank(a.node.kind) - kindRank(b.node.kind);
    case "label": return (a, b) => cmpText(labelOf(a.node), labelOf(b.node));
    case "weight": return (a, b) => a.node.weightPpm - b.node.weightPpm;
    case "amount": return (a, b) => cmpBig(amountOf(a.node.amount), amountOf(b.node.amount));
    case "links": return (a, b) => a.links - b.links;
    default: return () => 0;
  }
}

function edgeCompare(key: SortKey): (a: EdgeRow, b: EdgeRow) => number {
  switch (key) {
    case "from": return (a, b) => kindRank(a.from.kind) - kindRank(b.from.kind) || cmpText(labelOf(a.from), labelOf(b.from));
    case "to": return (a, b) => kindRank(a.to.kind) - kindRank(b.to.kind) || cmpText(labelOf(a.to), labelOf(b.to));
    case "kind": return (a, b) => cmpText(a.edge.kind, b.edge.kind);
    case "weight": return (a, b) => a.edge.weightPpm - b.edge.weightPpm;
    case "amount": return (a, b) => cmpBig(amountOf(a.edge.amount), amountOf(b.edge.amount));
    default: return () => 0;
  }
}

/** Sorted copy; ties keep the graph's order (its ranking: heaviest first within a parent). */
function sortBy<T>(rows: readonly T[], cmp: (a: T, b: T) => number, dir: Sort["dir"]): T[] {
  const sign = dir === "asc" ? 1 : -1;
  return rows.map((r, i) => [r, i] as const).sort((a, b) => sign * cmp(a[0], b[0]) || a[1] - b[1]).map(([r]) => r);
}

export const sortNodes = (rows: readonly NodeRow[], s: Sort) => sortBy(rows, nodeCompare(s.key), s.dir);
export const sortEdges = (rows: readonly EdgeRow[], s: Sort) => sortBy(rows, edgeCompare(s.key), s.dir);

/** Clicking a column header: a new column sorts by its natural direction, the same column flips. */
export function nextSort(cur: Sort, key: SortKey): Sort {
  if (cur.key === key) return { key, dir: cur.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "weight" || key === "amount" || key === "links" ? "desc" : "asc" };
}
