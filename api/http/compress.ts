/**
 * Compresses what the server sends (the explorer's files, GraphQL answers, the CSV) for clients that
 * ask for it: brotli, else gzip. Hono's compress() has no brotli on Node 20 (CompressionStream knows
 * gzip and deflate only), so this uses node:zlib. Answers are compressed as they stream, at levels
 * cheap enough for every request; hashed assets (Cache-Control immutable: their bytes never change
 * under a path) are compressed once at the smallest size and kept in memory.
 */
import { promisify } from "node:util";
import { Duplex } from "node:stream";
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from "node:zlib";
import { createMiddleware } from "hono/factory";

export type Encoding = "br" | "gzip";

/** Bodies of a known length below this go out as they are (compression would save less than a packet). */
export const MIN_BYTES = 1024;

/** Picks brotli or gzip from an Accept-Encoding header, honouring q-values (q=0 refuses); null: neither. */
export function chooseEncoding(accept: string | null | undefined): Encoding | null {
  if (!accept) return null;
  const q = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [raw, ...params] = part.toLowerCase().split(";");
    const name = raw?.trim();
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const of = (e: Encoding) => q.get(e) ?? q.get("*") ?? 0;
  const br = of("br");
  const gz = of("gzip");
  if (br > 0 && br >= gz) return "br";
  return gz > 0 ? "gzip" : null;
}

/** Text-like content types worth compressing (images and fonts are compressed already). */
export function compressible(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(";")[0]!.trim().toLowerCase();
  // An event stream must reach the client event by event, never held in a compressor's buffer.
  if (t === "text/event-stream") return false;
  return t.startsWith("text/") || /^application\/(json|javascript|graphql-response\+json|manifest\+json|xml|[\w.-]+\+(json|xml))$/.test(t) || t === "image/svg+xml";
}

const streamer = (e: Encoding) =>
  e === "br"
    ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
    : createGzip({ level: 6 });

const brotliOnce = promisify(brotliCompress);
const gzipOnce = promisify(gzip);
const smallest = (e: Encoding, bytes: Buffer) =>
  e === "br"
    ? brotliOnce(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
    : gzipOnce(bytes, { level: 9 });

/** Compressed immutable files, by path and encoding (the built explorer: a few hundred KiB in all). */
const kept = new Map<string, Promise<Buffer>>();
const KEPT_MAX = 256;

export function compress() {
  return createMiddleware(async (c, next) => {
    await next();
    const res = c.res;
    const encoding = chooseEncoding(c.req.header("Accept-Encoding"));
    const h = res.headers;
    if (c.req.method === "HEAD" || !res.body || res.status < 200 || res.status === 204 || res.status === 206) return;
    if (h.has("Content-Encoding") || !compressible(h.get("Content-Type"))) return;
    h.append("Vary", "Accept-Encoding");
    const length = h.get("Content-Length");
    if (!encoding || (length !== null && Number(length) < MIN_BYTES)) return;

    // Hono copies the old response's headers onto a new one: set the body first, then the headers.
    const replace = (body: BodyInit, size?: number) => {
      c.res = new Response(body, res);
      c.res.headers.set("Content-Encoding", encoding);
      if (size === undefined) c.res.headers.delete("Content-Length");
      else c.res.headers.set("Content-Length", String(size));
    };
    if (/\bimmutable\b/.test(h.get("Cache-Control") ?? "")) {
      const key = `${encoding} ${c.req.path}`;
      let done = kept.get(key);
      if (!done) {
        done = res.arrayBuffer().then((b) => smallest(encoding, Buffer.from(b)));
        if (kept.size >= KEPT_MAX) kept.delete(kept.keys().next().value!);
        kept.set(key, done);
        done.catch(() => kept.delete(key));
      } else await res.body.cancel();
      const bytes = await done;
      replace(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), bytes.length);
      return;
    }
    replace(res.body.pipeThrough(Duplex.toWeb(streamer(encoding)) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>));
  });
}
