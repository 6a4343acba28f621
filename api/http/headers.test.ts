/** securityHeaders in process (app.request): every response carries them, errors and handler-set headers included. */
import { Hono } from "hono";
import { expect, test } from "vitest";
import { ApiError, onError } from "./errors.js";
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, securityHeaders } from "./headers.js";

function app() {
  const a = new Hono();
  a.use("*", securityHeaders);
  a.get("/ok", (c) => c.text("ok"));
  a.get("/own", (c) => c.text("ok", 200, { "X-Frame-Options": "SAMEORIGIN" }));
  a.get("/fail", () => {
    throw new ApiError(404, "nothing here");
  });
  a.onError(onError);
  return a;
}

test.each(["/ok", "/own", "/fail", "/missing"])("%s carries every security header", async (path) => {
  const res = await app().request(path);
  const got = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, res.headers.get(name)]));
  expect(got).toEqual(SECURITY_HEADERS);
});

test("the CSP allows only this origin (and blob: workers for the lineage layout)", () => {
  expect(CONTENT_SECURITY_POLICY).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
});
