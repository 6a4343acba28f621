/**
 * The one error handler of the app: every failure becomes a clean JSON response (REST: {error};
 * /graphql: {errors: [...]}) with no stack trace. Expected client errors carry their status;
 * anything else is logged and answered 500 with a generic message.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { RetryableError } from "../graphql/admission.js";

/** A client error with a message safe to show: REST routes answer {error: message}. */
export class ApiError extends Error {
  constructor(
    public readonly status: 400 | 404 | 405 | 413 | 415 | 422 | 503,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function errorBody(path: string, message: string, code: string) {
  return path === "/graphql" || path.startsWith("/graphql/") ? { errors: [{ message, extensions: { code } }] } : { error: message };
}

export function onError(err: Error, c: Context): Response {
  const path = c.req.path;
  if (err instanceof RetryableError) {
    return c.json({ ...errorBody(path, err.message, err.code), retryAfter: err.retryAfterSeconds }, 503, { "Retry-After": String(err.retryAfterSeconds) });
  }
  if (err instanceof ApiError) return c.json(errorBody(path, err.message, err.status === 400 ? "BAD_REQUEST" : `HTTP_${err.status}`), err.status);
  if (err instanceof HTTPException && err.status < 500) {
    const message = err.status === 413 ? "request body too large" : err.message || "bad request";
    return c.json(errorBody(path, message, `HTTP_${err.status}`), err.status);
  }
  console.error(`[api] ${c.req.method} ${path} failed: ${err.stack ?? err.message}`);
  return c.json(errorBody(path, "internal error: try again, and report it if it persists", "INTERNAL_SERVER_ERROR"), 500);
}
