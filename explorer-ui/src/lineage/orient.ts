/**
 * Orients lineage edges so data flows left to right into the model: contributor → contribution →
 * datanet → (training run) → (parent model →) model → inferences. The API may send edges pointing
 * away from the model (model → datanet → contribution → contributor, "outward") or along the data
 * flow (the draft's style); both come out the same. Kinds decide where they can (a contribution
 * always feeds its datanet); distance from the focus decides between two models: upstream of a
 * model the farther one (its parent) feeds the nearer, downstream of data (`downstream`: the focus
 * is a contributor, contribution or datanet) the nearer one (the trained model) feeds the farther
 * (its adapter); a folded group takes the side of the kind it folds. Pure.
 */
import { KIND_ORDER, type LineageEdge, type LineageGraph } from "./types";

export function distancesFrom(graph: LineageGraph, focusId: string): Map<string, number> {
  const adj = new Map<string, string[]>();
  for (const e of graph.edges) {
    (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e.to);
    (adj.get(e.to) ?? adj.set(e.to, []).get(e.to)!).push(e.from);
  }
  const dist = new Map<string, number>([[focusId, 0]]);
  const queue = [focusId];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const v of adj.get(u) ?? []) {
      if (!dist.has(v)) {
        dist.set(v, dist.get(u)! + 1);
        queue.push(v);
      }
    }
  }
  return dist;
}

const rankOf = (kind: string | undefined) => (kind && kind !== "FOLDED" && kind in KIND_ORDER ? KIND_ORDER[kind]! : undefined);

/** The kind a folded node stands for, from ids like "folded:datanet:1:CONTRIBUTION". */
export function foldedKind(id: string): string | undefined {
  const m = /:(CONTRIBUTORS?|CONTRIBUTIONS?|DATANETS?|TRAINING_RUNS?|MODELS?|INFERENCES?)$/i.exec(id);
  return m ? m[1]!.toUpperCase().replace(/S$/, "") : undefined;
}

export function orientLineage(graph: LineageGraph, focusId: string, opts: { downstream?: boolean } = {}): LineageGraph {
  const downstream = opts.downstream ?? false;
  const kind = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const dist = distancesFrom(graph, focusId);
  // Which way does this API point its edges? Count edges between two ranked kinds.
  let outward = 0;
  let inward = 0;
  for (const e of graph.edges) {
    const a = rankOf(kind.get(e.from));
    const b = rankOf(kind.get(e.to));
    if (a === undefined || b === undefined || a === b || kind.get(e.from) === "INFERENCE" || kind.get(e.to) === "INFERENCE") continue;
    if (a > b) outward++;
    else inward++;
  }
  const outwardStyle = outward > inward;

  const flowsFrom = (e: LineageEdge): string => {
    const ka = kind.get(e.from);
    const kb = kind.get(e.to);
    const a = rankOf(ka);
    const b = rankOf(kb);
    if (a !== undefined && b !== undefined && a !== b) return a < b ? e.from : e.to;
    if (ka === "FOLDED" || kb === "FOLDED") {
      const fold = ka === "FOLDED" ? e.from : e.to;
      const parent = fold === e.from ? e.to : e.from;
      const member = rankOf(foldedKind(fold));
      const p = rankOf(kind.get(parent));
      if (member !== undefined && p !== undefined) {
        // Downstream, folded adapters (a model's folded models) come after it.
        if (downstream && member === p) return parent;
        return member <= p && foldedKind(fold) !== "INFERENCE" ? fold : parent;
      }
      if (e.kind === "SERVED") return parent;
      return outwardStyle ? fold : e.from; // an unlabelled fold: upstream, or as the draft sent it
    }
    // Same rank (model -> model): upstream the one farther from the focus feeds the nearer one; downstream the nearer the farther.
    const da = dist.get(e.from);
    const db = dist.get(e.to);
    if (da === undefined || db === undefined || da === db) return e.from;
    return (da > db) !== downstream ? e.from : e.to;
  };

  const edges = graph.edges.map((e) => {
    const from = flowsFrom(e);
    return from === e.from ? e : { ...e, from: e.to, to: e.from };
  });
  return { nodes: graph.nodes, edges };
}
