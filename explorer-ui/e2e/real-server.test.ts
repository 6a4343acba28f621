/**
 * The explorer in Debian's chromium against a served, indexed scenario: anvil + deploy + the
 * simulator (tiny, fixed seed) + `ponder start` on PGlite serving the API and the built UI on one
 * port (testkit/api.ts). Every expected value comes from the chain's own views, the simulator's
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
import { getAddress, keccak256, toHex, type Address } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { buildExplorer, explorerDistIsFresh } from "../../runtime/explorer.js";
import { AttributionEngineAbi } from "../../abis/index.js";
import { gql, startApiScenario, type ApiScenario } from "../../testkit/api.js";
import { indexedBlock } from "../../runtime/ponder.js";
import type { ManifestViolation } from "../../sim/index.js";
import { formatAmountString } from "../src/lib/amount";
import { RULES } from "../src/lib/format";
import { TABLE_PAGE } from "../src/lineage/table";
import { axeViolations, overflowing } from "./a11y";

const here = fileURLToPath(new URL(".", import.meta.url));
const uiRoot = resolve(here, "..");
const repo = resolve(uiRoot, "..");
const docs = join(repo, "docs");
/** UPDATE_DOCS_SCREENSHOTS=1 writes the committed set (docs/screenshots/real, docs/screenshots/phone, docs/lineage.png). */
const updateDocs = !!process.env.UPDATE_DOCS_SCREENSHOTS;
const shotRoot = updateDocs ? join(docs, "screenshots") : join(process.env.E2E_SCREENSHOT_DIR ?? join(repo, "test-results", "screenshots"));
const shots = join(shotRoot, "real");
const phoneShots = join(shotRoot, "phone");
const PHONE = { width: 390, height: 844 };
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
  const done = buildExplorer(dir);
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
    // The live feed's event stream (/graphql?live) stays open by design.
    const busy = [...inFlight.keys()].filter((u) => !u.includes(".worker") && !u.includes("/graphql?live"));
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
  const at = await indexedBlock(scenario.server);
  expect(at).toBeGreaterThanOrEqual(Number(scenario.manifest.lastBlock));
  mkdirSync(shots, { recursive: true });
  mkdirSync(phoneShots, { recursive: true });
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

  test("an account as of a past block shows AttributionEngine.claimable() at that block, marked historical; a date resolves to the last block at or before it", async () => {
    const s = scenario!;
    // An account that claimed: as of the block before its first claim it had more to claim than after it.
    const { topEarners } = await api<{ topEarners: { address: string; claims: { items: { blockNumber: string }[] } }[] }>(
      `{ topEarners(limit: 50) { address claims(limit: 1) { items { blockNumber } } } }`,
    );
    const claimer = topEarners.find((a) => a.claims.items.length > 0);
    expect(claimer, "the scenario has an account that claimed").toBeDefined();
    const address = claimer!.address;
    const past = BigInt(claimer!.claims.items[0]!.blockNumber) - 1n;
    const claimableAt = (blockNumber: bigint) => s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address as Address], blockNumber });
    const [then, now] = await Promise.all([claimableAt(past), s.chain.client.readContract({ address: s.chain.engine, abi: AttributionEngineAbi, functionName: "claimable", args: [address as Address] })]);

    await go(`/account/${address}?block=${past}`);
    const banner = page.getByTestId("asof-banner");
    await expect.poll(() => banner.textContent()).toContain(`as of block ${Number(past).toLocaleString("en-US")}`);
    expect(await shownAmount(page.getByTestId("claimable")), "claimable at the past block, as the contract says").toBe(then.toString());
    // Every figure carries the marker.
    const stats = await page.locator(".stat").count();
    expect(await page.locator(".stat .asof-tag").count()).toBe(stats);
    expect(await page.locator(".card-head .asof-tag").count()).toBe(await page.locator(".card-head").count());
    const csv = await page.getByRole("link", { name: /CSV/ }).getAttribute("href");
    expect(csv).toBe(`/api/accounts/${address}/earnings.csv?toBlock=${past}`);
    await settle();
    await shot("account-as-of.png");

    // Back to now: the banner goes, the figures are today's.
    await page.getByRole("link", { name: "Back to now" }).click();
    await page.waitForURL((u) => !u.searchParams.has("block"));
    await expect.poll(() => page.getByTestId("asof-banner").count()).toBe(0);
    await expect.poll(() => shownAmount(page.getByTestId("claimable"))).toBe(now.toString());

    // A date-time: the last block at or before it (several blocks may share a second).
    const target = await s.chain.client.getBlock({ blockNumber: past });
    const when = new Date(Number(target.timestamp) * 1000).toISOString().slice(0, 19).replace("T", " ");
    const box = page.getByRole("textbox", { name: "As of" });
    await box.fill(`${when} UTC`);
    await box.press("Enter");
    await page.waitForURL((u) => u.searchParams.has("block"));
    const chosen = BigInt(new URL(page.url()).searchParams.get("block")!);
    const [atChosen, next] = await Promise.all([s.chain.client.getBlock({ blockNumber: chosen }), s.chain.client.getBlock({ blockNumber: chosen + 1n }).catch(() => null)]);
    expect(chosen).toBeGreaterThanOrEqual(past);
    expect(atChosen.timestamp).toBeLessThanOrEqual(target.timestamp);
    if (next) expect(next.timestamp).toBeGreaterThan(target.timestamp);
    const thenChosen = (await claimableAt(chosen)).toString();
    await expect.poll(() => shownAmount(page.getByTestId("claimable"))).toBe(thenChosen);

    // A typo gets a clear message and leaves the view as it was.
    await box.fill("2040-02-30");
    await box.press("Enter");
    await expect.poll(() => page.locator(".asof-error").first().textContent()).toContain("not a calendar date");
    expect(new URL(page.url()).searchParams.get("block")).toBe(String(chosen));
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
    await page.screenshot({ path: join(updateDocs ? docs : shots, "lineage.png") });
  });

  test("contribution, datanet and account pages draw where their data went: the API's nodes, flows adding up to what they earned, chain names as text, as of the page's block", async () => {
    const s = scenario!;
    const down = (field: string, arg: string, type: string) => `query Down($id: ${type}, $block: BlockHeight) { ${field}(${arg}: $id, depth: 8, limit: 25, recentInferences: 20, block: $block) { rootId amount nodes { id kind label } edges { from to amount } } }`;
    type Down = { rootId: string; amount: string; nodes: { id: string; kind: string; label: string }[]; edges: { from: string; to: string; amount: string }[] };
    // The contribution that earned most, the datanet named like markup, the top earner.
    const { contributions } = await api<{ contributions: { items: { id: string }[] } }>(`{ contributions(limit: 1000) { items { id } } }`);
    const earned = await Promise.all(contributions.items.map(async (c) => ({ id: c.id, earned: BigInt((await api<{ contribution: { earned: string } }>(`query($id: BigInt!) { contribution(id: $id) { earned } }`, { id: c.id })).contribution.earned) })));
    const contribution = earned.reduce((x, y) => (y.earned > x.earned ? y : x));
    const { datanets } = await api<{ datanets: { items: { id: string }[] } }>(`query($n: String!) { datanets(where: { name: $n }) { items { id } } }`, { n: HOSTILE_DATANET_NAME });
    const { topEarners } = await api<{ topEarners: { address: string }[] }>(`{ topEarners(limit: 1) { address } }`);
    const mid = BigInt(s.manifest.lastBlock) / 2n;
    const views = [
      { name: "contribution", path: `/contribution/${contribution.id}`, q: down("contributionLineage", "contributionId", "BigInt!"), id: contribution.id, earned: contribution.earned.toString() },
      { name: "datanet", path: `/datanet/${datanets.items[0]!.id}`, q: down("datanetLineage", "datanetId", "BigInt!"), id: datanets.items[0]!.id, earned: (await api<{ datanet: { totalPaid: string } }>(`query($id: BigInt!) { datanet(id: $id) { totalPaid } }`, { id: datanets.items[0]!.id })).datanet.totalPaid },
      { name: "account", path: `/account/${topEarners[0]!.address}`, q: down("accountLineage", "address", "String!"), id: topEarners[0]!.address, earned: (await api<{ account: { earningsByRole: { role: string; accrued: string }[] } }>(`query($a: String!) { account(address: $a) { earningsByRole { role accrued } } }`, { a: topEarners[0]!.address })).account.earningsByRole.find((r) => r.role === "CONTRIBUTOR")!.accrued },
    ];
    for (const v of views) {
      for (const block of [null, mid]) {
        const want = Object.values(await api<Record<string, Down>>(v.q, { id: v.id, block: block === null ? null : { number: block.toString() } }))[0]!;
        if (block === null) {
          expect(want.amount, `${v.name} earned`).toBe(v.earned);
          expect(want.edges.filter((e) => e.from === want.rootId).reduce((t, e) => t + BigInt(e.amount), 0n)).toBe(BigInt(v.earned));
          expect(want.nodes.length, v.name).toBeGreaterThan(3);
        }
        await page.setViewportSize(VIEWPORT);
        await go(block === null ? v.path : `${v.path}?block=${block}`);
        await ready();
        const section = page.locator("#where-data-went");
        await section.scrollIntoViewIfNeeded(); // the graph loads when its section nears the viewport
        const canvas = section.locator("canvas.graph-canvas[data-node-count]");
        await canvas.waitFor({ timeout: 30_000 });
        expect({ nodes: Number(await canvas.getAttribute("data-node-count")), edges: Number(await canvas.getAttribute("data-edge-count")) }, `${v.name} as of ${block ?? "now"}`).toEqual({ nodes: want.nodes.length, edges: want.edges.length });
        if (block !== null) continue;
        for (const a of await axeViolations(page)) problems.push(`${v.name} at ${VIEWPORT.width} px: ${a}`);
        // Every node's name in the table view as the chain wrote it, as text.
        await section.getByRole("button", { name: /Table view/ }).click();
        const table = section.locator("#lineage-table");
        await table.locator("table").first().waitFor();
        const text = (await table.textContent()) ?? "";
        // The heaviest datanet (on the table's first page; the table pages the rest). Long names are cut at 48
        // characters, hidden characters shown as markers: compare a printable prefix.
        const datanet = want.nodes.find((x) => x.kind === "DATANET" && /^[\x20-\x7e]*$/.test(x.label));
        if (datanet) expect(text).toContain(datanet.label.slice(0, 40));
        if (v.name === "datanet") expect(text).toContain(HOSTILE_DATANET_NAME);
        expect(await page.locator("main img").count()).toBe(0);
        await section.getByRole("button", { name: /Hide table view/ }).click();
        if (v.name === "contribution") {
          const chart = page.locator("#earnings-over-time svg[role=img]");
          await chart.waitFor();
          expect(await chart.getAttribute("aria-label")).toContain(`${formatAmountString(v.earned).full} earned in all`);
        }
        await settle();
        await shot(`${v.name}-where-data-went.png`);
        await page.setViewportSize(PHONE);
        await go(v.path);
        await ready();
        await section.scrollIntoViewIfNeeded();
        await section.locator("canvas.graph-canvas[data-node-count]").waitFor({ timeout: 30_000 });
        for (const a of await axeViolations(page, { layoutOnly: true })) problems.push(`${v.name} at ${PHONE.width} px: ${a}`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(phoneShots, `${v.name}-where-data-went.png`), fullPage: true });
        await page.setViewportSize(VIEWPORT);
      }
    }
  }, 600_000);

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
    // The heading is drawn at once ("Datanet #1"); the name comes with the data.
    await title.getByText(HOSTILE_DATANET_NAME, { exact: true }).waitFor({ timeout: 30_000 });
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
    // The API's extras (testkit/api.ts) are one clean inference and one honest run: the manifest is the whole truth.
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

  test("the home page's live feed shows a new inference as soon as it is indexed, over the API's subscription, without polling", async () => {
    await go("/");
    await page.locator(".table tbody tr").first().waitFor();
    await page.getByText("live", { exact: true }).waitFor({ timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1000)); // the refresh on connecting
    const recentCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/graphql") && /recentInferences/.test(r.postData() ?? "")) recentCalls.push(new Date().toISOString());
    });
    await new Promise((r) => setTimeout(r, 5000));
    expect(recentCalls, "no polling of the feed while it is live (polling would ask every 4 s)").toEqual([]);
    const s = scenario!;
    const traced = await api<{ inferencesByOutput: { attributions: { contributionId: string; weightPpm: number }[] }[] }>(`query T($h: String!) { inferencesByOutput(outputHash: $h) { attributions { contributionId weightPpm } } }`, { h: keccak256(toHex("api-extra-output")) });
    const attributions = traced.inferencesByOutput[0]!.attributions;
    const receipt = await s.chain.send(s.chain.deployer, s.chain.engine, {
      abi: AttributionEngineAbi,
      functionName: "recordInference",
      args: [s.hostileModelId, keccak256(toHex("home-live-feed")), s.chain.accounts[9]!, 10n ** 18n, 1, attributions.map((a) => BigInt(a.contributionId)), attributions.map((a) => a.weightPpm)],
    });
    const [log] = await s.chain.client.getContractEvents({ address: s.chain.engine, abi: AttributionEngineAbi, eventName: "InferenceAttributed", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    const id = log!.args.inferenceId!.toString();
    await page.locator(`.table tbody tr a[href="/inference/${id}"]`).first().waitFor({ timeout: 20_000 });
    expect(recentCalls.length, "the feed refreshed because of the event").toBeGreaterThan(0);
  }, 120_000);
});

/** Every route of the explorer (src/routes.tsx), with ids of this scenario read from its own API. */
async function everyRoute(): Promise<{ name: string; path: string }[]> {
  const d = await api<{
    topModels: { id: string }[];
    trainingRuns: { items: { modelId: string; version: number }[] };
    contributions: { items: { id: string }[] };
    topEarners: { address: string }[];
    auditInferences: { items: { id: string; outputHash: string; transactionHash: string }[] };
    datanets: { items: { id: string }[] };
  }>(
    `query($n: String!) {
      topModels(limit: 1) { id }
      trainingRuns(orderBy: "modelId", limit: 1) { items { modelId version } }
      contributions(limit: 1) { items { id } }
      topEarners(limit: 1) { address }
      auditInferences(limit: 1) { items { id outputHash transactionHash } }
      datanets(where: { name: $n }) { items { id } }
    }`,
    { n: HOSTILE_DATANET_NAME },
  );
  const inf = d.auditInferences.items[0]!;
  const run = d.trainingRuns.items[0]!;
  return [
    { name: "home", path: "/" },
    { name: "search", path: "/search?q=lora" },
    { name: "account", path: `/account/${d.topEarners[0]!.address}` },
    { name: "model", path: `/model/${d.topModels[0]!.id}` },
    { name: "account-as-of", path: `/account/${d.topEarners[0]!.address}?block=${BigInt(scenario!.manifest.lastBlock) / 2n}` },
    { name: "model-as-of", path: `/model/${d.topModels[0]!.id}?block=${BigInt(scenario!.manifest.lastBlock) / 2n}` },
    { name: "training-run", path: `/model/${run.modelId}/run/${run.version}` },
    { name: "datanet", path: `/datanet/${d.datanets.items[0]!.id}` },
    { name: "contribution", path: `/contribution/${d.contributions.items[0]!.id}` },
    { name: "inference", path: `/inference/${inf.id}` },
    { name: "output", path: `/output/${inf.outputHash}` },
    { name: "tx", path: `/tx/${inf.transactionHash}` },
    { name: "audit", path: "/audit" },
    { name: "audit-runs", path: "/audit?tab=runs" },
    { name: "not-found", path: "/no/such/page" },
  ];
}

/** Waits until the page has its data: no request in flight, no loading state, a heading, a drawn graph. */
async function ready() {
  await settle();
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => document.querySelector(".state.loading, .graph-busy") === null && (document.querySelector(".graph-canvas") === null || document.querySelector(".graph-canvas[data-node-count]") !== null), undefined, { timeout: 30_000 });
}

describe("everyone can use it", () => {
  test("every route passes axe-core's WCAG 2.1 A/AA rules (and target size) on a desktop, its layout rules again at 390 px, where nothing sticks out or jumps", async () => {
    // Layout shifts while each page loads, summed (stricter than CLS, which keeps the worst 5 s window).
    await ctx.addInitScript(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) w.__shift += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    const shifted = () => page.evaluate(() => (window as unknown as { __shift: number }).__shift);
    const found: string[] = [];
    const times: string[] = [];
    for (const r of await everyRoute()) {
      const t0 = Date.now();
      await page.setViewportSize(VIEWPORT);
      await go(r.path);
      await ready();
      const desktopShift = await shifted();
      if (desktopShift >= 0.1) found.push(`${r.name} at ${VIEWPORT.width} px: layout shifts add up to ${desktopShift.toFixed(3)}`);
      for (const v of await axeViolations(page)) found.push(`${r.name} at ${VIEWPORT.width} px: ${v}`);
      // The same page on a phone; the graph picks its opening view when first drawn, so that page is loaded anew.
      await page.setViewportSize(PHONE);
      if (r.name === "model" || r.name === "home" || r.name === "account") {
        await go(r.path);
        await ready();
        const phoneShift = await shifted();
        if (phoneShift >= 0.1) found.push(`${r.name} at ${PHONE.width} px: layout shifts add up to ${phoneShift.toFixed(3)}`);
      } else await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
      for (const v of await axeViolations(page, { layoutOnly: true })) found.push(`${r.name} at ${PHONE.width} px: ${v}`);
      const o = await overflowing(page);
      if (o.scroll > 0 || o.culprits.length) found.push(`${r.name} at ${PHONE.width} px overflows by ${o.scroll} px: ${o.culprits.join(", ")}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(phoneShots, `${r.name}.png`), fullPage: true });
      times.push(`${r.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await page.setViewportSize(VIEWPORT);
    console.log(`[axe] ${times.join(", ")}`);
    expect(found).toEqual([]);
  }, 300_000);

  test("a keyboard alone opens an inference from the model page's graph, and the new page's heading gets the focus", async () => {
    const { topModels } = await api<{ topModels: { id: string }[] }>(`{ topModels(limit: 1) { id } }`);
    await page.setViewportSize(VIEWPORT);
    await go(`/model/${topModels[0]!.id}`);
    await ready();
    // Tab from the top of the page to the graph: it is in the tab order.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let tabs = 0;
    while (!(await page.evaluate(() => document.activeElement?.classList.contains("graph-canvas")))) {
      await page.keyboard.press("Tab");
      expect(++tabs, "Tab reaches the graph").toBeLessThan(150);
    }
    // The focus ring is drawn, inside the canvas (its box clips anything outside).
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe("solid");
    const said = page.getByTestId("graph-announce");
    const panel = page.getByRole("complementary", { name: "Selected node" });
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => said.textContent()).toMatch(/^Model: .*weight .*amount .* OPEN/);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => said.textContent()).toMatch(/^(Inference|Folded group): /);
    // The model's nearest right neighbour may be the "+N others" fold: step up the column to an inference.
    for (let i = 0; i < 30 && !/^Inference: /.test((await said.textContent()) ?? ""); i++) await page.keyboard.press("ArrowUp");
    const text = (await said.textContent()) ?? "";
    expect(text).toMatch(/^Inference: #?(\d+)(?:, flagged by the audit)?, weight [\d.]+ %, fee [\d,.]+ OPEN, \d+ connections?, Enter opens its page\.$/);
    await panel.waitFor();
    expect(await panel.textContent()).toContain("Inference");
    await page.keyboard.press("Escape");
    await expect.poll(() => said.textContent()).toBe("Selection cleared.");
    expect(await panel.count()).toBe(0);
    // The same way again, then Enter.
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    for (let i = 0; i < 30 && !/^Inference: /.test((await said.textContent()) ?? ""); i++) await page.keyboard.press("ArrowUp");
    const id = /^Inference: #?(\d+)/.exec((await said.textContent()) ?? "")?.[1];
    expect(id).toBeDefined();
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/inference/${id}`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName + " " + document.activeElement?.textContent)).toBe(`H1 Inference #${id}`);
    await expect.poll(() => page.getByTestId("route-announce").textContent()).toBe(`Inference ${id} page`);
    await settle();
  });

  test("Exact amounts, switched on by keyboard, shows every digit of every amount", async () => {
    const { topEarners } = await api<{ topEarners: { address: string; claimable: string }[] }>(`{ topEarners(limit: 1) { address claimable } }`);
    const a = topEarners[0]!;
    await page.setViewportSize(PHONE);
    await go(`/account/${a.address}`);
    await ready();
    const claimable = page.getByTestId("claimable").locator(".amount");
    expect(await claimable.textContent()).toBe(formatAmountString(a.claimable).text);
    const toggle = page.getByRole("button", { name: "Exact amounts" });
    await toggle.focus();
    await page.keyboard.press("Enter");
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    expect(await claimable.textContent()).toBe(formatAmountString(a.claimable).full);
    // Every amount on the page, the long ones included, within the phone's width.
    const o = await overflowing(page);
    expect([o.scroll, o.culprits]).toEqual([0, []]);
    await page.keyboard.press("Enter");
    expect(await claimable.textContent()).toBe(formatAmountString(a.claimable).text);
    await page.setViewportSize(VIEWPORT);
  });

  test("the graph's table view lists the drawn nodes and edges, sorts by keyboard, and passes axe", async () => {
    const { topModels } = await api<{ topModels: { id: string }[] }>(`{ topModels(limit: 1) { id } }`);
    await page.setViewportSize(VIEWPORT);
    await go(`/model/${topModels[0]!.id}`);
    await ready();
    const canvas = page.locator("canvas.graph-canvas");
    const nodes = Number(await canvas.getAttribute("data-node-count"));
    const edges = Number(await canvas.getAttribute("data-edge-count"));
    const toggle = page.locator('button[aria-controls="lineage-table"]');
    expect(await toggle.textContent()).toMatch(/^Table view/);
    await toggle.focus();
    await page.keyboard.press("Enter");
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    const tables = page.locator("#lineage-table table");
    expect(await tables.nth(0).locator("caption").textContent()).toBe(`Nodes (${nodes})`);
    expect(await tables.nth(1).locator("caption").textContent()).toContain(`Edges (${edges})`);
    expect(await tables.nth(0).locator("tbody tr").count()).toBe(Math.min(nodes, TABLE_PAGE));
    // Sorted by weight, heaviest first; Enter on "Name" sorts by name.
    const weightTh = tables.nth(0).locator("th", { hasText: "Weight" });
    expect(await weightTh.getAttribute("aria-sort")).toBe("descending");
    await tables.nth(0).getByRole("button", { name: "Name" }).focus();
    await page.keyboard.press("Enter");
    expect(await tables.nth(0).locator("th", { hasText: "Name" }).getAttribute("aria-sort")).toBe("ascending");
    expect(await weightTh.getAttribute("aria-sort")).toBeNull();
    expect(await axeViolations(page, { include: "#lineage" })).toEqual([]);
  });

  test("answers are compressed (br, else gzip), the graph's code loads only where a graph is drawn, hashed assets are cached for a year", async () => {
    const loaded: string[] = [];
    const onRequest = (r: { url(): string }) => loaded.push(new URL(r.url()).pathname);
    page.on("request", onRequest);
    try {
      await page.setViewportSize(VIEWPORT);
      await go("/");
      await ready();
      expect(loaded.filter((p) => /LineageGraph|layout\.worker/.test(p))).toEqual([]);
      await page.locator('a[href^="/model/"]').first().click();
      await page.locator("canvas.graph-canvas[data-node-count]").waitFor({ timeout: 30_000 });
      expect(loaded.filter((p) => /LineageGraph-[\w-]+\.js$/.test(p))).toHaveLength(1);
    } finally {
      page.off("request", onRequest);
    }
    const assets = loaded.filter((p) => p.startsWith("/assets/"));
    const js = assets.find((p) => /\/index-[\w-]+\.js$/.test(p))!;
    const body = JSON.stringify({ query: "{ network { inferences totalFees } recentInferences(limit: 20) { items { id fee } } }" });
    for (const [accept, want] of [["gzip, deflate, br", "br"], ["gzip", "gzip"], ["identity", null]] as const) {
      const a = await fetch(base + js, { headers: { "accept-encoding": accept } });
      expect([a.status, a.headers.get("content-encoding"), a.headers.get("cache-control")]).toEqual([200, want, "public, max-age=31536000, immutable"]);
      const g = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", "accept-encoding": accept }, body });
      expect([g.status, g.headers.get("content-encoding")]).toEqual([200, want]);
      expect(((await g.json()) as { data: { network: { inferences: number } } }).data.network.inferences).toBeGreaterThan(0);
    }
    const html = await fetch(base + "/model/1");
    expect(html.headers.get("cache-control")).toBe("no-cache");
  });
});
