import http from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SECURITY_HEADERS } from "./headers.js";
import { guardPonderServer, isOperator, MAX_HEADER_BYTES, routePath } from "./ponderServer.js";

test.each([
  ["/metrics", "/metrics"],
  ["/metrics/", "/metrics"],
  ["//metrics", "/metrics"],
  ["/%6Detrics", "/metrics"],
  ["/status?x=1", "/status"],
  ["/status#x", "/status"],
  ["/", "/"],
  ["/%E0%A4%A", "/%E0%A4%A"],
])("routePath(%j) is %j", (url, path) => {
  expect(routePath(url)).toBe(path);
});

test.each([
  ["Bearer s3cret", "s3cret", true],
  ["bearer s3cret ", "s3cret", true],
  ["Bearer s3cre", "s3cret", false],
  ["Bearer s3cret", undefined, false],
  [undefined, "s3cret", false],
  ["Basic s3cret", "s3cret", false],
])("isOperator(%j, %j) is %s", (header, token, expected) => {
  expect(isOperator(header, token)).toBe(expected);
});

describe("the server Ponder creates, once guarded", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    guardPonderServer({ API_OPERATOR_TOKEN: "s3cret" });
    guardPonderServer({ API_OPERATOR_TOKEN: "other" }); // a second call (Ponder's dev reload) changes nothing
    // What Ponder does: its routes, no headers of ours.
    server = http.createServer((req, res) => res.end(`ponder answered ${req.url}`));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test.each(["/metrics", "/status", "/metrics/", "/%73tatus"])("%s is a 404 without the operator token", async (path) => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "Bearer other" }] as Record<string, string>[]) {
      const res = await fetch(`${base}${path}`, { headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `no such endpoint: GET ${routePath(path)}` });
    }
  });

  test("operators reach /metrics and /status with their token", async () => {
    for (const path of ["/metrics", "/status"]) {
      const res = await fetch(`${base}${path}`, { headers: { authorization: "Bearer s3cret" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`ponder answered ${path}`);
    }
  });

  test("every response carries the security headers, Ponder's routes included", async () => {
    for (const path of ["/health", "/ready", "/metrics"]) {
      const res = await fetch(`${base}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    }
  });

  test("a GET URL of 70 KiB reaches the app (which answers its own 413), a larger head gets a JSON 431", async () => {
    const ok = await fetch(`${base}/graphql?query=${"x".repeat(70 * 1024)}`);
    expect(ok.status).toBe(200);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () => socket.write(`GET /graphql?query=${"x".repeat(MAX_HEADER_BYTES + 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toContain("X-Content-Type-Options: nosniff");
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toEqual({ error: expect.stringContaining("send the query as POST /graphql") });
  });
});
