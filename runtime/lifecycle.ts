/**
 * Process lifecycle for the long-running commands (npm start, npm run devnet, the benchmarks): one
 * shutdown however many signals arrive, cleanups run in reverse order of registration, and nothing
 * left behind:
 *  - a terminal's Ctrl-C reaches npm, `sh -c`, tsx and us: all must lead to one orderly shutdown;
 *  - `kill <npm pid>` does not reach us through `sh -c`: when an ancestor dies, shut down too;
 *  - child process groups are SIGKILLed synchronously on exit, whatever path the exit takes.
 */
import { readFileSync } from "node:fs";

type Cleanup = () => Promise<void>;

const cleanups: Cleanup[] = [];
const groups = new Set<number>();
let shuttingDown: Promise<never> | null = null;
let installed = false;
let onCleanupError: (error: Error) => void = () => {};

export function isShuttingDown(): boolean {
  return shuttingDown !== null;
}

/** Registers a cleanup; later registrations run first. Returns a function that unregisters it. */
export function onShutdown(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.indexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Runs every registered cleanup, latest first, and forgets them; no exit. */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => onCleanupError(e instanceof Error ? e : new Error(String(e))));
}

/** A child started in its own process group (detached): killed with its group on any exit. */
export function trackProcessGroup(pid: number | undefined): void {
  if (pid) groups.add(pid);
}

export function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    await runCleanups();
    process.exit(code);
  })();
  return shuttingDown;
}

/** Our parent chain (tsx wrapper, `sh -c`, npm): up to three ancestors, read from /proc (Linux). */
function ancestors(): number[] {
  const out: number[] = [];
  for (let pid = process.ppid; pid > 1 && out.length < 3; ) {
    out.push(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return out;
}

export function installLifecycle(
  opts: {
    onSignal?: (signal: NodeJS.Signals) => void;
    /** Exit code after a signal (default 0). */
    signalExitCode?: number;
    /** Told of a cleanup that failed (default: nothing); the others still run. */
    onCleanupError?: (error: Error) => void;
  } = {},
): void {
  if (installed) return;
  installed = true;
  if (opts.onCleanupError) onCleanupError = opts.onCleanupError;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      if (!shuttingDown) opts.onSignal?.(sig);
      void shutdown(opts.signalExitCode ?? 0);
    });
  }
  const watched = ancestors();
  setInterval(() => {
    for (const pid of watched) {
      try {
        process.kill(pid, 0);
      } catch {
        void shutdown(0);
        return;
      }
    }
  }, 500).unref();
  process.on("exit", () => {
    for (const pgid of groups) {
      try { process.kill(-pgid, "SIGKILL"); } catch {}
    }
  });
}
