/** Runs the layered layout off the main thread. */
import { layoutGraph, type LayoutEdgeIn, type LayoutNodeIn } from "./layout";

export interface LayoutRequest {
  id: number;
  nodes: LayoutNodeIn[];
  edges: LayoutEdgeIn[];
}

const ctx = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage: (m: unknown, t: Transferable[]) => void };

ctx.onmessage = (e) => {
  const { id, nodes, edges } = e.data;
  const t0 = performance.now();
  try {
    const layout = layoutGraph(nodes, edges);
    const ms = performance.now() - t0;
    ctx.postMessage({ id, ok: true, layout, ms }, [layout.x.buffer, layout.y.buffer, layout.layer.buffer]);
  } catch (err) {
    ctx.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
