/**
 * Ponder 0.16 serves /health, /ready, /status and /metrics from its own Hono app, in front of ours,
 * with none of our middleware: /metrics (versions, heap, per-route statistics) and /status were
 * public and lacked the security headers. Ponder offers no hook for that server, but it creates it
 * with `http.createServer` read from node:http at start-up, after loading our API module. So the
 * API module wraps that function once, before Ponder calls it, and the server Ponder makes:
 * - sends the security headers on every response, Ponder's routes included;
 * - answers /metrics and /status only to operators: requests with `Authorization: Bearer <token>`
 *   where the token is API_OPERATOR_TOKEN; without the variable, or with another token, they are
 *   404 like any unknown path (runtime/ponder.ts gives the processes it starts a random token);
 * - reads request heads of up to 80 KiB (Node's default is 16 KiB), so a GET /graphql?query= of
 *   up to LIMITS.maxBodyBytes reaches our 413, and answers a larger head with a JSON 431.
 * /health and /ready stay public: they say nothing but "up" and "caught up".
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { timingSafeEqual } from "node:crypto";
import { SECURITY_HEADERS } from "./headers.js";

export const OPERATOR_TOKEN_VARIABLE = "API_OPERATOR_TOKEN";
export const OPERATOR_PATHS = new Set(["/metrics", "/status"]);
export const MAX_HEADER_BYTES = 80 * 1024;

const WRAPPED = Symbol.for("openledger.ponderServerGuard");

/** The path as a router would match it: percent-decoded, repeated and trailing slashes folded. */
export function routePath(url: string | undefined): string {
  const raw = (url ?? "/").split("?")[0]!.split("#")[0]!;
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {}
  path = path.replace(/\/{2,}/g, "/");
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** True when the request carries `Authorization: Bearer <token>` for the configured token. */
export function isOperator(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function writeJson(res: http.ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

/** A request head Node refused before any handler ran: a JSON answer instead of a bare status line. */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (!socket.writable) return void socket.destroy();
  const [status, text, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", `the request's URL and headers exceed ${MAX_HEADER_BYTES / 1024} KiB; send the query as POST /graphql with a JSON body`]
      : [400, "Bad Request", "malformed HTTP request"];
  const body = JSON.stringify({ error: message });
  const headers = Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`);
}

/** Wraps node:http's createServer once per process (see the module comment). */
export function guardPonderServer(env: Record<string, string | undefined> = process.env): void {
  const current = http.createServer as typeof http.createServer & { [WRAPPED]?: true };
  if (current[WRAPPED]) return;
  const original = current;
  const token = env[OPERATOR_TOKEN_VARIABLE]?.trim() || undefined;
  const wrapped = function createServer(optionsOrListener?: http.ServerOptions | http.RequestListener, maybeListener?: http.RequestListener) {
    const options = typeof optionsOrListener === "function" ? {} : (optionsOrListener ?? {});
    const listener = typeof optionsOrListener === "function" ? optionsOrListener : maybeListener;
    const guarded: http.RequestListener = (req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const path = routePath(req.url);
      if (OPERATOR_PATHS.has(path) && !isOperator(req.headers.authorization, token)) {
        return writeJson(res, 404, { error: `no such endpoint: ${req.method} ${path}` });
      }
      listener?.(req, res);
    };
    const server = original.call(http, { maxHeaderSize: MAX_HEADER_BYTES, ...options }, guarded);
    server.on("clientError", onClientError);
    return server;
  } as typeof http.createServer & { [WRAPPED]?: true };
  wrapped[WRAPPED] = true;
  http.createServer = wrapped;
}
