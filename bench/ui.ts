/**
 * npm run bench:ui -- [--runs 3] [--no-warmup] [--sizes 500,5000,10000] [--no-real] [--scale medium] [--seed 42] [--seconds 2]
 *
 * Headless chromium (Debian's, via playwright-core) on the production build of the explorer:
 * - the time from navigation start to the lineage graph's first draw with all its nodes (the
 *   canvas's draw writes window.__lineageStats; an init script stamps the first such write);
 * - the frame rate while dragging (pan) and wheeling (zoom): requestAnimationFrame callbacks per
 *   second during scripted input, and how many of those frames redrew the graph.
 * Graphs of exactly 500, 5,000 and 10,000 nodes come from the mock server's canned lineage
 * (explorer-ui/e2e/fixtures.ts generateLineage); the real graph is the busiest model of the cached
 * scenario served by `ponder serve` (as large as the explorer's default query makes it).
 * Writes bench/results/ui.json.
 */
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { buildExplorer } from "../runtime/explorer.js";
import { SCALES, type Scale } from "../sim/index.js";
import { cacheDir, ensureChain, replayChain } from "./lib/chain.js";
import { onCleanup, withCleanup } from "./lib/cleanup.js";
import { ensureDatabase } from "./lib/ponderRun.js";
import { updateReadme } from "./lib/table.js";
import { fmt, header, printHeader, resultName, summarize, writeResult, wroteLine, type Summary } from "./lib/report.js";
import { ADMIN_URL, ensureIndexed, serveIndex } from "./lib/served.js";
import { MOCK_MODEL_ID, startUiMock } from "./lib/uiMock.js";

const DEFAULT_SIZES = "500,5000,10000";
const USAGE = "usage: npm run bench:ui -- [--runs N] [--no-warmup] [--sizes 500,5000,10000] [--no-real] [--scale tiny|small|medium] [--seed N] [--seconds N]";
const GOALS = { drawMs5000: 2000, panFps: 30 };
const VIEWPORT = { width: 1280, height: 900 };

declare global {
  interface Window {
    __bench?: { firstDrawAt?: number; firstNodes?: number; draws: number; drawMsSum: number; want: number };
    __fps?: { on: boolean; frames: number; start: number; draws0: number; drawMs0: number };
  }
}

/**
 * Stamps the first draw of the whole graph, and counts draws, through a setter on window.__lineageStats.
 * In-page code is kept as text: tsx's transform would wrap functions in a helper the page lacks.
 */
const INIT = (want: number) => `(() => {
  let value;
  const b = (window.__bench = { draws: 0, drawMsSum: 0, want: ${want} });
  Object.defineProperty(window, "__lineageStats", {
    configurable: true,
    get() { return value; },
    set(v) {
      value = v;
      if (!v) return;
      b.draws++;
      b.drawMsSum += v.drawMs;
      if (b.firstDrawAt === undefined && v.nodes > 0 && (b.want === 0 || v.nodes === b.want)) {
        b.firstDrawAt = performance.now();
        b.firstNodes = v.nodes;
      }
    },
  });
})();`;

/**
 * Moves the graph on every animation frame for `ms` (pan: a pointermove of the pointer pressed by
 * a real mouse-down; zoom: a wheel event), counting frames and the graph's redraws: the frame rate
 * the page sustains while the graph moves every frame.
 */
const DRIVE = (mode: "pan" | "zoom" | "idle", ms: number) => `(async () => {
  const c = document.querySelector("canvas.graph-canvas");
  const r = c.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const b = window.__bench, d0 = b.draws, m0 = b.drawMsSum;
  let frames = 0;
  const t0 = performance.now(), end = t0 + ${ms};
  await new Promise((resolve) => {
    function frame(now) {
      frames++;
      if (now >= end) return resolve();
      const a = frames * 0.12;
      if ("${mode}" === "pan") c.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, cancelable: true, pointerId: 1, pointerType: "mouse", isPrimary: true, buttons: 1, clientX: cx + Math.cos(a) * 150, clientY: cy + Math.sin(a) * 100 }));
      if ("${mode}" === "zoom") c.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, deltaY: frames % 40 < 20 ? -40 : 40, clientX: cx, clientY: cy }));
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  });
  const s = (performance.now() - t0) / 1000, draws = b.draws - d0;
  return { fps: frames / s, redrawsPerSecond: draws / s, meanDrawMs: draws ? (b.drawMsSum - m0) / draws : null };
})()`;

interface RunResult {
  drawnMs: number;
  nodes: number;
  edges: number;
  layoutMs: number;
  firstDrawMs: number;
  idleFps: number;
  pan: Fps;
  zoom: Fps;
  panWhole: Fps;
  wholeVisibleNodes: number;
}
interface Fps { fps: number; redrawsPerSecond: number; meanDrawMs: number | null }

async function measure(browser: Browser, url: string, want: number, seconds: number): Promise<RunResult> {
  const ctx = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.addInitScript(INIT(want));
    await page.goto(url, { waitUntil: "commit" });
    // Polled from here (the stamp itself is taken in the page): the strict CSP forbids string predicates.
    const deadline = Date.now() + 120_000;
    while (!(await page.evaluate("window.__bench?.firstDrawAt !== undefined"))) {
      if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);
      if (Date.now() > deadline) throw new Error(`the lineage graph at ${url} was not drawn${want ? ` with ${want} nodes` : ""} within 120 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const first = (await page.evaluate("({ at: window.__bench.firstDrawAt, n: window.__bench.firstNodes, s: window.__lineageStats })")) as { at: number; n: number; s: NonNullable<Window["__lineageStats"]> };
    if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);

    const canvas = page.locator("canvas.graph-canvas");
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error("the lineage canvas has no box");
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const ms = seconds * 1000;
    const drive = async (mode: "pan" | "zoom" | "idle") => {
      if (mode === "pan") {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
      }
      try {
        return (await page.evaluate(DRIVE(mode, ms))) as Fps;
      } finally {
        if (mode === "pan") await page.mouse.up();
      }
    };
    const idle = await drive("idle");
    const pan = await drive("pan");
    if (!(pan.redrawsPerSecond > 0)) throw new Error("panning did not redraw the graph: the benchmark's pointer events no longer reach the canvas");
    const zoom = await drive("zoom");
    await page.getByRole("button", { name: "Fit to view" }).click();
    await page.waitForTimeout(100);
    const whole = (await page.evaluate("window.__lineageStats?.visibleNodes ?? 0")) as number;
    const panWhole = await drive("pan");
    if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);
    return {
      drawnMs: first.at,
      nodes: first.n,
      edges: first.s.edges,
      layoutMs: first.s.layoutMs,
      firstDrawMs: first.s.drawMs,
      idleFps: idle.fps,
      pan,
      zoom,
      panWhole,
      wholeVisibleNodes: whole,
    };
  } finally {
    await ctx.close();
  }
}

runMain(
  () =>
    withCleanup(async () => {
      const flags = parseFlags(process.argv.slice(2), ["no-warmup", "no-real"]);
      for (const k of Object.keys(flags)) if (!["runs", "no-warmup", "sizes", "no-real", "scale", "seed", "seconds"].includes(k)) throw new UsageError(`unknown option --${k}`);
      const runs = Number(flags.runs ?? 3);
      const seconds = Number(flags.seconds ?? 2);
      const sizes = String(flags.sizes ?? DEFAULT_SIZES).split(",").map(Number);
      const scale = String(flags.scale ?? "medium") as Scale;
      const seed = Number(flags.seed ?? 42);
      if (!Number.isSafeInteger(runs) || runs < 1) throw new UsageError("--runs must be a positive integer");
      if (!(seconds > 0)) throw new UsageError("--seconds must be positive");
      if (sizes.some((n) => !Number.isSafeInteger(n) || n < 100)) throw new UsageError("--sizes takes node counts of at least 100, comma-separated");
      if (!SCALES.includes(scale) || scale === "large") throw new UsageError("--scale must be tiny, small or medium");
      const warmup = flags["no-warmup"] !== true;
      const real = flags["no-real"] !== true;

      const h = header("ui");
      printHeader(h);
      const dist = join(cacheDir, "ui-dist");
      const t = performance.now();
      await buildExplorer(dist);
      console.log(`# explorer built (production) into ${dist} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      const cases: { name: string; source: "canned (mock server)" | "real (ponder serve)"; url: string; want: number; before?: () => void }[] = [];
      const mock = await startUiMock(dist);
      onCleanup(() => mock.close());
      for (const n of sizes) cases.push({ name: `${n.toLocaleString("en-US")} nodes`, source: "canned (mock server)", url: `${mock.url}/model/${MOCK_MODEL_ID}`, want: n, before: () => mock.setNodes(n) });

      if (real) {
        const chain = await ensureChain(scale, seed);
        const anvil = await replayChain(chain);
        const dbUrl = await ensureDatabase(ADMIN_URL, `bench_${chain.key}`);
        await ensureIndexed(chain, anvil.rpcUrl, anvil.head, dbUrl);
        const server = await serveIndex(chain, anvil.rpcUrl, dbUrl, { EXPLORER_DIR: dist });
        await anvil.stop(10_000);
        const top = (await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ topModels(limit: 1) { id name inferenceCount } }" }) }).then((r) => r.json())) as { data?: { topModels: { id: string; name: string }[] } };
        const model = top.data?.topModels[0];
        if (!model) throw new Error(`the served index has no models: ${JSON.stringify(top).slice(0, 300)}`);
        cases.push({ name: `real model #${model.id}`, source: "real (ponder serve)", url: `${server.url}/model/${model.id}`, want: 0 });
        h.notes.push(`real data: the ${scale} scenario (seed ${seed}), model #${model.id} (most inferences), at the explorer's default lineage query; its node count is whatever that query returns`);
      }

      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
      onCleanup(() => browser.close());
      const results: Record<string, unknown>[] = [];
      for (const c of cases) {
        c.before?.();
        const rs: RunResult[] = [];
        for (let r = 0; r < (warmup ? 1 : 0) + runs; r++) {
          const x = await measure(browser, c.url, c.want, seconds);
          const label = warmup && r === 0 ? "warm-up" : `run ${warmup ? r : r + 1}`;
          console.log(
            `${c.name.padEnd(18)} ${label.padEnd(8)} drawn ${x.drawnMs.toFixed(0)} ms after navigation (${x.nodes} nodes, ${x.edges} edges; layout ${x.layoutMs.toFixed(0)} ms, first draw ${x.firstDrawMs.toFixed(1)} ms)  ` +
              `idle ${x.idleFps.toFixed(0)} fps; pan ${x.pan.fps.toFixed(0)} fps (${x.pan.redrawsPerSecond.toFixed(0)} redraws/s, ${x.pan.meanDrawMs?.toFixed(1)} ms each); zoom ${x.zoom.fps.toFixed(0)} fps; pan whole graph (${x.wholeVisibleNodes} visible) ${x.panWhole.fps.toFixed(0)} fps (${x.panWhole.meanDrawMs?.toFixed(1)} ms/draw)`,
          );
          if (!(warmup && r === 0)) rs.push(x);
        }
        const s = (f: (x: RunResult) => number) => summarize(rs.map(f));
        results.push({
          case: c.name,
          source: c.source,
          nodes: rs[0]!.nodes,
          edges: rs[0]!.edges,
          drawnMs: s((x) => x.drawnMs),
          layoutMs: s((x) => x.layoutMs),
          firstDrawMs: s((x) => x.firstDrawMs),
          idleFps: s((x) => x.idleFps),
          panFps: s((x) => x.pan.fps),
          panRedrawsPerSecond: s((x) => x.pan.redrawsPerSecond),
          zoomFps: s((x) => x.zoom.fps),
          panWholeGraphFps: s((x) => x.panWhole.fps),
          panWholeGraphDrawMs: s((x) => x.panWhole.meanDrawMs ?? NaN),
          runs: rs,
        });
      }
      await browser.close();

      console.log(`\nmedian (min–max) of ${runs} run(s)${warmup ? " after a warm-up" : ""}; viewport ${VIEWPORT.width}×${VIEWPORT.height}; ${seconds} s of input per measure`);
      console.log("graph                source                 nodes   drawn after nav ms   pan fps        zoom fps       pan fps, whole graph visible");
      for (const r of results as { case: string; source: string; nodes: number; drawnMs: Summary; panFps: Summary; zoomFps: Summary; panWholeGraphFps: Summary }[]) {
        console.log(`${r.case.padEnd(20)} ${r.source.padEnd(22)} ${String(r.nodes).padStart(6)}   ${fmt(r.drawnMs).padEnd(20)} ${fmt(r.panFps).padEnd(14)} ${fmt(r.zoomFps).padEnd(14)} ${fmt(r.panWholeGraphFps)}`);
      }
      const r5k = (results as { nodes: number; source: string; drawnMs: Summary; panFps: Summary; panWholeGraphFps: Summary }[]).find((r) => r.nodes === 5000 && r.source.startsWith("canned"));
      const worstPan = Math.min(...(results as { panFps: Summary }[]).map((r) => r.panFps.median));
      const worstPanWhole = Math.min(...(results as { panWholeGraphFps: Summary }[]).map((r) => r.panWholeGraphFps.median));
      const goals = {
        drawn5000: r5k ? { goal: `< ${GOALS.drawMs5000} ms`, value: Math.round(r5k.drawnMs.median), met: r5k.drawnMs.median < GOALS.drawMs5000 } : null,
        panFps: { goal: `>= ${GOALS.panFps} (every graph, opening view)`, value: Math.round(worstPan), met: worstPan >= GOALS.panFps },
        panFpsWholeGraph: { goal: `>= ${GOALS.panFps} (every graph, whole graph on screen)`, value: Math.round(worstPanWhole), met: worstPanWhole >= GOALS.panFps },
      };
      console.log(`goals: ${Object.entries(goals).filter(([, g]) => g).map(([k, g]) => `${k} ${g!.value} (${g!.goal}) ${g!.met ? "met" : "MISSED"}`).join("; ")}`);
      h.notes.push("chromium flags: --headless --no-sandbox --disable-gpu --disable-background-networking (software rasterisation); device scale factor 1");
      h.notes.push("fps = requestAnimationFrame callbacks per second while the graph is moved on every frame (pan: a real mouse-down, then a pointermove per frame; zoom: a wheel event per frame); redraws/s = frames that redrew the graph; draw ms = the canvas draw call only (rasterisation is in the frame rate)");
      const where = resultName("ui", scale, {
        [`${runs} run(s)`]: runs < 3,
        "no warm-up": !warmup,
        [`${seconds} s per measure`]: seconds !== 2,
        [`sizes ${sizes.join(",")}`]: sizes.join(",") !== DEFAULT_SIZES,
        "no real graph": !real,
        [`seed ${seed}`]: seed !== 42,
      });
      const path = writeResult(where.name, { ...h, settings: { runs, warmup, seconds, viewport: VIEWPORT }, goals, results });
      if (where.official) updateReadme();
      console.log(wroteLine(path, where));
    }),
  USAGE,
);
