/** npm run schema:write — regenerate schema.graphql; `--check` exits 1 when it is out of date. */
import { readFileSync, writeFileSync } from "node:fs";
import { SCHEMA_FILE, buildPublishedSchema } from "../schemaText.js";

const text = await buildPublishedSchema();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(SCHEMA_FILE, "utf8");
  } catch {}
  if (current !== text) {
    console.error("schema.graphql is out of date with the served schema: run `npm run schema:write` and commit it");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
} else {
  writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${SCHEMA_FILE}`);
}
