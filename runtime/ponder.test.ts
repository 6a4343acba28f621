import { describe, expect, test } from "vitest";
import { cacheBytesDefault, DEFAULT_CACHE_BYTES } from "./ponder.js";

describe("Ponder's row cache cap by default", () => {
  test.each([
    ["caps the cache on PostgreSQL when the user set none", { DATABASE_URL: "postgresql://127.0.0.1/db" }, { PONDER_CACHE_BYTES: String(DEFAULT_CACHE_BYTES) }],
    ["treats a blank PONDER_CACHE_BYTES as unset", { DATABASE_URL: "postgresql://127.0.0.1/db", PONDER_CACHE_BYTES: " " }, { PONDER_CACHE_BYTES: String(DEFAULT_CACHE_BYTES) }],
    ["keeps the user's own cap", { DATABASE_URL: "postgresql://127.0.0.1/db", PONDER_CACHE_BYTES: "1000" }, {}],
    ["leaves PGlite (no DATABASE_URL) to Ponder's default", {}, {}],
    ["leaves PGlite (blank DATABASE_URL) to Ponder's default", { DATABASE_URL: "" }, {}],
  ])("%s", (_name, env, expected) => {
    expect(cacheBytesDefault(env)).toEqual(expected);
  });
});
