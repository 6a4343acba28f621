/**
 * `npm start` (scripts/start.ts) as a child process for the tests that drive it whole: its own
 * process group (so a stop reaches the indexer and the devnet it started), every line it prints
 * collected, a wait for a line, and a stop that asks politely (SIGINT) before it insists (SIGKILL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { projectRoot } from "../runtime/ponder.js";

export interface NpmStart {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Waits until its output matches; fails with the output's tail if it exits or the time runs out. */
  waitFor(text: RegExp, ms?: number): Promise<void>;
  /** Sends a signal to its whole process group; false when the group is gone. */
  signal(sig: NodeJS.Signals | 0): boolean;
  /** SIGINT, up to `graceMs` for it to exit, then SIGKILL to whatever is left of the group. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `npm start` with `env` over the test's own environment (values replace, "" clears). */
export function startNpmStart(env: Record<string, string>): NpmStart {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const signal = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-child.pid!, sig);
      return true;
    } catch {
      return false;
    }
  };
  return {
    child,
    output: () => output,
    exited,
    signal,
    async waitFor(text, ms = 240_000) {
      const deadline = Date.now() + ms;
      while (!text.test(output)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited before ${text}:\n${output.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`no ${text} within ${ms / 1000} s:\n${output.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) {
        signal("SIGINT");
        await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
      }
      signal("SIGKILL");
    },
  };
}
