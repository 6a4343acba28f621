/**
 * The lineage graph: contributors → contributions → datanets → training runs → model → inferences,
 * upstream of a model (modelLineage) or downstream of a contribution, datanet or account ("where
 * this data went": contributionLineage, datanetLineage, accountLineage), drawn on a canvas with pan/zoom/pinch, hover and click; layout in a Web Worker; client-side
 * re-folding for the minimum-weight slider and top-per-hop control.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { LINEAGE_DEFAULTS, lineageQueryOf, type LineageAnswer, type LineageData, type LineageTarget } from "../api/queries";
import { useQuery } from "../api/useQuery";
import { useAsOf } from "../components/AsOf";
import { Amount, Ppm } from "../components/Amount";
import { ErrorBox, Loading } from "../components/States";
import { CleanBadge, VerifiedBadge } from "../components/Badges";
import { Untrusted } from "../components/Text";
import { formatPpm } from "../lib/amount";
import { formatInt } from "../lib/format";
import { Link, navigate } from "../router";
import { urlForLineageNode } from "../urls";
import { findFocus, foldGraph, type FoldGroup } from "./fold";
import { orientLineage } from "./orient";
import { nodeAt } from "./hittest";
import type { Layout } from "./layout";
import { LayoutClient } from "./layoutClient";
import { drawScene } from "./renderer";
import { buildScene, KIND_COLORS, type Scene } from "./scene";
import type { LineageNode } from "./types";
import { fitBounds, fittedHeight, initialView, pan, screenToWorld, visibleWorld, zoomAt, type Viewport } from "./viewport";
import { describeNode, isNavKey, moveSelection } from "./keynav";
import { LineageTable } from "./LineageTable";

/** Graphs with more edges than this draw them straight and solid while the view moves. */
const CHEAP_MOTION_EDGES = 1500;
/** How long the view must rest before the full-detail redraw. */
const MOTION_REST_MS = 120;
/** Below this canvas width (phones) the graph opens fitted whole, in a box as tall as the fitted graph. */
const NARROW_PX = 600;
const NARROW_MIN_H = 220;
const NARROW_MAX_H = 460;

/** Opening view: on a wide canvas centred on the model node (the focus) when the graph is too big to show whole; on a narrow one the whole graph. */
function startView(s: Scene, w: number, h: number, focusId: string): Viewport {
  if (w < NARROW_PX) return fitBounds(s.bounds, w, h, 12);
  const i = Math.max(0, s.nodes.findIndex((n) => n.id === focusId));
  return initialView(s.bounds, { x: (s.x[i] ?? 0) + s.w / 2, y: (s.y[i] ?? 0) + s.h / 2 }, w, h);
}

declare global {
  interface Window {
    __lineageStats?: { nodes: number; edges: number; drawMs: number; layoutMs: number; visibleNodes: number; visibleEdges: number; layoutWhere: string };
  }
}

/** Children loaded per parent and kind; the API caps this at 5000 (depth at 8, nodes at 10,000). */
export const LOAD_LIMITS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
/** Recent inferences shown right of the model (the API allows 0 to 200). */
const INFERENCE_COUNTS = [0, 20, 50, 200];
const TOPK = [Infinity, 50, 20, 10, 5, 3];
/** Slider position 0..100 -> minimum weight in ppm (quadratic: fine control near zero, up to 20 %). */
export const sliderToPpm = (v: number) => Math.round((v / 100) ** 2 * 200_000);

/** What the graph is about: a model (upstream), or a contribution, datanet or account (downstream). */
export function LineageGraph({ target }: { target: LineageTarget }) {
  const [limit, setLimit] = useState<number>(LINEAGE_DEFAULTS.limit);
  const [recentInferences, setRecentInferences] = useState<number>(LINEAGE_DEFAULTS.recentInferences);
  const { variable: block } = useAsOf();
  const { query, variables, pick } = lineageQueryOf(target);
  const q = useQuery<LineageData>(query, { ...variables, depth: LINEAGE_DEFAULTS.depth, limit, minWeightPpm: LINEAGE_DEFAULTS.minWeightPpm, recentInferences, block });
  const lineage: LineageAnswer | null | undefined = q.data ? pick(q.data) : undefined;
  const downstream = target.kind !== "model";
  const [slider, setSlider] = useState(0);
  const [topK, setTopK] = useState(Infinity);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [showTable, setShowTable] = useState(false);
  const minWeightPpm = sliderToPpm(slider);

  const focusId = useMemo(() => (!lineage ? null : lineage.rootId ?? findFocus(lineage, target.id)), [lineage, target.id]);
  const oriented = useMemo(() => (lineage && focusId ? orientLineage(lineage, focusId, { downstream }) : null), [lineage, focusId, downstream]);
  const folded = useMemo(() => {
    if (!oriented || !focusId) return null;
    return foldGraph(oriented, { focusId, topK, minWeightPpm, expanded });
  }, [oriented, focusId, topK, minWeightPpm, expanded]);

  const expand = useCallback(
    (parentId: string, group?: FoldGroup) => {
      setExpanded((s) => new Set([...s, parentId]));
      if (group?.fromServer) setLimit((l) => LOAD_LIMITS.find((x) => x > l) ?? l);
    },
    [],
  );

  if (q.error && !lineage) return <ErrorBox error={q.error} retry={q.refetch} />;
  if (!q.data) return <Loading what="Loading lineage" />;
  // Downstream, a root alone: no inference has attributed its data (yet, or as of the page's block).
  if (!lineage || !focusId || !folded || (downstream && lineage.nodes.length <= 1)) return <div className="state empty">{downstream ? "No inference has attributed this data yet." : "No lineage for this model yet."}</div>;
  const nextLimit = LOAD_LIMITS.find((x) => x > limit);
  const canLoadMore = nextLimit !== undefined && lineage.foldedNodes > 0 && !lineage.truncated;

  return (
    <div className="lineage">
      <div className="lineage-controls">
        <label>
          Min weight <strong className="num">{formatPpm(minWeightPpm)}</strong>
          <input type="range" min={0} max={100} value={slider} onChange={(e) => setSlider(Number(e.target.value))} aria-label="Minimum edge weight" />
        </label>
        <label>
          Top per hop
          <select value={String(topK)} onChange={(e) => setTopK(Number(e.target.value))}>
            {TOPK.map((k) => <option key={k} value={String(k)}>{k === Infinity ? "all loaded" : k}</option>)}
          </select>
        </label>
        <label>
          Load per hop
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LOAD_LIMITS.map((k) => <option key={k} value={k}>{formatInt(k)}</option>)}
          </select>
        </label>
        <label>
          Inferences
          <select value={recentInferences} onChange={(e) => setRecentInferences(Number(e.target.value))} aria-label="Recent inferences shown">
            {INFERENCE_COUNTS.map((k) => <option key={k} value={k}>{k === 0 ? "none" : `newest ${k}`}</option>)}
          </select>
        </label>
        {canLoadMore ? (
          <button type="button" onClick={() => setLimit(nextLimit!)} disabled={q.loading} title="Ask the server for more children per node">
            Load more ({formatInt(nextLimit!)} per hop)
          </button>
        ) : null}
        {expanded.size > 0 ? <button type="button" onClick={() => setExpanded(new Set())}>Collapse all</button> : null}
        <span className="muted small">
          {formatInt(folded.nodes.length)} nodes · {formatInt(folded.edges.length)} edges
          {lineage.foldedNodes ? ` · server folded ${formatInt(lineage.foldedNodes)}` : ""}
          {lineage.truncated ? " · cut at the server's node cap (10,000)" : ""}
          {` · ${formatInt(lineage.inferenceCount)} inferences`}
          {q.loading ? " · refreshing…" : ""}
        </span>
      </div>
      <GraphCanvas nodes={folded.nodes} edges={folded.edges} folds={folded.folds} onExpand={expand} focusId={focusId} />
      <div className="lineage-table-toggle">
        <button type="button" aria-expanded={showTable} aria-controls="lineage-table" onClick={() => setShowTable((v) => !v)}>
          {showTable ? "Hide table view" : "Table view"} <span className="muted small">({formatInt(folded.nodes.length)} nodes, {formatInt(folded.edges.length)} edges)</span>
        </button>
      </div>
      {showTable ? <div id="lineage-table"><LineageTable nodes={folded.nodes} edges={folded.edges} folds={folded.folds} onExpand={expand} /></div> : <div id="lineage-table" hidden />}
      <div className="legend">
        {Object.entries(KIND_COLORS).filter(([k]) => folded.nodes.some((n) => n.kind === k)).map(([k, c]) => (
          <span key={k} className={`lg-kind kind-${k.toLowerCase()}`}>{c.name}</span>
        ))}
        {folded.edges.some((e) => e.kind === "UNTRAINED") ? <span className="lg-alert small">Untrained datanet (audit finding)</span> : null}
        {folded.nodes.some((n) => n.kind === "TRAINING_RUN" && n.verified === true) ? <span className="lg-flag ok small">✓ Verified training run</span> : null}
        {folded.nodes.some((n) => n.kind === "TRAINING_RUN" && n.verified === false) ? <span className="lg-flag small">✗ Unverified training run</span> : null}
        {folded.nodes.some((n) => n.kind === "INFERENCE" && n.clean === false) ? <span className="lg-flag small">⚠ Flagged inference</span> : null}
        {folded.edges.some((e) => e.kind === "RETRAINED_ON" && e.weightPpm === 0) ? <span className="muted small">Dotted run → datanet: nothing drew on that run for that datanet (a later run took over, or no inference came)</span> : null}
        <span className="muted small">Edge width = share of attribution weight. Drag to pan, wheel or pinch to zoom, click a node for details, double-click to open it. Keyboard: arrows move the selection (left and right along the edges, up and down within a column), Enter opens it, Escape clears it, Shift+arrows pan, + and − zoom, 0 fits.</span>
      </div>
    </div>
  );
}

interface CanvasProps {
  nodes: LineageNode[];
  edges: import("./types").LineageEdge[];
  folds: Map<string, FoldGroup>;
  onExpand: (parentId: string, group?: FoldGroup) => void;
  focusId: string;
}

function GraphCanvas({ nodes, edges, folds, onExpand, focusId }: CanvasProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const clientRef = useRef<LayoutClient | null>(null);
  const [scene, setScene] = useState<Scene | null>(null);
  const [layoutInfo, setLayoutInfo] = useState<{ ms: number; where: string } | null>(null);
  const [busy, setBusy] = useState(true);
  /** Set on narrow canvases once laid out: the box takes the fitted graph's height. */
  const [boxHeight, setBoxHeight] = useState<number | null>(null);
  const vpRef = useRef<Viewport>({ scale: 1, tx: 0, ty: 0 });
  const sizeRef = useRef({ w: 0, h: 0, dpr: 1 });
  const hoverRef = useRef(-1);
  const [hover, setHover] = useState<{ i: number; sx: number; sy: number } | null>(null);
  const [selected, setSelected] = useState(-1);
  /** What the live region says: the node the keyboard selected. */
  const [said, setSaid] = useState("");
  const frame = useRef(0);
  // Set while the view pans or zooms, cleared once it rests for MOTION_REST_MS (then a full redraw).
  const moving = useRef(false);
  const restTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    clientRef.current = new LayoutClient();
    return () => clientRef.current?.dispose();
  }, []);

  // Lay out off the main thread whenever the (folded) graph changes.
  useEffect(() => {
    let live = true;
    setBusy(true);
    const client = clientRef.current ?? new LayoutClient();
    client
      .run(nodes.map((n) => ({ id: n.id, kind: n.kind, weightPpm: n.weightPpm })), edges.map((e) => ({ from: e.from, to: e.to })))
      .then(({ layout, ms, where }: { layout: Layout; ms: number; where: string }) => {
        if (!live) return;
        const s = buildScene(nodes, edges, layout);
        const { w, h } = sizeRef.current;
        const narrow = w > 0 && w < NARROW_PX;
        const height = narrow ? fittedHeight(s.bounds, w, NARROW_MIN_H, NARROW_MAX_H) : h;
        vpRef.current = startView(s, w || 800, height || 500, focusId);
        setBoxHeight(narrow ? height : null);
        setSelected(-1);
        setSaid("");
        setHover(null);
        hoverRef.current = -1;
        setLayoutInfo({ ms, where });
        setScene(s);
        setBusy(false);
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodes, edges]);

  const draw = useCallback(() => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !scene) return;
    const { w, h, dpr } = sizeRef.current;
    const stats = drawScene(ctx, scene, vpRef.current, w, h, dpr, { hover: hoverRef.current, selected, moving: moving.current && scene.m > CHEAP_MOTION_EDGES });
    canvas.dataset.nodeCount = String(scene.n);
    canvas.dataset.edgeCount = String(scene.m);
    canvas.dataset.drawMs = stats.drawMs.toFixed(2);
    window.__lineageStats = {
      nodes: scene.n, edges: scene.m, drawMs: stats.drawMs, layoutMs: layoutInfo?.ms ?? 0,
      visibleNodes: stats.visibleNodes, visibleEdges: stats.visibleEdges, layoutWhere: layoutInfo?.where ?? "",
    };
  }, [scene, selected, layoutInfo]);

  // The frame always runs the latest draw (scene, selection), whichever render requested it.
  const drawRef = useRef(draw);
  drawRef.current = draw;
  const requestDraw = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(() => drawRef.current());
  }, []);

  /** The view moved: draw it now in motion style, and in full once it has rested. */
  const viewMoved = useCallback(() => {
    moving.current = true;
    clearTimeout(restTimer.current);
    restTimer.current = setTimeout(() => {
      moving.current = false;
      requestDraw();
    }, MOTION_REST_MS);
    requestDraw();
  }, [requestDraw]);

  useEffect(() => {
    requestDraw();
  }, [draw, requestDraw]);
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      clearTimeout(restTimer.current);
      frame.current = 0;
    },
    [],
  );

  // Size the canvas to its box, in device pixels.
  useEffect(() => {
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!wrap || !canvas) return;
    const resize = () => {
      const r = wrap.getBoundingClientRect();
      const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
      const first = sizeRef.current.w === 0;
      const pw = Math.round(r.width * dpr);
      const ph = Math.round(r.height * dpr);
      sizeRef.current = { w: r.width, h: r.height, dpr };
      if (canvas.width !== pw || canvas.height !== ph) {
        // Resizing clears the bitmap: redraw in the same task so no blank frame is ever shown.
        canvas.width = pw;
        canvas.height = ph;
        canvas.style.width = `${r.width}px`;
        canvas.style.height = `${r.height}px`;
        if (first && scene) vpRef.current = startView(scene, r.width, r.height, focusId);
        drawRef.current();
      }
    };
    resize();
    const ro = new ResizeObserver(resize);
    ro.observe(wrap);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [requestDraw, scene]);

  // Wheel zoom (non-passive so the page does not scroll).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      vpRef.current = zoomAt(vpRef.current, e.clientX - r.left, e.clientY - r.top, factor);
      viewMoved();
    };
    canvas.addEventListener("wheel", onWheel, { passive: false });
    return () => canvas.removeEventListener("wheel", onWheel);
  }, [viewMoved]);

  // Pointer: drag to pan, two pointers to pinch, tap/click to select, hover to inspect.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const moved = useRef(0);
  const pick = (sx: number, sy: number) => {
    if (!scene) return -1;
    const p = screenToWorld(vpRef.current, sx, sy);
    return nodeAt({ columns: scene.columns, y: scene.y, nodeW: scene.w, nodeH: scene.h }, p.x, p.y);
  };
  const local = (e: React.PointerEvent | React.MouseEvent) => {
    const r = canvasRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, local(e));
    moved.current = 0;
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const p = local(e);
    const ps = pointers.current;
    const prev = ps.get(e.pointerId);
    if (prev && ps.size === 1) {
      vpRef.current = pan(vpRef.current, p.x - prev.x, p.y - prev.y);
      moved.current += Math.abs(p.x - prev.x) + Math.abs(p.y - prev.y);
      ps.set(e.pointerId, p);
      viewMoved();
      return;
    }
    if (prev && ps.size === 2) {
      const other = [...ps.entries()].find(([id]) => id !== e.pointerId)![1];
      const d0 = Math.hypot(prev.x - other.x, prev.y - other.y);
      const d1 = Math.hypot(p.x - other.x, p.y - other.y);
      const mx = (p.x + other.x) / 2;
      const my = (p.y + other.y) / 2;
      if (d0 > 0) vpRef.current = zoomAt(vpRef.current, mx, my, d1 / d0);
      vpRef.current = pan(vpRef.current, (p.x - prev.x) / 2, (p.y - prev.y) / 2);
      moved.current += 10;
      ps.set(e.pointerId, p);
      viewMoved();
      return;
    }
    const i = pick(p.x, p.y);
    if (i !== hoverRef.current) {
      hoverRef.current = i;
      requestDraw();
    }
    setHover(i >= 0 ? { i, sx: p.x, sy: p.y } : null);
  };
  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const p = local(e);
    const wasTap = pointers.current.size === 1 && moved.current < 5;
    pointers.current.delete(e.pointerId);
    if (!wasTap || !scene) return;
    const i = pick(p.x, p.y);
    if (i < 0) {
      setSelected(-1);
      return;
    }
    const node = scene.nodes[i]!;
    const group = folds.get(node.id);
    if (group) onExpand(group.parentId, group);
    else setSelected(i);
  };
  const open = (i: number) => {
    const node = i >= 0 ? scene?.nodes[i] : undefined;
    if (!node) return;
    const group = folds.get(node.id);
    if (group) return onExpand(group.parentId, group);
    const url = urlForLineageNode(node.kind, node.entityId);
    if (url) navigate(url);
  };
  const onDoubleClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const p = local(e);
    const i = pick(p.x, p.y);
    if (i >= 0 && !folds.has(scene!.nodes[i]!.id)) open(i);
  };
  const onLeave = () => {
    hoverRef.current = -1;
    setHover(null);
    requestDraw();
  };
  const zoomBy = (f: number) => {
    const { w, h } = sizeRef.current;
    vpRef.current = zoomAt(vpRef.current, w / 2, h / 2, f);
    requestDraw();
  };
  const fit = () => {
    if (!scene) return;
    vpRef.current = fitBounds(scene.bounds, sizeRef.current.w, sizeRef.current.h);
    requestDraw();
  };
  /** Selects node i from the keyboard: announced, and brought into view (legible) when off screen. */
  const select = (i: number) => {
    if (!scene || i < 0) return;
    setSelected(i);
    const node = scene.nodes[i]!;
    setSaid(describeNode(node, scene.incident[i]!.length, urlForLineageNode(node.kind, node.entityId) !== null));
    const { w, h } = sizeRef.current;
    const v = visibleWorld(vpRef.current, w, h);
    const x = scene.x[i]!;
    const y = scene.y[i]!;
    if (x >= v.minX && x + scene.w <= v.maxX && y >= v.minY && y + scene.h <= v.maxY) return;
    const scale = Math.max(vpRef.current.scale, Math.min(1, w / (scene.w * 2.2)));
    vpRef.current = { scale, tx: w / 2 - (x + scene.w / 2) * scale, ty: h / 2 - (y + scene.h / 2) * scale };
    viewMoved();
  };
  const onKey = (e: React.KeyboardEvent) => {
    const step = 60;
    const k = e.key;
    if (k === "+" || k === "=") zoomBy(1.25);
    else if (k === "-") zoomBy(0.8);
    else if (k === "0") fit();
    else if (e.shiftKey && k === "ArrowLeft") vpRef.current = pan(vpRef.current, step, 0);
    else if (e.shiftKey && k === "ArrowRight") vpRef.current = pan(vpRef.current, -step, 0);
    else if (e.shiftKey && k === "ArrowUp") vpRef.current = pan(vpRef.current, 0, step);
    else if (e.shiftKey && k === "ArrowDown") vpRef.current = pan(vpRef.current, 0, -step);
    else if (isNavKey(k) && scene) {
      const start = Math.max(0, scene.nodes.findIndex((n) => n.id === focusId));
      select(moveSelection(scene, selected, k, start));
    } else if (k === "Enter" && selected >= 0) open(selected);
    else if (k === "Escape" && selected >= 0) {
      setSelected(-1);
      setSaid("Selection cleared.");
    } else return;
    e.preventDefault();
    requestDraw();
  };

  const sel = scene && selected >= 0 ? scene.nodes[selected] : undefined;
  const hov = scene && hover ? scene.nodes[hover.i] : undefined;
  const selHasFold = sel ? [...folds.values()].find((f) => f.parentId === sel.id) : undefined;
  return (
    <div className="graph-area">
      <div className="graph-main">
        <div className="graph-tools">
          <span className="muted small graph-hint" id="graph-keys">Focus the graph, then use the arrow keys and Enter.</span>
          <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">+</button>
          <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">−</button>
          <button type="button" onClick={fit} aria-label="Fit to view">Fit</button>
        </div>
        <div className="graph-wrap" ref={wrapRef} style={boxHeight ? { height: `${boxHeight}px` } : undefined}>
          <canvas
            ref={canvasRef}
            className="graph-canvas"
            tabIndex={0}
            role="application"
            aria-roledescription="lineage graph"
            aria-label={`Lineage graph, ${scene?.n ?? 0} nodes and ${scene?.m ?? 0} edges`}
            aria-describedby="graph-keys-full"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={(e) => pointers.current.delete(e.pointerId)}
            onPointerLeave={onLeave}
            onDoubleClick={onDoubleClick}
            onKeyDown={onKey}
          />
          <span id="graph-keys-full" hidden>
            Arrow keys move the selection: right and left along the edges, up and down within a column. Enter opens the selected node, Escape clears the selection. Shift with the arrows pans, plus and minus zoom, 0 fits the whole graph. The table view below lists the same nodes and edges.
          </span>
          {busy ? <div className="graph-busy"><span className="spinner" aria-hidden="true" /> Laying out {formatInt(nodes.length)} nodes…</div> : null}
          {hov && hover ? (
            <div className="graph-tip" aria-hidden="true" style={{ left: `${Math.max(0, Math.min(hover.sx + 14, (sizeRef.current.w || 600) - 260))}px`, top: `${hover.sy + 14}px` }}>
              <div className="tip-kind">{KIND_COLORS[hov.kind]?.name ?? hov.kind}</div>
              <div className="tip-label"><Untrusted value={hov.label} max={60} copy={false} /></div>
              <div className="small">weight <Ppm value={hov.weightPpm} /> · <Amount value={hov.amount} /></div>
            </div>
          ) : null}
        </div>
        <div className="sr-only" role="status" aria-live="polite" data-testid="graph-announce">{said}</div>
      </div>
      {sel ? (
        <aside className="graph-panel" aria-label="Selected node">
          <div className="tip-kind">{KIND_COLORS[sel.kind]?.name ?? sel.kind}</div>
          <div className="panel-label"><Untrusted value={sel.label} max={80} /></div>
          <dl className="kv compact">
            <div className="kv-row"><dt>Weight</dt><dd><Ppm value={sel.weightPpm} /></dd></div>
            <div className="kv-row"><dt>{sel.kind === "INFERENCE" ? "Fee" : "Amount"}</dt><dd><Amount value={sel.amount} /></dd></div>
            {sel.kind === "TRAINING_RUN" && typeof sel.verified === "boolean" ? <div className="kv-row"><dt>Check</dt><dd><VerifiedBadge verified={sel.verified} /></dd></div> : null}
            {sel.kind === "INFERENCE" && typeof sel.clean === "boolean" ? <div className="kv-row"><dt>Audit</dt><dd><CleanBadge clean={sel.clean} /></dd></div> : null}
          </dl>
          <div className="panel-actions">
            {urlForLineageNode(sel.kind, sel.entityId) ? <Link to={urlForLineageNode(sel.kind, sel.entityId)!} className="button">Open page</Link> : null}
            {selHasFold ? <button type="button" onClick={() => onExpand(sel.id, selHasFold)}>Expand {formatInt(selHasFold.count)} hidden</button> : null}
            <button type="button" onClick={() => setSelected(-1)}>Close</button>
          </div>
        </aside>
      ) : null}
    </div>
  );
}
