/**
 * Local helper for working on the real-server browser tests: brings up the same indexed scenario
 * (testkit/api.ts, tiny, seed 7) serving explorer-ui/dist (or EXPLORER_DIR), prints its URL and
 * keeps it up until Ctrl-C.   npx tsx explorer-ui/e2e/real-server-dev.ts
 */
import { writeFileSync } from "node:fs";
import { startApiScenario } from "../../testkit/api.js";

const s = await startApiScenario("pglite", { seed: 7, env: process.env.EXPLORER_DIR ? { EXPLORER_DIR: process.env.EXPLORER_DIR } : {} });
console.log(s.url);
if (process.env.MANIFEST_OUT) writeFileSync(process.env.MANIFEST_OUT, JSON.stringify({ url: s.url, manifest: s.manifest, accounts: s.accounts }, null, 2));
const stop = async () => {
  await s.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
