/**
 * The explorer's mock server for the UI benchmark: the built UI with the production security
 * headers, and /graphql executed against the API's published schema with the e2e fixtures
 * (explorer-ui/e2e/fixtures.ts), except that model 3's lineage is a canned graph of exactly
 * `nodes` nodes (generateLineage), changed between phases with setNodes().
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { graphql } from "graphql";
import { generateLineage, rootValue } from "../../explorer-ui/e2e/fixtures.js";
import { CSP, loadApiSchema } from "../../explorer-ui/e2e/mock-server.js";

export const MOCK_MODEL_ID = "3";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };

export interface UiMock {
  url: string;
  setNodes(n: number): void;
  close(): Promise<void>;
}

export async function startUiMock(distDir: string): Promise<UiMock> {
  const schema = await loadApiSchema();
  let lineage = generateLineage(MOCK_MODEL_ID, 500, "Canned lineage");
  const root = { ...rootValue, modelLineage: (a: { modelId: string }) => (a.modelId === MOCK_MODEL_ID ? lineage : rootValue.modelLineage(a)) };
  const server = createServer(async (req, res) => {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/graphql" && req.method === "POST") {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query?: string; variables?: Record<string, unknown> };
        const result = await graphql({ schema, source: body.query ?? "", variableValues: body.variables ?? {}, rootValue: root });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
        return;
      }
      let file = join(distDir, normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ""));
      if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(distDir, "index.html");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": file.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache" });
      res.end(readFileSync(file));
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: (e as Error).message }] }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setNodes: (n) => void (lineage = generateLineage(MOCK_MODEL_ID, n, `Canned lineage (${n} nodes)`)),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
