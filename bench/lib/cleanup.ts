/**
 * Children (anvil, ponder, servers, chromium) registered here are stopped when the benchmark ends,
 * fails, or is interrupted with Ctrl-C, so no process outlives it.
 */
type Stop = () => Promise<unknown> | unknown;
const stops = new Map<number, Stop>();
let next = 0;
let installed = false;

export function onCleanup(stop: Stop): () => void {
  install();
  const id = next++;
  stops.set(id, stop);
  return () => void stops.delete(id);
}

export async function cleanupAll(): Promise<void> {
  const all = [...stops.values()].reverse();
  stops.clear();
  for (const stop of all) {
    try {
      await stop();
    } catch (e) {
      console.error(`cleanup: ${(e as Error).message}`);
    }
  }
}

function install() {
  if (installed) return;
  installed = true;
  process.once("unhandledRejection", (e) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    void cleanupAll().finally(() => process.exit(1));
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping what the benchmark started…`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

/** Runs main with every registered child stopped afterwards, success or not. */
export async function withCleanup(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } finally {
    await cleanupAll();
  }
}
