/** onError in process (app.request): each failure becomes JSON with its status, REST or GraphQL shaped, never a stack. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { afterEach, expect, test, vi } from "vitest";
import { RetryableError } from "../graphql/admission.js";
import { ApiError, onError } from "./errors.js";

function app(err: () => Error) {
  const a = new Hono();
  a.all("*", () => {
    throw err();
  });
  a.onError(onError);
  return a;
}

afterEach(() => vi.restoreAllMocks());

test.each<[string, () => Error, string, number, unknown, Record<string, string>]>([
  ["an ApiError on a REST path", () => new ApiError(404, "no such endpoint"), "/api/x", 404, { error: "no such endpoint" }, {}],
  ["an ApiError on /graphql", () => new ApiError(405, "use GET or POST"), "/graphql", 405, { errors: [{ message: "use GET or POST", extensions: { code: "HTTP_405" } }] }, {}],
  ["a 400 ApiError", () => new ApiError(400, "bad address"), "/graphql/schema.graphql", 400, { errors: [{ message: "bad address", extensions: { code: "BAD_REQUEST" } }] }, {}],
  ["a body too large", () => new HTTPException(413, { message: "whatever" }), "/graphql", 413, { errors: [{ message: "request body too large", extensions: { code: "HTTP_413" } }] }, {}],
  ["another client HTTPException without a message", () => new HTTPException(415), "/api/y", 415, { error: "bad request" }, {}],
  ["a busy server", () => new RetryableError("the server is busy", "SERVER_BUSY", 3), "/graphql", 503, { errors: [{ message: "the server is busy", extensions: { code: "SERVER_BUSY" } }], retryAfter: 3 }, { "retry-after": "3" }],
  ["a bug", () => new Error("secret detail at /srv/app.ts:12"), "/api/z", 500, { error: "internal error: try again, and report it if it persists" }, {}],
  ["a server-side HTTPException", () => new HTTPException(502, { message: "upstream detail" }), "/graphql", 500, { errors: [{ message: "internal error: try again, and report it if it persists", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }, {}],
])("%s", async (_, err, path, status, body, headers) => {
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const res = await app(err).request(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const text = await res.text();
  expect(JSON.parse(text)).toEqual(body);
  expect(text).not.toContain("/srv/app.ts");
  for (const [name, value] of Object.entries(headers)) expect(res.headers.get(name)).toBe(value);
  // Only the unexpected failures are logged (with their stack, on the server side).
  expect(logged.mock.calls.length).toBe(status === 500 ? 1 : 0);
});
