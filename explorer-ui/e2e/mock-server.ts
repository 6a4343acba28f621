/**
 * A mock of the explorer's server for browser tests and local UI work: serves the built UI
 * (explorer-ui/dist or any dir) with the production security headers, answers /graphql by executing
 * queries against the API's real schema with canned data (fixtures.ts), and serves the CSV route.
 *
 *   npx tsx explorer-ui/e2e/mock-server.ts [port]      (after npm run build:ui)
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, graphql, type GraphQLSchema } from "graphql";
import { earningsCsv, rootValue } from "./fixtures";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "../..");

/** The policy the real server must send as a header (frame-ancestors cannot live in a meta tag). */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function loadApiSchema(): Promise<GraphQLSchema> {
  const published = join(repo, "schema.graphql");
  if (existsSync(published)) return buildSchema(readFileSync(published, "utf8"));
  const mod = (await import("../../api/graphql/typeDefs")) as { typeDefs: string };
  return buildSchema(mod.typeDefs);
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json", ".ico": "image/x-icon",
};

function securityHeaders(res: ServerResponse) {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
}

async function readBody(req: IncomingMessage, max = 1_000_000): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new Error("body too large");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface MockServer {
  url: string;
  server: Server;
  /** GraphQL operations received, by name (tests can check what the UI asked). */
  operations: string[];
  close: () => Promise<void>;
}

export async function startMockServer(opts: { distDir?: string; port?: number; delayMs?: number; rootValue?: typeof rootValue } = {}): Promise<MockServer> {
  const dist = resolve(opts.distDir ?? join(here, "..", "dist"));
  const schema = await loadApiSchema();
  const operations: string[] = [];
  const server = createServer(async (req, res) => {
    securityHeaders(res);
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/graphql" && req.method === "POST" && /text\/event-stream/.test(req.headers.accept ?? "")) {
        // No subscriptions here: a JSON answer, so the explorer's live feed falls back to polling.
        await readBody(req);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "the mock server streams no subscriptions" }] }));
        return;
      }
      if (url.pathname === "/graphql" && req.method === "POST") {
        const body = JSON.parse(await readBody(req)) as { query?: string; variables?: Record<string, unknown>; operationName?: string };
        const name = /query\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "anonymous";
        operations.push(name);
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        const result = await graphql({ schema, source: body.query ?? "", variableValues: body.variables ?? {}, rootValue: opts.rootValue ?? rootValue });
        res.writeHead(result.errors && !result.data ? 400 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(result));
        return;
      }
      const csv = /^\/api\/accounts\/([^/]+)\/earnings\.csv$/.exec(url.pathname);
      if (csv) {
        const address = decodeURIComponent(csv[1]!);
        if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: "invalid address: expected 0x followed by 40 hex digits" }));
          return;
        }
        res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="earnings-${address.toLowerCase()}.csv"` });
        res.end(earningsCsv(address));
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405).end();
        return;
      }
      // Static files; anything else is a client route -> index.html.
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, "");
      let file = join(dist, rel);
      if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, "index.html");
      if (!existsSync(file)) {
        res.writeHead(503, { "content-type": "text/plain" }).end("UI not built: run npm run build:ui");
        return;
      }
      const ext = extname(file);
      res.writeHead(200, {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": file.includes(`${join(dist, "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache",
      });
      res.end(readFileSync(file));
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: e instanceof Error ? e.message : "bad request" }] }));
    }
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    operations,
    close: () => new Promise<void>((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 4173);
  startMockServer({ port }).then((m) => console.log(`mock explorer server on ${m.url}`));
}
