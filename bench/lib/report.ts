/**
 * What every benchmark records beside its figures: the machine, the date, the commit, the load
 * average before and after, and the command that produced them. Plus the small statistics used
 * by all three (median of the measured runs, min and max beside it).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = join(benchDir, "..");

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  /** See cpuCalibrationMs: figures from machines with different values are not comparable. */
  calibrationMs?: number;
}

/**
 * Milliseconds for a fixed single-threaded workload shaped like indexing (rows with bigints in a
 * Map under string keys, read-modify-write): lower is faster. Machines sold as the same size differ
 * (the same indexer code took 2.9× as long to index the medium scenario on one as on another), so every result records
 * this to say whether two sets of figures came from comparable machines. Median of 3.
 */
export function cpuCalibrationMs(): number {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const rows = new Map<string, { key: string; amount: bigint; count: number }>();
    let check = 0n;
    for (let i = 0; i < 400_000; i++) {
      const key = `0x${((i * 2654435761) % 50_000).toString(16).padStart(40, "0")}`;
      const prev = rows.get(key);
      const row = { key: key.toLowerCase(), amount: (prev?.amount ?? 0n) + BigInt(i) * 1_000_000_007n, count: (prev?.count ?? 0) + 1 };
      rows.set(key, row);
      check ^= BigInt(row.amount.toString()) & 0xffn;
    }
    if (check < 0n) throw new Error("unreachable");
    times.push(performance.now() - t);
  }
  return Math.round(summarize(times).median);
}

export function machine(): Machine {
  const cpu = cpus();
  let osName = process.platform as string;
  try {
    osName = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? osName;
  } catch {}
  return {
    nproc: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName,
    calibrationMs: cpuCalibrationMs(),
  };
}

export function commit(): { sha: string; dirty: boolean } {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    // Dirty means the measured code differs from the commit: other benchmarks' fresh results and
    // the tables they regenerate do not count.
    const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .map((l) => l.slice(3).trim())
      .filter((f) => f && !f.startsWith("bench/results/") && !f.endsWith(".md"));
    const dirty = changed.length > 0;
    return { sha, dirty };
  } catch {
    return { sha: "unknown", dirty: false };
  }
}

export const load = (): [number, number, number] => loadavg().map((x) => Math.round(x * 100) / 100) as [number, number, number];

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, runs: values };
}

/** "12.3 (11.9–12.8)": median with min–max, rounded to `digits`. */
export function fmt(s: Summary, digits = 0): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a");
  return s.runs.length > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

export interface ResultHeader {
  benchmark: string;
  date: string;
  commit: { sha: string; dirty: boolean };
  machine: Machine;
  command: string;
  loadBefore: [number, number, number];
  loadAfter?: [number, number, number];
  /** Provisional when the 1-minute load before the run was at or above this. */
  provisional: boolean;
  notes: string[];
}

export const LOAD_LIMIT = 1.5;

export function header(benchmark: string): ResultHeader {
  const before = load();
  return {
    benchmark,
    date: new Date().toISOString(),
    commit: commit(),
    machine: machine(),
    command: `npm run bench:${benchmark} --${process.argv.slice(2).map((a) => ` ${a}`).join("")}`.replace(/ --$/, ""),
    loadBefore: before,
    provisional: before[0] >= LOAD_LIMIT,
    notes: [],
  };
}

export function writeResult(name: string, result: ResultHeader & Record<string, unknown>): string {
  // The load after includes the benchmark's own processes (two busy cores read as ~2): recorded,
  // not judged. Whether others were busy is judged from the load before.
  result.loadAfter = load();
  const path = join(benchDir, "results", `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(result, null, 2) + "\n");
  return path;
}

/**
 * Where a run's figures go. Only a run by the reference protocol (medium scenario, at least three
 * measured runs after a warm-up, the default settings) writes the committed `<base>.json` and the
 * README tables; any other run writes `<base>-<scale>.json` or `<base>-quick.json` (gitignored), so
 * a quick check never replaces the committed figures.
 */
export function resultName(base: string, scale: string, deviations: Record<string, boolean>): { name: string; official: boolean; reasons: string[] } {
  const reasons = Object.entries(deviations).filter(([, v]) => v).map(([k]) => k);
  if (scale !== "medium") return { name: `${base}-${scale}`, official: false, reasons: [`scale ${scale}`, ...reasons] };
  return reasons.length ? { name: `${base}-quick`, official: false, reasons } : { name: base, official: true, reasons };
}

/** The closing line of a run: where its figures went and whether the committed ones changed. */
export function wroteLine(path: string, where: { official: boolean; reasons: string[] }): string {
  return where.official ? `\nwrote ${path} and the figures in bench/README.md` : `\nwrote ${path} (a quick check: ${where.reasons.join(", ")}); the committed figures are unchanged`;
}

export function readResult(name: string): (ResultHeader & Record<string, unknown>) | null {
  try {
    return JSON.parse(readFileSync(join(benchDir, "results", `${name}.json`), "utf8")) as ResultHeader & Record<string, unknown>;
  } catch {
    return null;
  }
}

export function printHeader(h: ResultHeader): void {
  console.log(`# bench:${h.benchmark}  ${h.date}  commit ${h.commit.sha.slice(0, 10)}${h.commit.dirty ? " (dirty tree)" : ""}`);
  console.log(`# ${h.machine.nproc} × ${h.machine.cpuModel}, ${h.machine.memoryGiB} GiB, ${h.machine.os}, node ${h.machine.node}${h.machine.calibrationMs ? `, CPU calibration ${h.machine.calibrationMs} ms (lower is faster)` : ""}`);
  console.log(`# load average before: ${h.loadBefore.join(" ")}${h.provisional ? `  (>= ${LOAD_LIMIT}: figures are PROVISIONAL, measured under load)` : ""}`);
}
