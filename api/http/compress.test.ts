import { Hono } from "hono";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { chooseEncoding, compress, compressible, MIN_BYTES } from "./compress";

describe("chooseEncoding", () => {
  test.each([
    ["gzip, deflate, br, zstd", "br"],
    ["gzip", "gzip"],
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["gzip;q=0, br;q=0", null],
    ["identity", null],
    ["*", "br"],
    ["*;q=0.1, gzip;q=0", "br"],
    ["", null],
    [undefined, null],
    [" GZIP ; q=1 ", "gzip"],
  ])("Accept-Encoding %j picks %s", (header, want) => {
    expect(chooseEncoding(header)).toBe(want);
  });
});

describe("compressible", () => {
  test.each([
    ["text/html; charset=utf-8", true],
    ["text/javascript; charset=utf-8", true],
    ["application/json", true],
    ["application/graphql-response+json; charset=utf-8", true],
    ["image/svg+xml", true],
    ["text/csv; charset=utf-8", true],
    ["image/png", false],
    ["font/woff2", false],
    ["application/octet-stream", false],
    [null, false],
  ])("%s: %s", (type, want) => {
    expect(compressible(type)).toBe(want);
  });
});

const big = "All work and no play makes a dull explorer. ".repeat(200);

function app() {
  const a = new Hono();
  a.use("*", compress());
  a.get("/text", (c) => c.text(big));
  a.get("/small", (c) => c.body("tiny", 200, { "Content-Type": "text/plain", "Content-Length": "4" }));
  a.get("/png", (c) => c.body(Buffer.alloc(4096, 7), 200, { "Content-Type": "image/png" }));
  a.get("/assets/app.js", (c) => c.body(big, 200, { "Content-Type": "text/javascript", "Cache-Control": "public, max-age=31536000, immutable", "Content-Length": String(big.length) }));
  a.get("/stream", (c) =>
    c.body(new ReadableStream({ start(ctl) { for (let i = 0; i < 50; i++) ctl.enqueue(new TextEncoder().encode(`row ${i},${"x".repeat(100)}\n`)); ctl.close(); } }), 200, { "Content-Type": "text/csv" }),
  );
  return a;
}

const get = (path: string, accept?: string, method = "GET") => app().request(path, { method, headers: accept ? { "Accept-Encoding": accept } : {} });

describe("compress()", () => {
  test("answers brotli when asked for br, and the bytes decode to the original", async () => {
    const res = await get("/text", "gzip, br");
    expect(res.headers.get("Content-Encoding")).toBe("br");
    expect(res.headers.get("Vary")).toContain("Accept-Encoding");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(big.length / 10);
    expect(brotliDecompressSync(body).toString()).toBe(big);
  });

  test("answers gzip when only gzip is accepted", async () => {
    const res = await get("/text", "gzip");
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(big);
  });

  test("compresses a streamed body (the CSV) as it streams", async () => {
    const res = await get("/stream", "br");
    expect(res.headers.get("Content-Encoding")).toBe("br");
    expect(res.headers.get("Content-Length")).toBeNull();
    const text = brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString();
    expect(text.split("\n")).toHaveLength(51);
  });

  test("keeps hashed (immutable) assets compressed, with their compressed length", async () => {
    const a = app();
    const first = await a.request("/assets/app.js", { headers: { "Accept-Encoding": "br" } });
    const b1 = Buffer.from(await first.arrayBuffer());
    expect(first.headers.get("Content-Length")).toBe(String(b1.length));
    const second = await a.request("/assets/app.js", { headers: { "Accept-Encoding": "br" } });
    const b2 = Buffer.from(await second.arrayBuffer());
    expect(b2.equals(b1)).toBe(true);
    expect(brotliDecompressSync(b2).toString()).toBe(big);
    expect(second.headers.get("Cache-Control")).toContain("immutable");
  });

  test.each([
    ["/text", undefined, "GET", "nothing accepted"],
    ["/text", "identity", "GET", "identity only"],
    ["/small", "br", "GET", `under ${MIN_BYTES} bytes`],
    ["/png", "br", "GET", "an image"],
    ["/text", "br", "HEAD", "a HEAD request"],
  ])("leaves %s alone for %s / %s (%s)", async (path, accept, method, _why) => {
    const res = await get(path, accept, method);
    expect(res.headers.get("Content-Encoding")).toBeNull();
    if (method === "GET" && path === "/text") expect(await res.text()).toBe(big);
  });
});
