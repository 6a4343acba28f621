/** Builds small lineage graphs for tests (and the e2e mock builds big ones the same way). */
import type { LineageEdge, LineageGraph, LineageNode } from "./types";

export function node(id: string, kind: string, weightPpm = 0, extra: Partial<LineageNode> = {}): LineageNode {
  return { id, kind, label: id, entityId: id.split(":")[1] ?? id, weightPpm, amount: String(weightPpm), foldedCount: 0, ...extra };
}

export function edge(from: string, to: string, weightPpm: number, kind = "E"): LineageEdge {
  return { from, to, kind, weightPpm, amount: String(weightPpm) };
}

export function graph(nodes: LineageNode[], edges: LineageEdge[]): LineageGraph {
  return { nodes, edges };
}
