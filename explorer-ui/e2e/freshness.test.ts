/**
 * The freshness badge and banner in a browser (Debian's chromium), against the mock API: caught
 * up, a quiet badge and no banner; an indexer 5 minutes behind the chain, the banner says so; the
 * API gone (`npm start`'s indexer and API are one process: killed, or restarting), the next poll
 * turns the badge to "offline" and a banner names the block last seen.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildExplorer } from "../../runtime/explorer.js";
import { rootValue } from "./fixtures";
import { startMockServer, type MockServer } from "./mock-server";

let browser: Browser;
let tmp = "";
const servers: MockServer[] = [];

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`No chromium at ${executablePath}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  tmp = mkdtempSync(join(tmpdir(), "explorer-ui-"));
  await buildExplorer(tmp);
  browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function page(values: typeof rootValue) {
  const server = await startMockServer({ distDir: tmp, rootValue: values });
  servers.push(server);
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(server.url + "/", { waitUntil: "domcontentloaded" });
  await p.getByTestId("freshness-badge").waitFor();
  return p;
}

describe("freshness in the explorer", () => {
  test("caught up: a quiet badge with the indexed block, no banner", async () => {
    const p = await page(rootValue);
    await expect.poll(() => p.getByTestId("freshness-badge").textContent()).toBe("block 4242 · live");
    expect(await p.getByTestId("freshness-banner").count()).toBe(0);
  });

  test("5 minutes behind the chain: a banner that says so", async () => {
    const behind = {
      ...rootValue,
      freshness: () => ({ ...rootValue.freshness(), head: { number: "4267", hash: rootValue.freshness().head.hash, timestamp: "1700000300" }, lagBlocks: "25", lagSeconds: 300 }),
    };
    const p = await page(behind);
    const banner = p.getByTestId("freshness-banner");
    await banner.waitFor();
    expect(await banner.textContent()).toBe("The figures are 5 min behind the chain (block 4242, the chain is at 4267): the indexer is stopped or catching up.");
    expect(await banner.getAttribute("role")).toBe("alert");
    expect(await p.getByTestId("freshness-badge").textContent()).toBe("5 min behind");
  });

  test("the API stopped after the page loaded: offline, and a banner with the block last seen", async () => {
    const server = await startMockServer({ distDir: tmp, rootValue });
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(server.url + "/", { waitUntil: "domcontentloaded" });
    await expect.poll(() => p.getByTestId("freshness-badge").textContent()).toBe("block 4242 · live");
    await server.close();
    const banner = p.getByTestId("freshness-banner");
    await banner.waitFor({ timeout: 40_000 }); // the badge polls every 15 s
    expect(await banner.textContent()).toBe("Cannot reach the API, so the figures may be out of date. The figures shown are as of block 4242.");
    expect(await banner.getAttribute("role")).toBe("alert");
    expect(await p.getByTestId("freshness-badge").textContent()).toBe("offline");
  }, 90_000);
});
