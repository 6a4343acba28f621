/**
 * Browser end-to-end tests of the explorer in Debian's chromium (playwright-core, no downloads).
 * By default they build the UI and serve it with the mock API (mock-server.ts). Point them at a real
 * served, indexed scenario with E2E_BASE_URL (and E2E_ACCOUNT / E2E_MODEL_ID / E2E_INFERENCE_ID /
 * E2E_HOSTILE_DATANET_ID for its ids); every expected value is read from that server's own API.
 * Screenshots of each page go to test-results/screenshots/mock/ (or E2E_SCREENSHOT_DIR/mock).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { INFERENCE, LINEAGE_DEFAULTS, MODEL_LINEAGE, lineageQueryOf, type InferenceData, type LineageData } from "../src/api/queries";
import { formatAmountString } from "../src/lib/amount";
import { ruleText } from "../src/lib/format";
import { ADDR } from "./fixtures";
import { startMockServer, type MockServer } from "./mock-server";
import { buildExplorer } from "../../runtime/explorer.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const shots = join(process.env.E2E_SCREENSHOT_DIR ?? join(here, "..", "..", "test-results", "screenshots"), "mock");
const external = process.env.E2E_BASE_URL?.replace(/\/$/, "");
const ACCOUNT = process.env.E2E_ACCOUNT ?? ADDR.alice;
const MODEL_ID = process.env.E2E_MODEL_ID ?? "2";
const INFERENCE_ID = process.env.E2E_INFERENCE_ID ?? "3";
const HOSTILE_DATANET_ID = process.env.E2E_HOSTILE_DATANET_ID ?? "2";

let mock: MockServer | undefined;
let base = "";
let browser: Browser;
let tmp = "";

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`No chromium at ${executablePath}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  if (external) base = external;
  else {
    tmp = mkdtempSync(join(tmpdir(), "explorer-ui-"));
    await buildExplorer(tmp);
    mock = await startMockServer({ distDir: tmp });
    base = mock.url;
  }
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  ctx: BrowserContext;
  problems: string[];
  dialogs: string[];
}

/** A fresh page that records dialogs, page errors and CSP violations. */
async function open(path: string, viewport = { width: 1366, height: 900 }): Promise<Watched> {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(base + path, { waitUntil: "domcontentloaded" });
  return { page, ctx, problems, dialogs };
}

async function api<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function shot(w: Watched, name: string) {
  await w.page.evaluate(() => window.scrollTo(0, 0));
  await w.page.screenshot({ path: join(shots, name), fullPage: true });
}

describe("explorer in chromium", () => {
  test("home shows network totals and the live feed", async () => {
    const w = await open("/");
    await w.page.getByText("Live feed").waitFor();
    await w.page.locator(".stat-value .amount").first().waitFor();
    await w.page.locator(".table tbody tr").first().waitFor();
    expect(await w.page.locator(".table tbody tr").count()).toBeGreaterThan(3);
    await shot(w, "home.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("searching an address shows the same claimable as the API", async () => {
    const claimableOf = async () =>
      (await api<{ account: { claimable: string } }>(`query($a: String!) { account(address: $a) { claimable } }`, { a: ACCOUNT })).account.claimable;
    const w = await open("/");
    await w.page.getByRole("searchbox", { name: "Search" }).fill(ACCOUNT);
    await w.page.getByRole("button", { name: "Search" }).click();
    await w.page.waitForURL(`**/account/${ACCOUNT.toLowerCase()}`);
    const claimable = w.page.getByTestId("claimable").locator(".amount");
    // A live chain may pay the account between two reads: compare only when the API held still.
    for (let attempt = 0; ; attempt++) {
      const before = await claimableOf();
      if (attempt > 0) await w.page.reload();
      await claimable.waitFor();
      const shown = await claimable.getAttribute("data-base");
      const after = await claimableOf();
      if (before !== after && attempt < 5) continue;
      expect(shown).toBe(after);
      expect(await claimable.textContent()).toBe(formatAmountString(after).text);
      break;
    }
    await w.page.getByText("What each contribution earned").waitFor();
    await w.page.locator(".chart-svg").waitFor();
    const csv = w.page.getByRole("link", { name: "Download earnings CSV" });
    expect(await csv.getAttribute("href")).toBe(`/api/accounts/${ACCOUNT.toLowerCase()}/earnings.csv`);
    await w.page.waitForLoadState("networkidle");
    await shot(w, "account.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("a model page draws its lineage graph with every node the API returned", async () => {
    const lineage = async () => (await api<LineageData>(MODEL_LINEAGE, { modelId: MODEL_ID, ...LINEAGE_DEFAULTS })).modelLineage!;
    const w = await open(`/model/${MODEL_ID}`);
    const canvas = w.page.locator("canvas.graph-canvas[data-node-count]");
    // The page asks exactly this query; on a live chain compare only when two reads around it agree.
    let expected = 0;
    for (let attempt = 0; ; attempt++) {
      const before = await lineage();
      if (attempt > 0) await w.page.reload();
      await canvas.waitFor({ timeout: 30_000 });
      const shown = [Number(await canvas.getAttribute("data-node-count")), Number(await canvas.getAttribute("data-edge-count"))];
      const after = await lineage();
      if ((before.nodes.length !== after.nodes.length || before.edges.length !== after.edges.length) && attempt < 5) continue;
      expect(shown).toEqual([after.nodes.length, after.edges.length]);
      expected = after.nodes.length;
      break;
    }
    const stats = await w.page.evaluate(() => window.__lineageStats);
    expect(stats?.nodes).toBe(expected);
    // Raising the minimum weight folds light edges away, without a refetch.
    const before = mock?.operations.filter((o) => o === "Lineage").length ?? 0;
    await w.page.getByLabel("Minimum edge weight").fill("60");
    await w.page.waitForFunction((n) => Number(document.querySelector("canvas.graph-canvas")?.getAttribute("data-node-count")) < n, expected);
    if (mock) expect(mock.operations.filter((o) => o === "Lineage").length).toBe(before);
    await w.page.getByLabel("Minimum edge weight").fill("0");
    await w.page.waitForFunction((n) => Number(document.querySelector("canvas.graph-canvas")?.getAttribute("data-node-count")) === n, expected);
    await w.page.locator("#lineage").scrollIntoViewIfNeeded();
    await shot(w, "model.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("a flagged inference spells out each broken rule", async () => {
    const { inference } = await api<InferenceData>(INFERENCE, { id: INFERENCE_ID });
    expect(inference?.clean).toBe(false);
    const w = await open(`/inference/${INFERENCE_ID}`);
    const list = w.page.getByTestId("violations");
    await list.waitFor();
    const text = (await list.textContent()) ?? "";
    for (const v of inference!.violations) {
      expect(text).toContain(v.rule);
      expect(text).toContain(ruleText(v.rule).title);
      for (const c of v.contributionIds) expect(text).toContain(`#${c}`);
    }
    expect(await w.page.locator(".violation").count()).toBe(inference!.violations.length);
    await w.page.waitForLoadState("networkidle");
    await shot(w, "inference.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("an inference offers its payout receipt and the exact command that verifies it", async () => {
    const w = await open(`/inference/${INFERENCE_ID}`);
    const link = w.page.getByRole("link", { name: "Download receipt" });
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe(`/api/receipts/inferences/${INFERENCE_ID}.json`);
    expect(await link.getAttribute("download")).toBe(`receipt-inference-${INFERENCE_ID}.json`);
    expect(await w.page.getByTestId("verify-command").textContent()).toBe(`npx openledger-explorer verify receipt-inference-${INFERENCE_ID}.json --rpc "$RPC_URL"`);
    await w.page.locator("#receipt").scrollIntoViewIfNeeded();
    await w.page.locator("#receipt").screenshot({ path: join(shots, "inference-receipt.png") });
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("a contribution lists every inference that used it and the runs of its datanet, with a proof on demand", async () => {
    const id = process.env.E2E_CONTRIBUTION_ID ?? "2";
    const want = await api<{ contribution: { inferences: { totalCount: number; items: { inferenceId: string }[] }; trainingRuns: { modelId: string; version: number; included: boolean }[] } }>(
      `query($id: BigInt!) { contribution(id: $id) { inferences(limit: 1000) { totalCount items { inferenceId } } trainingRuns { modelId version included } } }`,
      { id },
    );
    expect(want.contribution.inferences.totalCount).toBeGreaterThan(0);
    const w = await open(`/contribution/${id}`);
    const table = w.page.getByTestId("contribution-inferences");
    await table.waitFor();
    // Page to the end with "Load more": every inference, newest first.
    for (;;) {
      const more = w.page.locator("#inferences").getByRole("button", { name: "Load more" });
      if ((await more.count()) === 0) break;
      await more.click();
      await w.page.waitForFunction(() => !document.querySelector("#inferences button[disabled]"));
    }
    const shown = await table.locator("tbody tr td:first-child").allTextContents();
    expect(shown).toEqual(want.contribution.inferences.items.map((x) => `#${x.inferenceId}`));
    const runs = w.page.getByTestId("contribution-runs");
    await runs.waitFor();
    expect(await runs.locator("tbody tr").count()).toBe(want.contribution.trainingRuns.length);
    const included = want.contribution.trainingRuns.findIndex((r) => r.included);
    if (included >= 0) {
      await runs.locator("tbody tr").nth(included).getByText("Merkle proof").click();
      await w.page.getByTestId("run-proof").waitFor();
      expect(await w.page.getByTestId("run-proof").textContent()).toMatch(/Leaf 0x/);
    }
    await w.page.waitForLoadState("networkidle");
    await shot(w, "contribution.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test.each([
    ["contribution", () => process.env.E2E_CONTRIBUTION_ID ?? "2"],
    ["datanet", () => HOSTILE_DATANET_ID],
    ["account", () => ACCOUNT.toLowerCase()],
  ] as const)("the %s page draws where its data went with every node the API returned, chain names as text", async (kind, idOf) => {
    const id = idOf();
    const { query, variables, pick } = lineageQueryOf({ kind, id });
    const want = pick(await api<LineageData>(query, { ...variables, ...LINEAGE_DEFAULTS }))!;
    expect(want.nodes.length).toBeGreaterThan(1);
    expect(want.rootId).toBeTruthy();
    const w = await open(`/${kind}/${id}`);
    const section = w.page.locator("#where-data-went");
    await section.scrollIntoViewIfNeeded(); // the graph loads when its section nears the viewport
    const canvas = section.locator("canvas.graph-canvas[data-node-count]");
    await canvas.waitFor({ timeout: 30_000 });
    expect([Number(await canvas.getAttribute("data-node-count")), Number(await canvas.getAttribute("data-edge-count"))]).toEqual([want.nodes.length, want.edges.length]);
    // The table view lists every node's label as text: a datanet named like markup stays a string.
    await section.getByRole("button", { name: /Table view/ }).click();
    const table = section.locator("#lineage-table");
    await table.locator("table").first().waitFor();
    const text = (await table.textContent()) ?? "";
    for (const n of want.nodes.filter((x) => x.kind === "DATANET")) expect(text).toContain(n.label);
    expect(await w.page.locator("#where-data-went img").count()).toBe(0);
    if (kind === "contribution") {
      // Its earnings over time: the chart's total is the sum of its shares over the inferences that attributed it.
      const chart = w.page.locator("#earnings-over-time svg[role=img]");
      await chart.waitFor();
      const { contribution } = await api<{ contribution: { inferences: { items: { share: string }[] } } }>(`query($id: BigInt!) { contribution(id: $id) { inferences(limit: 1000) { items { share } } } }`, { id });
      const total = contribution.inferences.items.reduce((t, i) => t + BigInt(i.share), 0n);
      expect(total).toBeGreaterThan(0n);
      expect(await chart.getAttribute("aria-label")).toContain(`${formatAmountString(total.toString()).full} earned in all`);
    }
    await w.page.waitForLoadState("networkidle");
    expect(w.dialogs).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await shot(w, `${kind}-where-data-went.png`);
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("below the fold, the account page asks for its lineage only when the section nears the viewport, or when asked", async () => {
    const w = await open(`/account/${ACCOUNT.toLowerCase()}`, { width: 1366, height: 600 });
    const asked: string[] = [];
    w.page.on("request", (r) => {
      if (/accountLineage/.test(r.postData() ?? "")) asked.push(r.url());
    });
    const section = w.page.locator("#where-data-went");
    const draw = section.getByRole("button", { name: "Draw the graph" });
    await draw.waitFor();
    await w.page.waitForLoadState("networkidle");
    expect(await section.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight + 300)).toBe(true);
    expect(asked).toEqual([]);
    expect(await section.locator("canvas").count()).toBe(0);
    await draw.evaluate((b: HTMLButtonElement) => b.click()); // a keyboard or screen reader user, without scrolling
    await section.locator("canvas.graph-canvas[data-node-count]").waitFor({ timeout: 30_000 });
    expect(asked.length).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("a datanet named like markup with a javascript: URI renders as inert text", async () => {
    const { datanet } = await api<{ datanet: { name: string; metadataURI: string } }>(`query($id: BigInt!) { datanet(id: $id) { name metadataURI } }`, { id: HOSTILE_DATANET_ID });
    const w = await open(`/datanet/${HOSTILE_DATANET_ID}`);
    const title = w.page.getByTestId("datanet-name");
    await title.waitFor();
    // The heading is drawn before the datanet's answer: wait for the name.
    await expect.poll(() => title.textContent()).toContain(datanet.name);
    const uri = w.page.getByTestId("datanet-uri");
    expect(await uri.textContent()).toContain(datanet.metadataURI.slice(0, 20));
    // nothing the name or URI describe became markup or a live link
    expect(await w.page.locator("img").count()).toBe(0);
    expect(await w.page.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);
    expect(await uri.locator("a").count()).toBe(0);
    await w.page.waitForLoadState("networkidle");
    await w.page.waitForTimeout(300);
    expect(w.dialogs).toEqual([]);
    await shot(w, "datanet-hostile.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("the audit page lists flagged inferences and unverified runs, filterable by rule", async () => {
    const w = await open("/audit?rule=SPLIT_MISMATCH");
    await w.page.getByText(/Flagged inferences \(\d+\)/).waitFor();
    const rows = w.page.locator(".table tbody tr");
    const n = await rows.count();
    for (let i = 0; i < n; i++) expect(await rows.nth(i).textContent()).toContain(ruleText("SPLIT_MISMATCH").title);
    await shot(w, "audit.png");
    await w.page.getByRole("link", { name: "Unverified training runs" }).click();
    await w.page.getByText(/Unverified training runs \(\d+\)/).waitFor();
    await shot(w, "audit-runs.png");
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });

  test("pages fit a phone screen", async () => {
    for (const [path, name] of [[`/inference/${INFERENCE_ID}`, "phone-inference.png"], [`/model/${MODEL_ID}`, "phone-model.png"]] as const) {
      const w = await open(path, { width: 390, height: 844 });
      await w.page.locator(".page-head").waitFor();
      await w.page.waitForLoadState("networkidle");
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await shot(w, name);
      expect(w.problems).toEqual([]);
      await w.ctx.close();
    }
  });
});

describe.skipIf(!!external)("lineage graph at scale (mock data)", () => {
  test.each([["3", 5000, "model-5k.png"], ["4", 10000, "model-10k.png"]] as const)("model %s draws %d nodes and stays responsive", async (id, n, name) => {
    const w = await open(`/model/${id}`);
    const canvas = w.page.locator("canvas.graph-canvas[data-node-count]");
    await canvas.waitFor({ timeout: 60_000 });
    expect(Number(await canvas.getAttribute("data-node-count"))).toBe(n);
    await w.page.locator("#lineage").scrollIntoViewIfNeeded();
    await w.page.waitForTimeout(60);
    await shot(w, name);
    // Worst case: the whole graph on screen. Then wheel-zoom and drag; draw times are reported, not asserted.
    await w.page.getByRole("button", { name: "Fit to view" }).click();
    await w.page.waitForTimeout(60);
    const fit = await w.page.evaluate(() => window.__lineageStats);
    const box = (await canvas.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const times: number[] = [fit?.drawMs ?? NaN];
    await w.page.mouse.move(cx, cy);
    for (const dy of [-400, -400, -400, 400, 400, 400, -200]) {
      await w.page.mouse.wheel(0, dy);
      await w.page.waitForTimeout(40);
      times.push((await w.page.evaluate(() => window.__lineageStats?.drawMs)) ?? NaN);
    }
    await w.page.mouse.down();
    await w.page.mouse.move(cx + 200, cy + 100, { steps: 5 });
    await w.page.mouse.up();
    await w.page.waitForTimeout(40);
    times.push((await w.page.evaluate(() => window.__lineageStats?.drawMs)) ?? NaN);
    // Frame time including rasterisation: 30 wheel steps at the fitted view, one per animation frame.
    await w.page.getByRole("button", { name: "Fit to view" }).click();
    const frameMs = await w.page.evaluate(async () => {
      const c = document.querySelector("canvas.graph-canvas") as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const t0 = performance.now();
      for (let i = 0; i < 30; i++) {
        c.dispatchEvent(new WheelEvent("wheel", { deltaY: i % 2 ? 30 : -30, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
        await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      }
      return (performance.now() - t0) / 60;
    });
    const stats = await w.page.evaluate(() => window.__lineageStats);
    console.log(`[lineage ${n}] layout ${stats?.layoutMs.toFixed(0)} ms in ${stats?.layoutWhere}; whole graph visible (${fit?.visibleNodes} nodes, ${fit?.visibleEdges} edges): draw ${fit?.drawMs.toFixed(1)} ms; ` +
      `draw ms while zooming/panning: ${times.slice(1).map((t) => t.toFixed(1)).join(", ")}; frame incl. raster ≈ ${frameMs.toFixed(1)} ms`);
    expect(stats?.layoutWhere).toBe("worker");
    expect(fit?.visibleNodes).toBe(n);
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect(w.problems).toEqual([]);
    await w.ctx.close();
  });
});
