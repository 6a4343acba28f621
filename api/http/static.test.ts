/** serveExplorer in process (app.request): files inside the root only, the SPA fallback, caching, API paths left alone. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { beforeAll, expect, test } from "vitest";
import { isApiPath, resolveStatic, serveExplorer } from "./static.js";

let root: string;
let app: Hono;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "static-"));
  root = join(dir, "dist");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>explorer</title>");
  writeFileSync(join(root, "assets", "app-1a2b.js"), "console.log(1)");
  writeFileSync(join(root, "robots.txt"), "User-agent: *");
  writeFileSync(join(dir, "secret.txt"), "outside the root");
  app = new Hono();
  app.use("*", serveExplorer(root));
  app.all("*", (c) => c.text("next", 404));
});

test.each<[string, string, number, string, string | null, string | null]>([
  // method, path, status, body, content-type, cache-control
  ["GET", "/", 200, "<!doctype html><title>explorer</title>", "text/html; charset=utf-8", "no-cache"],
  ["GET", "/model/3", 200, "<!doctype html><title>explorer</title>", "text/html; charset=utf-8", "no-cache"],
  ["GET", "/assets/app-1a2b.js", 200, "console.log(1)", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"],
  ["GET", "/robots.txt", 200, "User-agent: *", "text/plain; charset=utf-8", "no-cache"],
  ["HEAD", "/robots.txt", 200, "", "text/plain; charset=utf-8", "no-cache"],
  ["GET", "/assets/missing.js", 404, "next", "text/plain; charset=UTF-8", null],
  // The URL parser resolves ".." first: this asks for /secret.txt, which the root does not hold.
  ["GET", "/../secret.txt", 404, "next", "text/plain; charset=UTF-8", null],
  ["GET", "/%2e%2e/secret.txt", 404, "next", "text/plain; charset=UTF-8", null],
  ["GET", "/graphql", 404, "next", "text/plain; charset=UTF-8", null],
  ["GET", "/api/accounts", 404, "next", "text/plain; charset=UTF-8", null],
  ["POST", "/", 404, "next", "text/plain; charset=UTF-8", null],
])("%s %s → %d", async (method, path, status, body, type, cache) => {
  const res = await app.request(path, { method });
  expect([res.status, await res.text(), res.headers.get("content-type"), res.headers.get("cache-control")]).toEqual([status, body, type, cache]);
});

test.each<[string, boolean]>([
  ["/api", true],
  ["/api/receipts/inferences/1.json", true],
  ["/graphql", true],
  ["/health", true],
  ["/metrics", true],
  ["/apis", false],
  ["/model/1", false],
  ["/", false],
])("isApiPath(%j) is %s", (path, want) => {
  expect(isApiPath(path)).toBe(want);
});

test.each<[string, string | null]>([
  ["/robots.txt", "robots.txt"],
  ["/assets/app-1a2b.js", "assets/app-1a2b.js"],
  ["/assets", null],
  ["/%2e%2e/secret.txt", null],
  ["/..%2fsecret.txt", null],
  ["/%00robots.txt", null],
  ["/%E0%A4%A", null],
])("resolveStatic(root, %j) is %j", (path, want) => {
  expect(resolveStatic(root, path)).toBe(want === null ? null : join(root, want));
});
