/**
 * A drawable scene: typed arrays for positions, edges grouped into batches by (width, style) so
 * the renderer strokes each batch with one path. Built once per layout; pure.
 */
import { visibleText } from "../lib/untrusted";
import type { Layout } from "./layout";
import type { LineageEdge, LineageNode } from "./types";

export const KINDS = ["CONTRIBUTOR", "CONTRIBUTION", "DATANET", "TRAINING_RUN", "MODEL", "INFERENCE", "FOLDED", "OTHER"] as const;
export const KIND_COLORS: Record<string, { stroke: string; fill: string; name: string }> = {
  CONTRIBUTOR: { stroke: "#7c3aed", fill: "#f3efff", name: "Contributor" },
  CONTRIBUTION: { stroke: "#2563eb", fill: "#eef4ff", name: "Contribution" },
  DATANET: { stroke: "#0e7490", fill: "#e8f7fa", name: "Datanet" },
  TRAINING_RUN: { stroke: "#b45309", fill: "#fdf4e6", name: "Training run" },
  MODEL: { stroke: "#15803d", fill: "#ebf8ef", name: "Model" },
  INFERENCE: { stroke: "#be185d", fill: "#fdeef5", name: "Inference" },
  FOLDED: { stroke: "#6b7280", fill: "#f3f4f6", name: "Folded group" },
  OTHER: { stroke: "#6b7280", fill: "#ffffff", name: "Other" },
};

export type EdgeStyle = "normal" | "folded" | "alert";
export interface EdgeBatch {
  width: number;
  style: EdgeStyle;
  edges: Int32Array;
}

export interface Scene {
  n: number;
  m: number;
  x: Float64Array;
  y: Float64Array;
  w: number;
  h: number;
  kind: Uint8Array;
  /** Labels after the visibility transform (canvas text is still untrusted text). */
  labels: string[];
  weights: string[];
  from: Int32Array;
  to: Int32Array;
  width: Float32Array;
  batches: EdgeBatch[];
  /** Per node: 0 nothing to say, 1 checked and fine (verified run), 2 an audit finding (unverified run, flagged inference). */
  flag: Uint8Array;
  /** Edge indices touching each node (for highlighting). */
  incident: Int32Array[];
  bounds: Layout["bounds"];
  columns: Layout["columns"];
  /** Layer (column index) of each node. */
  layer: Layout["layer"];
  nodes: LineageNode[];
}

/** Screen width of an edge: 1 px to 10 px by the square root of its share of the heaviest edge. */
export function edgeWidth(weightPpm: number, maxPpm: number): number {
  if (maxPpm <= 0 || weightPpm <= 0) return 1;
  return Math.round((1 + 9 * Math.sqrt(Math.min(1, weightPpm / maxPpm))) * 2) / 2;
}

export function shortLabel(node: LineageNode): string {
  const label = visibleText(node.label ?? "");
  const id = visibleText(node.entityId ?? "");
  switch (node.kind) {
    case "CONTRIBUTOR":
      return /^0x[0-9a-fA-F]{40}$/.test(label) ? `${label.slice(0, 8)}…${label.slice(-6)}` : label;
    case "CONTRIBUTION":
      return label && label !== id && label !== `#${id}` ? label : `Contribution #${id}`;
    case "INFERENCE": {
      const base = label && label !== id && label !== `#${id}` ? label : `Inference #${id}`;
      return node.clean === false ? `${base} ⚠ flagged` : base;
    }
    case "TRAINING_RUN": {
      const base = label || `run ${id}`;
      return node.verified === true ? `${base} ✓ verified` : node.verified === false ? `${base} ✗ unverified` : base;
    }
    default:
      return label || `#${id}`;
  }
}

/** 0 nothing to say, 1 checked and fine, 2 an audit finding. */
export function nodeFlag(node: LineageNode): number {
  if (node.kind === "TRAINING_RUN") return node.verified === true ? 1 : node.verified === false ? 2 : 0;
  if (node.kind === "INFERENCE") return node.clean === false ? 2 : 0;
  return 0;
}

/** Compact percentage for canvas labels: "60%", "6.7%", "0.05%", "<0.01%". */
export function shortPct(ppm: number): string {
  if (!(ppm > 0)) return "";
  if (ppm < 100) return "<0.01%";
  if (ppm >= 100_000) return `${Math.round(ppm / 10_000)}%`;
  if (ppm >= 10_000) return `${(Math.round(ppm / 1_000) / 10).toString()}%`;
  return `${(Math.round(ppm / 100) / 100).toString()}%`;
}

export function buildScene(nodes: LineageNode[], edges: LineageEdge[], layout: Layout): Scene {
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((nd, i) => index.set(nd.id, i));
  const kind = new Uint8Array(n);
  nodes.forEach((nd, i) => {
    const k = KINDS.indexOf(nd.kind as (typeof KINDS)[number]);
    kind[i] = k < 0 ? KINDS.length - 1 : k;
  });
  const valid = edges.filter((e) => index.has(e.from) && index.has(e.to));
  const m = valid.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const width = new Float32Array(m);
  let maxPpm = 0;
  for (const e of valid) maxPpm = Math.max(maxPpm, e.weightPpm);
  const groups = new Map<string, number[]>();
  const incidentLists: number[][] = Array.from({ length: n }, () => []);
  valid.forEach((e, i) => {
    from[i] = index.get(e.from)!;
    to[i] = index.get(e.to)!;
    width[i] = edgeWidth(e.weightPpm, maxPpm);
    const style: EdgeStyle = e.kind === "UNTRAINED" ? "alert"
      : e.kind === "FOLDED" || nodes[from[i]!]!.kind === "FOLDED" || nodes[to[i]!]!.kind === "FOLDED" || (e.kind === "RETRAINED_ON" && e.weightPpm === 0) ? "folded" : "normal";
    const key = `${width[i]}|${style}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
    incidentLists[from[i]!]!.push(i);
    incidentLists[to[i]!]!.push(i);
  });
  const batches: EdgeBatch[] = [...groups.entries()]
    .map(([key, list]) => ({ width: Number(key.split("|")[0]), style: key.split("|")[1] as EdgeStyle, edges: Int32Array.from(list) }))
    .sort((a, b) => (a.style === "alert" ? 1 : 0) - (b.style === "alert" ? 1 : 0) || a.width - b.width);
  return {
    n,
    m,
    x: layout.x,
    y: layout.y,
    w: layout.nodeW,
    h: layout.nodeH,
    kind,
    labels: nodes.map(shortLabel),
    weights: nodes.map((nd) => shortPct(nd.weightPpm)),
    flag: Uint8Array.from(nodes, nodeFlag),
    from,
    to,
    width,
    batches,
    incident: incidentLists.map((l) => Int32Array.from(l)),
    bounds: layout.bounds,
    columns: layout.columns,
    layer: layout.layer,
    nodes,
  };
}
