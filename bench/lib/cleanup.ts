/**
 * Children (anvil, ponder, servers, chromium) registered here are stopped when the benchmark ends,
 * fails, or is interrupted with Ctrl-C, so no process outlives it: runtime/lifecycle.ts (as for
 * npm start), exiting 130 after a signal.
 */
import { installLifecycle, onShutdown, runCleanups, shutdown } from "../../runtime/lifecycle.js";

type Stop = () => Promise<unknown> | unknown;
let installed = false;

export function onCleanup(stop: Stop): () => void {
  install();
  return onShutdown(async () => {
    await stop();
  });
}

function install() {
  if (installed) return;
  installed = true;
  installLifecycle({
    signalExitCode: 130,
    onSignal: (sig) => console.error(`\n${sig}: stopping what the benchmark started…`),
    onCleanupError: (e) => console.error(`cleanup: ${e.message}`),
  });
  process.once("unhandledRejection", (e) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    void shutdown(1);
  });
}

/** Runs main with every registered child stopped afterwards, success or not. */
export async function withCleanup(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } finally {
    await runCleanups();
  }
}
