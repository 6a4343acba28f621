/**
 * Client-side ranking and folding of a lineage graph: the same rule the API applies ("per hop keep
 * the top edges by weight, fold the rest into one '+N others (x %)' node per parent"), so the
 * minimum-weight slider and the top-per-hop control re-fold without refetching. Pure, no I/O.
 *
 * Hops are counted outward from the focus model: upstream (training runs, parent model, datanets,
 * contributions, contributors: a node's incoming edges are its children) and downstream (recent
 * inferences: the model's outgoing edges).
 */
import { foldedLabel } from "../../../core/foldLabel";
import type { LineageEdge, LineageGraph, LineageNode } from "./types";

export interface FoldOptions {
  /** Node id of the model the graph is about. */
  focusId: string;
  /** Children kept per parent; Infinity keeps all. */
  topK: number;
  /** Edges below this weight are folded (unless their parent is expanded). */
  minWeightPpm: number;
  /** Parents whose children are all shown. */
  expanded?: ReadonlySet<string>;
}

export interface FoldGroup {
  /** The node whose children were folded. */
  parentId: string;
  direction: "up" | "down";
  /** Ids of the folded children that the client knows (empty for a fold made by the server). */
  members: string[];
  /** Count of folded children, including those the server folded. */
  count: number;
  weightPpm: number;
  /** True when the server folded some of these: expanding needs a refetch with a larger limit. */
  fromServer: boolean;
}

export interface FoldResult extends LineageGraph {
  folds: Map<string, FoldGroup>;
  /** Nodes of the input that are no longer shown. */
  hiddenNodes: number;
}

function bigSum(values: string[]): string {
  let s = 0n;
  for (const v of values) {
    try {
      s += BigInt(v);
    } catch {
      /* an invalid amount adds nothing */
    }
  }
  return s.toString();
}

/** Ranks edges heaviest first; ties by amount, then by node id so the order is stable. */
export function rankEdges(edges: readonly LineageEdge[], childOf: (e: LineageEdge) => string): LineageEdge[] {
  return [...edges].sort((a, b) => {
    if (b.weightPpm !== a.weightPpm) return b.weightPpm - a.weightPpm;
    let ab = 0n;
    let bb = 0n;
    try {
      ab = BigInt(a.amount);
      bb = BigInt(b.amount);
    } catch {
      /* keep 0 */
    }
    if (ab !== bb) return bb > ab ? 1 : -1;
    const ca = childOf(a);
    const cb = childOf(b);
    return ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}

export function foldGraph(graph: LineageGraph, opts: FoldOptions): FoldResult {
  const byId = new Map<string, LineageNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  const incoming = new Map<string, LineageEdge[]>();
  const outgoing = new Map<string, LineageEdge[]>();
  for (const e of graph.edges) {
    if (!byId.has(e.from) || !byId.has(e.to) || e.from === e.to) continue;
    (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e);
    (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e);
  }
  const expanded = opts.expanded ?? new Set<string>();
  const folds = new Map<string, FoldGroup>();
  const outNodes: LineageNode[] = [];
  const outEdges: LineageEdge[] = [];
  const focus = byId.get(opts.focusId);
  if (!focus) return { nodes: [], edges: [], folds, hiddenNodes: graph.nodes.length };

  const shown = new Set<string>([focus.id]);
  outNodes.push(focus);
  const queue: Array<{ id: string; dir: "up" | "down" | "both" }> = [{ id: focus.id, dir: "both" }];

  const visitChildren = (parentId: string, dir: "up" | "down") => {
    const edges = (dir === "up" ? incoming.get(parentId) : outgoing.get(parentId)) ?? [];
    const childOf = (e: LineageEdge) => (dir === "up" ? e.from : e.to);
    const real: LineageEdge[] = [];
    const serverFolds: LineageEdge[] = [];
    for (const e of edges) (byId.get(childOf(e))?.kind === "FOLDED" ? serverFolds : real).push(e);
    const ranked = rankEdges(real, childOf);
    const isExpanded = expanded.has(parentId);
    const kept: LineageEdge[] = [];
    const rest: LineageEdge[] = [];
    for (const e of ranked) {
      if (isExpanded || (kept.length < opts.topK && e.weightPpm >= opts.minWeightPpm)) kept.push(e);
      else rest.push(e);
    }
    for (const e of kept) {
      outEdges.push(e);
      const c = childOf(e);
      if (!shown.has(c)) {
        shown.add(c);
        outNodes.push(byId.get(c)!);
        queue.push({ id: c, dir });
      }
    }
    if (rest.length === 0 && serverFolds.length === 0) return;
    if (rest.length === 0) {
      // Only the server's own fold nodes: keep them exactly as sent.
      for (const e of serverFolds) {
        const f = byId.get(childOf(e))!;
        outEdges.push(e);
        if (!shown.has(f.id)) {
          shown.add(f.id);
          outNodes.push(f);
        }
        folds.set(f.id, { parentId, direction: dir, members: [], count: f.foldedCount, weightPpm: f.weightPpm, fromServer: true });
      }
      return;
    }
    const serverNodes = serverFolds.map((e) => byId.get(childOf(e))!);
    const count = rest.length + serverNodes.reduce((n, f) => n + Math.max(0, f.foldedCount), 0);
    const weightPpm = rest.reduce((n, e) => n + e.weightPpm, 0) + serverFolds.reduce((n, e) => n + e.weightPpm, 0);
    const amount = bigSum([...rest.map((e) => e.amount), ...serverFolds.map((e) => e.amount)]);
    const id = `fold:${dir}:${parentId}`;
    const node: LineageNode = { id, kind: "FOLDED", label: foldedLabel(count, weightPpm), entityId: parentId, weightPpm, amount, foldedCount: count };
    shown.add(id);
    outNodes.push(node);
    outEdges.push(dir === "up"
      ? { from: id, to: parentId, kind: "FOLDED", weightPpm, amount }
      : { from: parentId, to: id, kind: "FOLDED", weightPpm, amount });
    folds.set(id, { parentId, direction: dir, members: rest.map(childOf), count, weightPpm, fromServer: serverFolds.length > 0 });
  };

  for (let qi = 0; qi < queue.length; qi++) {
    const { id, dir } = queue[qi]!;
    if (dir !== "down") visitChildren(id, "up");
    if (dir !== "up") visitChildren(id, "down");
  }
  const realShown = outNodes.filter((n) => byId.has(n.id)).length;
  return { nodes: outNodes, edges: outEdges, folds, hiddenNodes: graph.nodes.length - realShown };
}

/** The node id of the model a lineage is about. */
export function findFocus(graph: LineageGraph, modelId: string): string | null {
  const m = graph.nodes.find((n) => n.kind === "MODEL" && n.entityId === modelId);
  return m ? m.id : null;
}
