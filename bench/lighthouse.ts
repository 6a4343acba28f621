/**
 * npm run bench:lighthouse -- [--runs 3] [--no-warmup] [--url URL]
 *
 * Lighthouse 12 with its default (mobile) settings: a Moto G Power screen, simulated slow 4G and a
 * 4x slower CPU, on three pages of the explorer served over a devnet: home, the page of the model
 * with the highest fees, and the account of the top earner. Debian's chromium, headless.
 * Without --url it starts the browser tests' devnet (anvil, the tiny scenario with seed 7, indexed
 * by `ponder start` on PGlite, testkit/api.ts) serving a fresh production build of the explorer;
 * with --url it measures that server (e.g. an `npm start`).
 * Figures per page: the category scores (performance, accessibility, best practices) and the
 * metrics behind performance; median (min–max) of the runs, every audit that lost points named.
 * Writes bench/results/lighthouse.json (or lighthouse-quick.json for fewer than 3 runs or --url).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags, runMain, UsageError } from "../chain/cli.js";
import { gql, startApiScenario } from "../testkit/api.js";
import { buildExplorer } from "../runtime/explorer.js";
import { onCleanup, withCleanup } from "./lib/cleanup.js";
import { fmt, header, printHeader, repoRoot, summarize, writeResult, wroteLine, type Summary } from "./lib/report.js";
import { updateReadme } from "./lib/table.js";

const USAGE = "usage: npm run bench:lighthouse -- [--runs N] [--no-warmup] [--url URL]";
const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage";
const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
const METRICS = { fcpMs: "first-contentful-paint", lcpMs: "largest-contentful-paint", tbtMs: "total-blocking-time", speedIndexMs: "speed-index", cls: "cumulative-layout-shift", bytes: "total-byte-weight" } as const;
/** The bar every page must meet, each score and CLS. */
const GOALS = { performance: 90, accessibility: 98, "best-practices": 100, clsBelow: 0.1 };

interface LhAudit { id: string; title: string; score: number | null; scoreDisplayMode: string; numericValue?: number; displayValue?: string; details?: { items?: Record<string, unknown>[] } }
interface LhResult {
  lighthouseVersion: string;
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<string, LhAudit>;
  runWarnings?: string[];
}
interface Run { scores: Record<string, number>; metrics: Record<keyof typeof METRICS, number>; lost: string[]; mainThread: Record<string, number>; version: string }

/** Where the main thread's time went (Lighthouse's "main-thread work" groups, ms under its CPU throttling): what TBT is made of. */
function mainThreadOf(r: LhResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of r.audits["mainthread-work-breakdown"]?.details?.items ?? []) {
    const label = typeof item.groupLabel === "string" ? item.groupLabel : typeof item.group === "string" ? item.group : null;
    if (label && typeof item.duration === "number") out[label] = Math.round(item.duration);
  }
  return out;
}

/** One Lighthouse run of a URL through the CLI (CHROME_PATH picks the browser). */
async function lighthouse(url: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "lighthouse-"));
  const out = join(dir, "report.json");
  try {
    const bin = join(repoRoot, "node_modules", ".bin", "lighthouse");
    const args = [url, "--quiet", "--output=json", `--output-path=${out}`, `--only-categories=${CATEGORIES.join(",")}`, `--chrome-flags=${CHROME_FLAGS}`];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, args, { env: { ...process.env, CHROME_PATH: CHROME }, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("exit", (c) => (c === 0 ? resolve() : reject(new Error(`lighthouse exited ${c}: ${err.trim().split("\n").slice(-3).join(" ")}`))));
    });
    const r = JSON.parse(readFileSync(out, "utf8")) as LhResult;
    const scores: Record<string, number> = {};
    const lost: string[] = [];
    for (const c of CATEGORIES) {
      const cat = r.categories[c];
      if (!cat || cat.score === null) throw new Error(`lighthouse gave no ${c} score for ${url}${r.runWarnings?.length ? `: ${r.runWarnings.join("; ")}` : ""}`);
      scores[c] = Math.round(cat.score * 100);
      for (const ref of cat.auditRefs) {
        const a = r.audits[ref.id];
        if (!a || ref.weight === 0 || a.score === null || a.score >= 0.9 || a.scoreDisplayMode === "informative" || a.scoreDisplayMode === "notApplicable") continue;
        if (c === "performance" && a.score >= 0.5) continue;
        lost.push(`${c}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ""}`);
      }
    }
    const metrics = Object.fromEntries(Object.entries(METRICS).map(([k, id]) => [k, r.audits[id]?.numericValue ?? NaN])) as Run["metrics"];
    return { scores, metrics, lost, mainThread: mainThreadOf(r), version: r.lighthouseVersion };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pagesOf(base: string): Promise<{ name: string; path: string }[]> {
  const res = await gql<{ topModels: { id: string }[]; topEarners: { address: string }[] }>(
    base,
    `query LighthousePages { topModels(limit: 1) { id } topEarners(limit: 1) { address } }`,
  );
  const model = res.data?.topModels[0]?.id;
  const account = res.data?.topEarners[0]?.address;
  if (!model || !account) throw new Error(`the server at ${base} has no model or no account yet${res.errors ? `: ${res.errors.map((e) => e.message).join("; ")}` : ""}`);
  return [
    { name: "home", path: "/" },
    { name: `model #${model}`, path: `/model/${model}` },
    { name: "account (top earner)", path: `/account/${account}` },
  ];
}

runMain(
  () =>
    withCleanup(async () => {
      const flags = parseFlags(process.argv.slice(2), ["no-warmup"]);
      const runs = Number(flags.runs ?? 3);
      if (!Number.isSafeInteger(runs) || runs < 1) throw new UsageError("--runs must be a positive integer");
      const given = typeof flags.url === "string" ? flags.url.replace(/\/$/, "") : undefined;
      const warmup = flags["no-warmup"] !== true;

      const h = header("lighthouse");
      printHeader(h);
      let base = given;
      if (!base) {
        const dist = mkdtempSync(join(tmpdir(), "explorer-lighthouse-"));
        onCleanup(() => rmSync(dist, { recursive: true, force: true }));
        const t = performance.now();
        const built = buildExplorer(dist);
        built.catch(() => {});
        const scenario = await startApiScenario("pglite", { seed: 7, env: { EXPLORER_DIR: dist } });
        onCleanup(() => scenario.stop());
        await built;
        base = scenario.url;
        console.log(`# devnet (tiny scenario, seed 7) indexed and a production build served at ${base} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      }
      const pages = await pagesOf(base);
      console.log(`# lighthouse (mobile defaults), chromium ${CHROME} ${CHROME_FLAGS}; ${runs} run(s) per page${warmup ? " after a warm-up run" : ""}\n`);
      // The first visit compresses the hashed assets (kept afterwards): not what a visitor meets.
      if (warmup) for (const p of pages) await lighthouse(base + p.path);

      const results: Record<string, { path: string; scores: Record<string, Summary>; metrics: Record<string, Summary>; mainThreadMs: Record<string, number>; lost: string[]; met: boolean }> = {};
      let version = "";
      for (const p of pages) {
        const all: Run[] = [];
        for (let i = 0; i < runs; i++) all.push(await lighthouse(base + p.path));
        version = all[0]!.version;
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, summarize(all.map((r) => r.scores[c]!))]));
        const metrics = Object.fromEntries(Object.keys(METRICS).map((k) => [k, summarize(all.map((r) => r.metrics[k as keyof typeof METRICS]))]));
        const lost = [...new Set(all.flatMap((r) => r.lost))];
        const met = scores.performance!.median >= GOALS.performance && scores.accessibility!.median >= GOALS.accessibility && scores["best-practices"]!.median >= GOALS["best-practices"] && metrics.cls!.median < GOALS.clsBelow;
        const groups = [...new Set(all.flatMap((r) => Object.keys(r.mainThread)))];
        const mainThreadMs = Object.fromEntries(groups.map((g) => [g, summarize(all.map((r) => r.mainThread[g] ?? 0)).median]).sort((a, b) => (b[1] as number) - (a[1] as number)));
        results[p.name] = { path: p.path, scores, metrics, mainThreadMs, lost, met };
        const m = metrics as Record<keyof typeof METRICS, Summary>;
        console.log(`${p.name} (${p.path})`);
        console.log(`  performance ${fmt(scores.performance!)} · accessibility ${fmt(scores.accessibility!)} · best practices ${fmt(scores["best-practices"]!)}`);
        console.log(`  FCP ${fmt(m.fcpMs)} ms · LCP ${fmt(m.lcpMs)} ms · TBT ${fmt(m.tbtMs)} ms · Speed Index ${fmt(m.speedIndexMs)} ms · CLS ${fmt(m.cls, 3)} · ${fmt(summarize(m.bytes.runs.map((b) => b / 1024)))} KiB transferred`);
        console.log(`  main thread (median ms): ${Object.entries(mainThreadMs).map(([g, ms]) => `${g} ${ms}`).join(" · ")}`);
        for (const l of lost) console.log(`  lost points: ${l}`);
        console.log(`  goals (performance >= ${GOALS.performance}, accessibility >= ${GOALS.accessibility}, best practices ${GOALS["best-practices"]}, CLS < ${GOALS.clsBelow}): ${met ? "met" : "MISSED"}\n`);
      }
      const official = runs >= 3 && !given;
      const reasons = [...(runs < 3 ? [`${runs} run(s)`] : []), ...(given ? [`--url ${given}`] : [])];
      h.notes.push(
        `lighthouse ${version}, default (mobile) config: Moto G Power emulation, simulated throttling (150 ms RTT, 1.6 Mbps down, 4x CPU slowdown); categories ${CATEGORIES.join(", ")}`,
        given ? `server: ${given}` : "server: the browser tests' devnet (testkit/api.ts: anvil, tiny scenario, seed 7, ponder start on PGlite) serving a fresh production build",
        `chromium ${CHROME} ${CHROME_FLAGS}`,
      );
      const path = writeResult(official ? "lighthouse" : "lighthouse-quick", { ...h, settings: { runs, warmup }, goals: GOALS, pages: results });
      if (official) updateReadme();
      console.log(wroteLine(path, { official, reasons }));
      console.log(Object.values(results).every((r) => r.met) ? "every page meets the goals" : "some page MISSES a goal (above)");
    }),
  USAGE,
);
