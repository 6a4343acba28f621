/**
 * Orients lineage edges so data flows left to right into the model: contributor → contribution →
 * datanet → (training run) → (parent model →) model → inferences. The API may send edges pointing
 * away from the model (model → datanet → contribution → contributor, "outward") or along the data
 * flow (the draft's style); both come out the same. Pure.
 */
import type { LineageEdge, LineageGraph } from "./types";

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

export function orientLineage(graph: LineageGraph, focusId: string): LineageGraph {
  const kind = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const dist = distancesFrom(graph, focusId);
  const isDownstream = (farId: string, e: LineageEdge) =>
    kind.get(farId) === "INFERENCE" || e.kind === "SERVED" || (kind.get(farId) === "FOLDED" && /:INFERENCES?$/i.test(farId));
  // Does the API send upstream edges pointing away from the model? Decide from non-folded edges.
  let outward = 0;
  let inward = 0;
  for (const e of graph.edges) {
    const df = dist.get(e.from);
    const dt = dist.get(e.to);
    if (df === undefined || dt === undefined || df === dt) continue;
    const far = df > dt ? e.from : e.to;
    if (kind.get(far) === "FOLDED" || isDownstream(far, e)) continue;
    if (df < dt) outward++;
    else inward++;
  }
  const outwardStyle = outward > inward;
  const edges = graph.edges.map((e) => {
    const df = dist.get(e.from);
    const dt = dist.get(e.to);
    if (df === undefined || dt === undefined || df === dt) return e;
    const far = df > dt ? e.from : e.to;
    const near = df > dt ? e.to : e.from;
    let flowFromFar: boolean;
    if (isDownstream(far, e)) flowFromFar = false;
    else if (kind.get(far) === "FOLDED" && !outwardStyle) flowFromFar = e.from === far; // keep the draft's own direction
    else flowFromFar = true;
    const from = flowFromFar ? far : near;
    const to = flowFromFar ? near : far;
    return from === e.from ? e : { ...e, from, to };
  });
  return { nodes: graph.nodes, edges };
}
