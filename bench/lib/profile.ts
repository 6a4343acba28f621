/**
 * Where the time goes: summarises V8 CPU profiles (node --cpu-prof, given to Ponder's node as an
 * option: node refuses it in NODE_OPTIONS) as self time per package / source file and per function.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { benchDir } from "./report.js";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  seconds: number;
  /** Share of self time (%) per package (node_modules) or project file, largest first. */
  byPackage: [string, number][];
  byFunction: [string, number][];
}

export const profileArgs = (dir: string) => ["--cpu-prof", `--cpu-prof-dir=${dir}`];

/** A new directory for one run's profiles, kept in bench/.cache/profiles/ (open them in Chrome DevTools). */
export function profileDir(label: string): string {
  const dir = join(benchDir, ".cache", "profiles", `${label}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function where(url: string, fn: string): string {
  if (!url) return fn ? `(${fn.replace(/^\(|\)$/g, "")})` : "(native)";
  const u = url.replace(/^file:\/\//, "");
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (u.startsWith("node:")) return u;
  const rel = /\/(indexer|api|core|chain|sim|runtime|src|generated)\/(.*)$/.exec(u);
  return rel ? `${rel[1]}/${rel[2]}` : u.split("/").slice(-2).join("/");
}

export function summarizeProfiles(dir: string, top = 12): ProfileSummary | null {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (!files.length) return null;
  const byPkg = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const dt = p.timeDeltas[i] ?? 0;
      const cf = nodes.get(id)?.callFrame;
      if (!cf) return;
      total += dt;
      const pkg = where(cf.url, cf.functionName);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + dt);
      const fn = `${cf.functionName || "(anonymous)"} ${pkg}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
    });
  }
  const pct = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round((v / total) * 1000) / 10] as [string, number]);
  return { seconds: Math.round(total / 1e4) / 100, byPackage: pct(byPkg), byFunction: pct(byFn) };
}

export function printProfile(label: string, s: ProfileSummary | null, dir?: string): void {
  if (!s) {
    console.log(`${label}: no CPU profile was written`);
    return;
  }
  console.log(`${label}: ${s.seconds} s of CPU samples; self time by package: ${s.byPackage.map(([k, v]) => `${k} ${v}%`).join(", ")}`);
  console.log(`  hottest functions: ${s.byFunction.slice(0, 8).map(([k, v]) => `${k} ${v}%`).join("; ")}`);
  if (dir) console.log(`  profiles kept in ${dir} (open in Chrome DevTools, Performance tab)`);
}
