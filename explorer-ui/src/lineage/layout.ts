/**
 * Layered left-to-right layout of a DAG (Sugiyama-style, kept small): each known kind has its own
 * column (contributors, contributions, datanets, training runs, models, inferences), a node sits at
 * least one column right of its predecessors (so a parent model comes before its adapter), a
 * server fold takes the column of the kind it folds, other folded groups and unknown kinds are
 * pulled right next to their successors, empty columns are dropped;
 * order within a column by barycentre sweeps; fixed-size boxes stacked without overlap. Pure and synchronous: the Web Worker (layout.worker.ts) runs it off
 * the main thread; tests call it directly.
 */
import { foldedKind } from "./orient";
import { KIND_ORDER } from "./types";

export interface LayoutNodeIn {
  id: string;
  kind: string;
  weightPpm: number;
}
export interface LayoutEdgeIn {
  from: string;
  to: string;
}

export const NODE_W = 168;
export const NODE_H = 24;
export const ROW_GAP = 8;
export const LAYER_GAP = 110;

export interface Layout {
  /** Per input node index. */
  x: Float64Array;
  y: Float64Array;
  layer: Int32Array;
  /** For each layer: its x and its node indices sorted by y (used for hit-testing). */
  columns: Array<{ x: number; nodes: Int32Array }>;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  /** Edges (by node index) that were ignored to break a cycle. */
  droppedEdges: number;
  nodeW: number;
  nodeH: number;
}

export function layoutGraph(nodes: readonly LayoutNodeIn[], edges: readonly LayoutEdgeIn[], sweeps = 4): Layout {
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const seen = new Set<string>();
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const key = `${a}>${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    succs[a]!.push(b);
    preds[b]!.push(a);
  }

  // Topological order (Kahn). Nodes left over sit on cycles: their remaining in-edges are dropped.
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = preds[i]!.length;
  const order: number[] = [];
  const done = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) stack.push(i);
  let droppedEdges = 0;
  while (order.length < n) {
    if (stack.length === 0) {
      // Break a cycle: take the not-yet-placed node with the fewest remaining in-edges.
      let best = -1;
      for (let i = 0; i < n; i++) if (!done[i] && (best < 0 || indeg[i]! < indeg[best]!)) best = i;
      droppedEdges += indeg[best]!;
      preds[best] = preds[best]!.filter((p) => done[p]);
      for (let i = 0; i < n; i++) succs[i] = succs[i]!.filter((s) => s !== best || done[i]);
      indeg[best] = 0;
      stack.push(best);
    }
    const v = stack.pop()!;
    if (done[v]) continue;
    done[v] = 1;
    order.push(v);
    for (const s of succs[v]!) if (--indeg[s]! === 0) stack.push(s);
  }

  // Column of its kind, at least one right of every predecessor (longest path with a floor)...
  const layer = new Int32Array(n);
  // A server fold names the kind it stands for ("folded:model:2:TRAINING_RUN"): it takes that column.
  const column = nodes.map((node) => {
    const k = node.kind === "FOLDED" ? foldedKind(node.id) : node.kind;
    return k !== undefined && k in KIND_ORDER && k !== "FOLDED" ? KIND_ORDER[k]! : -1;
  });
  const anchored = (v: number) => column[v]! >= 0;
  for (const v of order) {
    let l = anchored(v) ? column[v]! : 0;
    for (const p of preds[v]!) l = Math.max(l, layer[p]! + 1);
    layer[v] = l;
  }
  // ...then folded groups and unknown kinds move right next to their successors.
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k]!;
    if (anchored(v) || succs[v]!.length === 0) continue;
    let m = Infinity;
    for (const s of succs[v]!) m = Math.min(m, layer[s]!);
    layer[v] = Math.max(layer[v]!, m - 1);
  }
  // Inferences (leaves) share one column, the rightmost any of them needs: downstream of data, those of an
  // adapter would otherwise sit one column right of those of the model it adapts.
  const isInference = (v: number) => (nodes[v]!.kind === "FOLDED" ? foldedKind(nodes[v]!.id) : nodes[v]!.kind) === "INFERENCE";
  let inferenceLayer = -1;
  for (let v = 0; v < n; v++) if (isInference(v) && succs[v]!.length === 0) inferenceLayer = Math.max(inferenceLayer, layer[v]!);
  for (let v = 0; v < n; v++) if (isInference(v) && succs[v]!.length === 0) layer[v] = inferenceLayer;
  // Drop empty columns (e.g. no training-run nodes in the graph).
  let maxLayer = 0;
  for (let i = 0; i < n; i++) maxLayer = Math.max(maxLayer, layer[i]!);
  const used = new Int32Array(maxLayer + 1);
  for (let i = 0; i < n; i++) used[layer[i]!] = 1;
  const remap = new Int32Array(maxLayer + 1);
  let next = 0;
  for (let l = 0; l <= maxLayer; l++) remap[l] = used[l] ? next++ : -1;
  for (let i = 0; i < n; i++) layer[i] = remap[layer[i]!]!;
  maxLayer = Math.max(0, next - 1);

  // Initial order in each layer: by kind, then weight (heaviest first), then id.
  const layers: number[][] = Array.from({ length: n ? maxLayer + 1 : 0 }, () => []);
  for (let i = 0; i < n; i++) layers[layer[i]!]!.push(i);
  for (const L of layers) {
    L.sort((a, b) => {
      const ka = KIND_ORDER[nodes[a]!.kind] ?? 9;
      const kb = KIND_ORDER[nodes[b]!.kind] ?? 9;
      if (ka !== kb) return ka - kb;
      if (nodes[b]!.weightPpm !== nodes[a]!.weightPpm) return nodes[b]!.weightPpm - nodes[a]!.weightPpm;
      return nodes[a]!.id < nodes[b]!.id ? -1 : 1;
    });
  }

  // Barycentre sweeps: relative position (0..1) in a node's layer, so long edges work too.
  const pos = new Float64Array(n);
  const setPos = (L: number[]) => L.forEach((v, i) => (pos[v] = L.length > 1 ? i / (L.length - 1) : 0.5));
  layers.forEach(setPos);
  const isFolded = (v: number) => nodes[v]!.kind === "FOLDED";
  const sweep = (L: number[], neighbours: number[][]) => {
    const key = new Float64Array(n);
    for (const v of L) {
      const nb = neighbours[v]!;
      if (nb.length === 0) key[v] = pos[v]!;
      else {
        let s = 0;
        for (const u of nb) s += pos[u]!;
        key[v] = s / nb.length;
      }
    }
    // Folded "+N others" nodes go after their siblings: nudge them down a little.
    L.sort((a, b) => key[a]! + (isFolded(a) ? 1e-6 : 0) - (key[b]! + (isFolded(b) ? 1e-6 : 0)) || nodes[b]!.weightPpm - nodes[a]!.weightPpm);
    setPos(L);
  };
  for (let s = 0; s < sweeps; s++) {
    for (let l = 1; l < layers.length; l++) sweep(layers[l]!, preds);
    for (let l = layers.length - 2; l >= 0; l--) sweep(layers[l]!, succs);
  }
  // End with a right-to-left pass anchored on the model side, then a final left-to-right.
  for (let l = 1; l < layers.length; l++) sweep(layers[l]!, preds);

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const columns: Layout["columns"] = [];
  const step = NODE_H + ROW_GAP;
  let minY = 0;
  let maxY = 0;
  layers.forEach((L, l) => {
    const colX = l * (NODE_W + LAYER_GAP);
    const height = L.length * step - ROW_GAP;
    const top = -height / 2;
    L.forEach((v, i) => {
      x[v] = colX;
      y[v] = top + i * step;
    });
    minY = Math.min(minY, top);
    maxY = Math.max(maxY, top + height);
    columns.push({ x: colX, nodes: Int32Array.from(L) });
  });
  const maxX = layers.length ? (layers.length - 1) * (NODE_W + LAYER_GAP) + NODE_W : 0;
  return { x, y, layer, columns, bounds: { minX: 0, minY, maxX, maxY }, droppedEdges, nodeW: NODE_W, nodeH: NODE_H };
}
