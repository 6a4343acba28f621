/**
 * The explorer in Debian's chromium against a served, indexed scenario: anvil + deploy + the
 * simulator (tiny, fixed seed) + `ponder start` on PGlite serving the API and the built UI on one
 * port (api/testkit.ts). Every expected value comes from the chain's own views, the simulator's
 * manifest (ground truth) or the server's API, never from this file.
 *
 * Screenshots of each page: test-results/screenshots/real/*.png (or E2E_SCREENSHOT_DIR/real); the
 * README's graph, docs/lineage.png, is rewritten only with UPDATE_DOCS_SCREENSHOTS=1.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { getAddress, type Address } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { explorerDistIsFresh } from "../../runtime/explorer.js";
import { AttributionEngineAbi } from "../../abis/index.js";
import { gql, startApiScenario, type ApiScenario } from "../../api/testkit.js";
import { indexedBlock } from "../../runtime/ponder.js";
import type { ManifestViolation } from "../../sim/index.js";
import { RULES } from "../src/lib/format";

const here = fileURLToPath(new URL(".", import.meta.url));
const uiRoot = resolve(here, "..");
const repo = resolve(uiRoot, "..");
const shots = join(process.env.E2E_SCREENSHOT_DIR ?? join(repo, "test-results", "screenshots"), "real");
const docs = join(repo, "docs");
const SEED = 7;
const HOSTILE_DATANET_NAME = "<img src=x onerror=alert(1)>";
const VIEWPORT = { width: 1400, height: 900 };

/**
 * The UI the server serves, in a temp dir of its own (a `npm run build:ui` elsewhere must not pull
 * the files from under the test): a copy of explorer-ui/dist when it is newer than every UI source,
 * otherwise a fresh production build. The build runs while the scenario is simulated; the server
 * reads the dir per request, so it only has to be done before the browser opens.
 */
function explorerBuild(): { dir: string; built: boolean; done: Promise<void>; cleanup(): void } {
  const dist = join(uiRoot, "dist");
  const dir = mkdtempSync(join(tmpdir(), "explorer-real-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (explorerDistIsFresh()) {
    cpSync(dist, dir, { recursive: true });
    return { dir, built: false, done: Promise.resolve(), cleanup };
  }
  const done = (async () => {
    const { build } = await import("vite");
    // Bundle React's production build (vitest sets NODE_ENV=test).
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      await build({ configFile: join(uiRoot, "vite.config.ts"), mode: "production", logLevel: "warn", build: { outDir: dir, emptyOutDir: true } });
    } finally {
      process.env.NODE_ENV = env;
    }
  })();
  done.catch(() => {}); // awaited in beforeAll
  return { dir, built: true, done, cleanup };
}

let scenario: ApiScenario | undefined;
let ui: ReturnType<typeof explorerBuild> | undefined;
let browser: Browser | undefined;
let ctx: BrowserContext;
let page: Page;
let base = "";
const problems: string[] = [];
const dialogs: string[] = [];

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await gql<T>(base, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data as T;
}

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

/** Requests the page has in flight (url -> count), to explain a page that never settles. */
const inFlight = new Map<string, number>();

/**
 * Waits until the page has had no API request in flight for 500 ms. (Not Playwright's networkidle:
 * it can wait forever on the lineage layout worker's script, whose load never reports finished.)
 */
async function settle(timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  for (;;) {
    const busy = [...inFlight.keys()].filter((u) => !u.includes(".worker"));
    if (busy.length > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    if (Date.now() > deadline) throw new Error(`the page did not settle in ${timeoutMs / 1000} s; in flight: ${busy.join(", ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function go(path: string) {
  const res = await page.goto(base + path, { waitUntil: "domcontentloaded" });
  expect(res?.status()).toBe(200);
  return res!;
}

/** The exact base units an <Amount> shows, checked against its title (what a user hovers). */
async function shownAmount(locator: ReturnType<Page["locator"]>): Promise<string> {
  const amount = locator.locator(".amount").first();
  await amount.waitFor();
  const base = (await amount.getAttribute("data-base")) ?? "";
  expect(await amount.getAttribute("title")).toContain(`${base} base units`);
  return base;
}

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`No chromium at ${executablePath}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  const started = Date.now();
  ui = explorerBuild();
  const built = ui.done.then(() => Date.now() - started);
  built.catch(() => {}); // awaited below unless the scenario fails first
  scenario = await startApiScenario("pglite", { seed: SEED, env: { EXPLORER_DIR: ui.dir } });
  const indexedMs = Date.now() - started;
  const buildMs = await built;
  base = scenario.url;
  const at = await indexedBlock(base);
  expect(at).toBeGreaterThanOrEqual(Number(scenario.manifest.lastBlock));
  mkdirSync(shots, { recursive: true });
  mkdirSync(docs, { recursive: true });
  browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  ctx = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  // CSP violations are also printed to the console; this makes them impossible to miss.
  await ctx.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  page = await ctx.newPage();
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || /Content.Security.Policy|CSP/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  const track = (url: string, d: number) => {
    const n = (inFlight.get(url) ?? 0) + d;
    if (n > 0) inFlight.set(url, n);
    else inFlight.delete(url);
  };
  page.on("request", (r) => track(r.url(), 1));
  page.on("requestfinished", (r) => track(r.url(), -1));
  page.on("requestfailed", (r) => {
    track(r.url(), -1);
    // Navigations abort in-flight polls; anything else failing is a problem.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`[real-server e2e] scenario simulated and indexed in ${sec(indexedMs)}, UI ${ui.built ? `built in ${sec(buildMs)}` : "reused"}, browser up at ${sec(Date.now() - started)}`);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await scenario?.stop();
  ui?.cleanup();
});

beforeEach(() => {
  problems.length = 0;
  dialogs.length = 0;
});

// Every test fails on a page error, console error, CSP violation or dialog seen while it ran.
afterEach(async () => {
  await page?.waitForTimeout(100);
  expect(dialogs, "dialogs opened").toEqual([]);
  expect(problems, "page errors").toEqual([]);
});

describe("the explorer over an indexed scenario", () => {
  test("home shows the network totals the API reports", async () => {
    const { network } = await api<{ network: { totalFees: string; inferences: number } }>(`{ network { totalFees inferences } }`);
    expect(network.inferences).toBeGreaterThanOrEqual(scenario!.manifest.inferences);
    await go("/");
    const fees = page.locator(".stat", { hasText: "Total fees" });
    expect(await shownAmount(fees)).toBe(network.totalFees);
    const inferences = page.locator(".stat", { hasText: /^Inferences/ }).locator(".stat-value");
    expect((await inferences.textContent())?.replace(/\D/g, "")).toBe(String(network.inferences));
    await page.locator(".table tbody tr").first().waitFor();
    await settle();
    await shot("home.png");
  });

  test("searching an address shows the claimable of the API and of AttributionEngine.claimable()", async () => {
    const s = scenario!;
    // An account that has claimed and still has the most to claim (on the chain): all three numbers non-zero.
    type Acc = { a: string; onChain: bigint; claimable: string; accrued: string; claimed: string };
    const all: Acc[] = await Promise.all(
      s.accounts.map(async (a) => {
        const onChain = await s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [a as Address] });
        const { account } = await api<{ account: Omit<Acc, "a" | "onChain"> }>(`query($a: String!) { account(address: $a) { claimable accrued claimed } }`, { a });
        return { a, onChain, ...account };
      }),
    );
    // The API agrees with the chain for every account, to the base unit.
    expect(all.map((x) => [x.a, x.claimable])).toEqual(all.map((x) => [x.a, x.onChain.toString()]));
    const pool = all.filter((x) => x.claimed !== "0" && x.onChain > 0n);
    expect(pool.length, "the scenario has accounts that claimed and earned again").toBeGreaterThan(0);
    const best = pool.reduce((x, y) => (y.onChain > x.onChain ? y : x));

    await go("/");
    // Typed as people paste it from a wallet: checksummed, mixed case.
    const box = page.getByRole("searchbox", { name: "Search" });
    await box.fill(getAddress(best.a));
    await box.press("Enter");
    // One hit goes straight to the account; several list it among the results.
    await page.waitForFunction(() => location.pathname.startsWith("/account/") || document.querySelector(".results li") !== null);
    if (!page.url().includes("/account/")) {
      // Several hits for the address: the account is one of them.
      await page.locator(".results li", { hasText: "Account" }).locator("a").first().click();
    }
    await page.waitForURL(`**/account/${best.a.toLowerCase()}`);
    expect(await shownAmount(page.getByTestId("claimable"))).toBe(best.onChain.toString());
    const accrued = page.locator(".stat", { hasText: "Accrued" });
    const claimed = page.locator(".stat", { hasText: /^Claimed/ });
    expect(await shownAmount(accrued)).toBe(best.accrued);
    expect(await shownAmount(claimed)).toBe(best.claimed);
    // claimable = accrued - claimed, on the page as on the chain
    expect(BigInt(best.accrued) - BigInt(best.claimed)).toBe(best.onChain);
    await page.locator(".chart-svg").waitFor();
    await settle();
    await shot("account.png");
  });

  test("a model page draws its lineage graph with the nodes and edges the API returns for the page's arguments", async () => {
    // The model with the richest lineage.
    const { models } = await api<{ models: { items: { id: string }[] } }>(`{ models(limit: 100) { items { id } } }`);
    expect(models.items.length).toBeGreaterThanOrEqual(scenario!.manifest.models);
    const sizes = await Promise.all(
      models.items.map(async (m) => ({ id: m.id, n: (await api<{ modelLineage: { nodes: unknown[] } }>(`query($id: BigInt!) { modelLineage(modelId: $id) { nodes { id } } }`, { id: m.id })).modelLineage.nodes.length })),
    );
    const model = sizes.reduce((x, y) => (y.n > x.n ? y : x)).id;

    await page.setViewportSize(VIEWPORT);
    const lineageResponse = page.waitForResponse((r) => r.url().endsWith("/graphql") && (r.request().postData() ?? "").includes("modelLineage"));
    await go(`/model/${model}`);
    const res = await lineageResponse;
    const asked = res.request().postDataJSON() as { query: string; variables: Record<string, unknown> };
    const got = (await res.json()) as { data: { modelLineage: { nodes: unknown[]; edges: unknown[] } } };
    expect(String(asked.variables.modelId)).toBe(model);
    const canvas = page.locator("canvas.graph-canvas[data-node-count]");
    await canvas.waitFor({ timeout: 30_000 });
    const shown = { nodes: Number(await canvas.getAttribute("data-node-count")), edges: Number(await canvas.getAttribute("data-edge-count")) };
    // What the page received, and what the API answers to the page's own query and arguments.
    const { modelLineage } = await api<{ modelLineage: { nodes: unknown[]; edges: unknown[] } }>(asked.query, asked.variables);
    expect(shown).toEqual({ nodes: got.data.modelLineage.nodes.length, edges: got.data.modelLineage.edges.length });
    expect(shown).toEqual({ nodes: modelLineage.nodes.length, edges: modelLineage.edges.length });
    expect(shown.nodes).toBeGreaterThan(10);
    await settle();
    await shot("model.png");
    // The README's picture: the top 5 per hop (the rest folded into "+N others"), fitted in 1400x900.
    await page.locator("label", { hasText: "Top per hop" }).locator("select").selectOption("5");
    await page.waitForFunction((n) => Number(document.querySelector("canvas.graph-canvas")?.getAttribute("data-node-count")) < n, shown.nodes);
    // The section's title just under the sticky top bar.
    await page.locator("#lineage").evaluate((el) => {
      const bar = document.querySelector(".topbar")?.getBoundingClientRect().height ?? 0;
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - bar - 8);
    });
    await page.getByRole("button", { name: "Fit to view" }).click();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(process.env.UPDATE_DOCS_SCREENSHOTS ? docs : shots, "lineage.png") });
  });

  test("a flagged inference spells out each of its violations", async () => {
    // The planted violation with the most broken rules (then the most contributions named).
    const score = (v: ManifestViolation) => v.rules.length * 1000 + v.rules.reduce((n, r) => n + r.contributionIds.length, 0);
    const planted = [...scenario!.manifest.violations].sort((a, b) => score(b) - score(a))[0];
    expect(planted, "the scenario plants violations").toBeDefined();
    const v = planted!;
    const { inference } = await api<{ inference: { clean: boolean; violations: { rule: string; contributionIds: string[] }[] } }>(
      `query($id: BigInt!) { inference(id: $id) { clean violations { rule contributionIds } } }`,
      { id: v.inferenceId },
    );
    expect(inference.clean).toBe(false);
    expect(inference.violations.map((x) => x.rule).sort()).toEqual(v.rules.map((r) => r.rule).sort());

    await go(`/inference/${v.inferenceId}`);
    const list = page.getByTestId("violations");
    await list.waitFor();
    const items = list.locator(".violation");
    expect(await items.count()).toBe(v.rules.length);
    for (const rule of v.rules) {
      const spelled = RULES[rule.rule];
      expect(spelled, `the UI knows ${rule.rule}`).toBeDefined();
      const item = items.filter({ hasText: rule.rule });
      expect(await item.count()).toBe(1);
      const text = (await item.textContent()) ?? "";
      expect(text).toContain(spelled!.title);
      const links = (await item.locator('a[href^="/contribution/"]').allTextContents()).map((t) => t.replace(/^#/, ""));
      expect(links.sort()).toEqual([...rule.contributionIds].sort());
    }
    await settle();
    await shot("inference.png");
  });

  test("a datanet named like markup with a javascript: URI renders as inert text", async () => {
    const { datanets } = await api<{ datanets: { items: { id: string; name: string; metadataURI: string }[] } }>(
      `query($n: String!) { datanets(where: { name: $n }) { items { id name metadataURI } } }`,
      { n: HOSTILE_DATANET_NAME },
    );
    const d = datanets.items[0];
    expect(d, "the simulator creates the hostile datanet").toBeDefined();
    expect(d!.metadataURI.toLowerCase()).toMatch(/^javascript:/);
    const doc = await go(`/datanet/${d!.id}`);
    // The server's policy forbids inline and third-party script.
    const csp = (await doc.allHeaders())["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"));
    expect(scriptSrc).toBe("script-src 'self'");
    const title = page.getByTestId("datanet-name");
    await title.waitFor();
    await expect.poll(() => page.getByText(HOSTILE_DATANET_NAME, { exact: true }).first().isVisible()).toBe(true);
    expect(await title.textContent()).toContain(HOSTILE_DATANET_NAME);
    const uri = page.getByTestId("datanet-uri");
    expect(await uri.textContent()).toContain(d!.metadataURI);
    await settle();
    await page.waitForTimeout(300);
    const dom = await page.evaluate(() => ({
      imgs: [...document.querySelectorAll("img")].map((i) => i.getAttribute("src")),
      onerror: document.querySelectorAll("[onerror]").length,
      jsLinks: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href") ?? "").filter((h) => /^\s*(javascript|data|vbscript):/i.test(h)),
      uriLinks: document.querySelector('[data-testid="datanet-uri"]')?.querySelectorAll("a").length ?? -1,
    }));
    expect(dom).toEqual({ imgs: [], onerror: 0, jsLinks: [], uriLinks: 0 });
    expect(dialogs).toEqual([]);
    await shot("datanet-hostile.png");
  });

  test("the audit page counts every planted violation and every dishonest training run", async () => {
    const m = scenario!.manifest;
    const { auditInferences, auditTrainingRuns } = await api<{ auditInferences: { totalCount: number }; auditTrainingRuns: { totalCount: number } }>(
      `{ auditInferences(limit: 1) { totalCount } auditTrainingRuns(limit: 1) { totalCount } }`,
    );
    // The API's extras (api/testkit.ts) are one clean inference and one honest run: the manifest is the whole truth.
    expect(auditInferences.totalCount).toBe(m.violations.length);
    expect(auditTrainingRuns.totalCount).toBe(m.trainingRuns.filter((r) => !r.honest).length);
    await go("/audit");
    await page.getByText(`Flagged inferences (${m.violations.length})`).waitFor();
    const rows = page.locator(".table tbody tr");
    await rows.first().waitFor();
    // Every listed inference is one the simulator planted a violation in.
    const planted = new Set(m.violations.map((v) => v.inferenceId));
    const listed = (await rows.locator('td:first-child a[href^="/inference/"]').allTextContents()).map((t) => t.replace(/^#/, ""));
    expect(listed.length).toBe(await rows.count());
    expect(listed.filter((id) => !planted.has(id))).toEqual([]);
    await settle();
    await shot("audit.png");
    await page.getByRole("link", { name: "Unverified training runs" }).click();
    await page.getByText(`Unverified training runs (${auditTrainingRuns.totalCount})`).waitFor();
    await settle();
    await shot("audit-runs.png");
  });
});
