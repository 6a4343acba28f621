/** npx tsx bench/table.ts: rewrites the figures section of bench/README.md from bench/results/*.json. */
import { updateReadme } from "./lib/table.js";

updateReadme();
console.log("bench/README.md figures regenerated from bench/results/*.json");
