/** Where the explorer's sources and build live, and whether the build is older than its sources. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./ponder.js";

export const explorerRoot = join(projectRoot, "explorer-ui");
export const explorerDist = join(explorerRoot, "dist");

/** Newest modification time of any file under a path (0 if missing). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), st.mtimeMs);
}

/** explorer-ui/dist exists and is newer than every source it is built from. */
export function explorerDistIsFresh(): boolean {
  const built = join(explorerDist, "index.html");
  const sources = Math.max(newest(join(explorerRoot, "src")), newest(join(explorerRoot, "index.html")), newest(join(explorerRoot, "vite.config.ts")));
  return existsSync(built) && statSync(built).mtimeMs > sources;
}

/**
 * A production build of the explorer into `outDir` (React's production bundle even under vitest,
 * which sets NODE_ENV=test).
 */
export async function buildExplorer(outDir: string): Promise<void> {
  const { build } = await import("vite");
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: join(explorerRoot, "vite.config.ts"), mode: "production", logLevel: "warn", build: { outDir, emptyOutDir: true } });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}
