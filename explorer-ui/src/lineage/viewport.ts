/** Pan/zoom maths for the canvas: screen = world * scale + (tx, ty). Pure. */

export interface Viewport {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 0.002;
export const MAX_SCALE = 8;

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

/** Fits world bounds into a width×height screen with padding, never zooming in past `maxFit`. */
export function fitBounds(b: Rect, width: number, height: number, padding = 24, maxFit = 1.25): Viewport {
  const w = Math.max(1, b.maxX - b.minX);
  const h = Math.max(1, b.maxY - b.minY);
  const scale = clampScale(Math.min((width - 2 * padding) / w, (height - 2 * padding) / h, maxFit));
  return {
    scale,
    tx: (width - w * scale) / 2 - b.minX * scale,
    ty: (height - h * scale) / 2 - b.minY * scale,
  };
}

/** Zooms by `factor` keeping the world point under screen (sx, sy) fixed. */
export function zoomAt(v: Viewport, sx: number, sy: number, factor: number): Viewport {
  const scale = clampScale(v.scale * factor);
  const k = scale / v.scale;
  return { scale, tx: sx - (sx - v.tx) * k, ty: sy - (sy - v.ty) * k };
}

export function pan(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, tx: v.tx + dx, ty: v.ty + dy };
}

export function screenToWorld(v: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.tx) / v.scale, y: (sy - v.ty) / v.scale };
}

export function worldToScreen(v: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: x * v.scale + v.tx, y: y * v.scale + v.ty };
}

/** The world rectangle visible on a width×height screen. */
export function visibleWorld(v: Viewport, width: number, height: number): Rect {
  const a = screenToWorld(v, 0, 0);
  const b = screenToWorld(v, width, height);
  return { minX: a.x, minY: a.y, maxX: b.x, maxY: b.y };
}

/**
 * First view of a graph: the whole graph when it fits legibly; otherwise every column across the
 * width at a readable scale, centred vertically on the focus point (the model).
 */
export function initialView(b: Rect, focus: { x: number; y: number }, width: number, height: number, padding = 24, minLegible = 0.7, focusHalfWidth = 84): Viewport {
  const all = fitBounds(b, width, height, padding);
  if (all.scale >= minLegible) return all;
  const scale = clampScale(Math.min(1, Math.max(minLegible, (width - 2 * padding) / Math.max(1, b.maxX - b.minX))));
  const w = (b.maxX - b.minX) * scale;
  // Narrow screens: keep the focus (and what feeds it, to its left) in view.
  const tx = w < width ? (width - w) / 2 - b.minX * scale : Math.max(width - w - b.minX * scale, Math.min(padding - b.minX * scale, width - padding - (focus.x + focusHalfWidth) * scale));
  return { scale, tx, ty: height / 2 - focus.y * scale };
}

/** Height of a box `width` wide that shows the bounds fitted with `padding`, held within [min, max]. */
export function fittedHeight(b: Rect, width: number, min: number, max: number, padding = 12): number {
  const w = Math.max(1, b.maxX - b.minX);
  const h = Math.max(1, b.maxY - b.minY);
  return Math.round(Math.min(max, Math.max(min, (h * (width - 2 * padding)) / w + 2 * padding)));
}
