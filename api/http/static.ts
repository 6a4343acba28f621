/**
 * Serves the built explorer (explorer-ui/dist) from the API's own port, with the SPA fallback:
 * any GET that is not an API path and not a file gets index.html, so client-side routes work on
 * reload. Paths are resolved inside the root only (no traversal), hashed assets are cached forever.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { createMiddleware } from "hono/factory";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Paths the explorer never owns: they 404 as JSON instead of falling back to index.html. */
export function isApiPath(path: string): boolean {
  return /^\/(api|graphql|health|ready|status|metrics)(\/|$)/.test(path);
}

/** The file under root a URL path names, or null (outside root, missing, a directory). */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const full = resolve(root, `.${normalize(`/${decoded}`)}`);
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    return statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

function fileResponse(path: string, method: string, immutable: boolean): Response {
  const headers = new Headers({
    "Content-Type": TYPES[extname(path).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": String(statSync(path).size),
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (method === "HEAD") return new Response(null, { headers });
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers });
}

export function serveExplorer(rootDir: string) {
  const root = resolve(rootDir);
  return createMiddleware(async (c, next) => {
    const method = c.req.method;
    if ((method !== "GET" && method !== "HEAD") || isApiPath(c.req.path)) return next();
    const file = resolveStatic(root, c.req.path);
    if (file) return fileResponse(file, method, c.req.path.startsWith("/assets/"));
    // SPA fallback: a route of the explorer, not a missing asset.
    const index = join(root, "index.html");
    if (extname(c.req.path) === "" && existsSync(index)) return fileResponse(index, method, false);
    return next();
  });
}
