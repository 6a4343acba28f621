/** Runs the layout in a Web Worker (one per graph view); falls back to the main thread if workers fail. */
import { layoutGraph, type Layout, type LayoutEdgeIn, type LayoutNodeIn } from "./layout";

export class LayoutClient {
  private worker: Worker | null = null;
  private seq = 0;
  private pending = new Map<number, { resolve: (r: { layout: Layout; ms: number; where: string }) => void; reject: (e: Error) => void }>();

  constructor() {
    try {
      this.worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
      this.worker.onmessage = (e: MessageEvent<{ id: number; ok: boolean; layout?: Layout; ms?: number; error?: string }>) => {
        const p = this.pending.get(e.data.id);
        if (!p) return;
        this.pending.delete(e.data.id);
        if (e.data.ok && e.data.layout) p.resolve({ layout: e.data.layout, ms: e.data.ms ?? 0, where: "worker" });
        else p.reject(new Error(e.data.error ?? "layout failed"));
      };
      this.worker.onerror = () => {
        // A worker that cannot start (CSP, old browser): lay out on the main thread from now on.
        this.worker?.terminate();
        this.worker = null;
        for (const [, p] of this.pending) p.reject(new Error("layout worker failed"));
        this.pending.clear();
      };
    } catch {
      this.worker = null;
    }
  }

  run(nodes: LayoutNodeIn[], edges: LayoutEdgeIn[]): Promise<{ layout: Layout; ms: number; where: string }> {
    if (!this.worker) {
      const t0 = performance.now();
      return Promise.resolve({ layout: layoutGraph(nodes, edges), ms: performance.now() - t0, where: "main" });
    }
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, nodes, edges });
    }).catch(() => {
      const t0 = performance.now();
      return { layout: layoutGraph(nodes, edges), ms: performance.now() - t0, where: "main" };
    }) as Promise<{ layout: Layout; ms: number; where: string }>;
  }

  dispose() {
    this.worker?.terminate();
    this.worker = null;
    this.pending.clear();
  }
}
