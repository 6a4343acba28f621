/**
 * Read only by Ponder, which loads ponder.config.ts, ponder.schema.ts, indexer/ and api/ through a
 * Vite dev server rooted here (the explorer has its own explorer-ui/vite.config.ts; vitest reads
 * vitest.config.ts). That server starts a file watcher over the whole project; `ponder start` and
 * `ponder serve` never reload, and the watcher then only costs CPU on every write below the root
 * (an embedded PGlite directory, test and benchmark files), during indexing. `ponder dev` keeps it,
 * limited to what it reloads.
 */
import { defineConfig } from "vite";

const dev = process.argv.includes("dev");

export default defineConfig({
  server: {
    watch: dev ? { ignored: ["**/.ponder/**", "**/bench/**", "**/explorer-ui/**", "**/.devnet/**", "**/generated/**"] } : null,
  },
});
