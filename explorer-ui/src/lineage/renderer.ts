/**
 * Canvas 2D renderer for a lineage scene: culls to the visible rectangle, strokes edges in batches
 * (one path per width/style), fills nodes in batches per kind, draws labels only when legible.
 */
import { KIND_COLORS, KINDS, type Scene } from "./scene";
import { visibleWorld, type Viewport } from "./viewport";

export interface DrawState {
  hover: number;
  selected: number;
  /** The view is being panned or zoomed: draw edges in the cheap style (straight, solid). */
  moving?: boolean;
}

export interface DrawStats {
  visibleNodes: number;
  visibleEdges: number;
  drawMs: number;
}

const FONT_PX = 11;
const labelCache = new WeakMap<Scene, Map<number, string>>();

function fitLabel(ctx: CanvasRenderingContext2D, scene: Scene, i: number, maxW: number): string {
  let cache = labelCache.get(scene);
  if (!cache) labelCache.set(scene, (cache = new Map()));
  const hit = cache.get(i);
  if (hit !== undefined) return hit;
  const full = scene.labels[i] ?? "";
  let out = full;
  if (ctx.measureText(full).width > maxW) {
    const chars = Array.from(full);
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(chars.slice(0, mid).join("") + "…").width <= maxW) lo = mid;
      else hi = mid - 1;
    }
    out = chars.slice(0, lo).join("") + "…";
  }
  cache.set(i, out);
  return out;
}

export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene, vp: Viewport, cssW: number, cssH: number, dpr: number, st: DrawState): DrawStats {
  const t0 = performance.now();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  ctx.setTransform(dpr * vp.scale, 0, 0, dpr * vp.scale, dpr * vp.tx, dpr * vp.ty);
  const view = visibleWorld(vp, cssW, cssH);
  const { x, y, w, h, from, to } = scene;
  const halfH = h / 2;
  const inv = 1 / vp.scale;

  // ---- edges, batched ----
  // Level of detail: far out, edges are straight and thinner (curves cost raster time, not
  // clarity); while the view moves, big graphs draw them straight and solid too (dashes and
  // Béziers are what the software rasteriser spends a frame on) and in full once it rests.
  const far = h * vp.scale < 4;
  const straight = far || st.moving === true;
  const dashes = st.moving !== true;
  /** Adds edge e to the current path when it crosses the view; false when culled. */
  const pathEdge = (e: number): boolean => {
    const a = from[e]!;
    const b = to[e]!;
    const x1 = x[a]! + w;
    const x2 = x[b]!;
    const y1 = y[a]! + halfH;
    const y2 = y[b]! + halfH;
    if (Math.max(x1, x2) < view.minX || Math.min(x1, x2) > view.maxX || Math.max(y1, y2) < view.minY || Math.min(y1, y2) > view.maxY) return false;
    ctx.moveTo(x1, y1);
    if (straight) ctx.lineTo(x2, y2);
    else {
      const mx = (x1 + x2) / 2;
      ctx.bezierCurveTo(mx, y1, mx, y2, x2, y2);
    }
    return true;
  };
  let visibleEdges = 0;
  const widthScale = far ? 0.4 : 1;
  ctx.lineCap = "butt";
  for (const batch of scene.batches) {
    ctx.beginPath();
    let any = false;
    for (const e of batch.edges) {
      if (!pathEdge(e)) continue;
      visibleEdges++;
      any = true;
    }
    if (!any) continue;
    ctx.lineWidth = Math.max(0.6, batch.width * widthScale) * inv;
    ctx.strokeStyle = batch.style === "alert" ? "rgba(220,38,38,0.85)" : batch.style === "folded" ? "rgba(107,114,128,0.35)" : "rgba(71,85,105,0.38)";
    ctx.setLineDash(batch.style === "normal" || !dashes ? [] : [4 * inv, 3 * inv]);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const focus = st.hover >= 0 ? st.hover : st.selected;
  if (focus >= 0 && focus < scene.n) {
    ctx.strokeStyle = "rgba(234,88,12,0.85)";
    for (const e of scene.incident[focus]!) {
      ctx.beginPath();
      pathEdge(e);
      ctx.lineWidth = Math.max(2, scene.width[e]!) * inv;
      ctx.stroke();
    }
  }

  // ---- nodes, batched per kind ----
  const onScreenH = h * vp.scale;
  const visible: number[] = [];
  for (const col of scene.columns) {
    if (col.x > view.maxX || col.x + w < view.minX) continue;
    // columns are sorted by y: binary search the first visible row
    const ids = col.nodes;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (y[ids[mid]!]! + h < view.minY) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < ids.length; k++) {
      const i = ids[k]!;
      if (y[i]! > view.maxY) break;
      visible.push(i);
    }
  }
  const byKind: number[][] = KINDS.map(() => []);
  for (const i of visible) byKind[scene.kind[i]!]!.push(i);
  const detailed = onScreenH >= 6;
  byKind.forEach((list, k) => {
    if (list.length === 0) return;
    const c = KIND_COLORS[KINDS[k]!]!;
    ctx.beginPath();
    for (const i of list) ctx.rect(x[i]!, y[i]!, w, h);
    ctx.fillStyle = detailed ? c.fill : c.stroke;
    ctx.fill();
    if (detailed) {
      ctx.lineWidth = 1 * inv;
      ctx.strokeStyle = c.stroke;
      if (KINDS[k] === "FOLDED") ctx.setLineDash([3 * inv, 2 * inv]);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      for (const i of list) ctx.rect(x[i]!, y[i]!, 4, h);
      ctx.fillStyle = c.stroke;
      ctx.fill();
    }
  });
  // Audit findings (unverified runs, flagged inferences): red frame and stripe; verified runs: green stripe.
  if (detailed) {
    for (const [flag, color] of [[1, "#15803d"], [2, "#dc2626"]] as const) {
      ctx.beginPath();
      let any = false;
      for (const i of visible) {
        if (scene.flag[i] !== flag) continue;
        ctx.rect(x[i]!, y[i]!, 4, h);
        any = true;
      }
      if (!any) continue;
      ctx.fillStyle = color;
      ctx.fill();
      if (flag === 2) {
        ctx.beginPath();
        for (const i of visible) if (scene.flag[i] === 2) ctx.rect(x[i]!, y[i]!, w, h);
        ctx.lineWidth = 1.5 * inv;
        ctx.strokeStyle = color;
        ctx.stroke();
      }
    }
  }
  for (const [i, color] of [[st.selected, "#0f172a"], [st.hover, "#ea580c"]] as const) {
    if (i < 0 || i >= scene.n) continue;
    ctx.lineWidth = 2 * inv;
    ctx.strokeStyle = color;
    ctx.strokeRect(x[i]! - inv, y[i]! - inv, w + 2 * inv, h + 2 * inv);
  }

  // ---- labels (canvas text; labels were passed through the visibility transform) ----
  if (FONT_PX * vp.scale >= 7.5 && visible.length < 4000) {
    ctx.font = `${FONT_PX}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#0f172a";
    const weightW = 46;
    for (const i of visible) {
      const label = fitLabel(ctx, scene, i, w - 12 - weightW);
      ctx.fillText(label, x[i]! + 8, y[i]! + halfH);
    }
    ctx.fillStyle = "#475569";
    ctx.textAlign = "right";
    for (const i of visible) {
      const wt = scene.weights[i];
      if (wt) ctx.fillText(wt, x[i]! + w - 5, y[i]! + halfH);
    }
    ctx.textAlign = "left";
  }
  return { visibleNodes: visible.length, visibleEdges, drawMs: performance.now() - t0 };
}
