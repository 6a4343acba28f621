/**
 * What a third-party developer does first: generate a typed client from schema.graphql with
 * graphql-codegen at its defaults (the typescript + typescript-operations plugins, and the client
 * preset) over every operation the explorer, the CLI and the README use, and compile the result
 * with `tsc --strict`. The generators live in examples/app (its own package.json): run
 * `npm ci --prefix examples/app` first.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import * as Q from "../explorer-ui/src/api/queries.js";
import { EARNINGS_QUERY } from "./cli.js";
import { SCHEMA_FILE } from "./schemaText.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const APP = join(ROOT, "examples/app");
const BIN = join(APP, "node_modules/.bin");

/** The README's ```graphql blocks. */
export function readmeOperations(markdown: string): string[] {
  return [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function explorerOperations(): string[] {
  return (Object.values(Q) as unknown[]).filter((v): v is string => typeof v === "string" && /^\s*(query|subscription)\b/.test(v));
}

test("graphql-codegen at its defaults turns schema.graphql and every published operation into TypeScript that compiles under --strict", async () => {
  expect(existsSync(join(BIN, "graphql-codegen")), "graphql-codegen is not installed: run `npm ci --prefix examples/app`").toBe(true);
  const sources: Record<string, string[]> = {
    explorer: explorerOperations(),
    cli: [EARNINGS_QUERY],
    readme: readmeOperations(readFileSync(join(ROOT, "README.md"), "utf8")),
  };
  expect(sources.explorer!.length).toBeGreaterThan(10);
  expect(sources.readme!.length).toBeGreaterThan(3);
  const dir = join(APP, ".codegen-check");
  rmSync(dir, { recursive: true, force: true });
  const generates: Record<string, unknown> = {};
  for (const [name, ops] of Object.entries(sources)) {
    mkdirSync(join(dir, "ops", name), { recursive: true });
    ops.forEach((op, i) => writeFileSync(join(dir, "ops", name, `${i}.graphql`), op));
    const documents = join(dir, "ops", name, "*.graphql");
    // typescript-operations 6 emits the enums and inputs its operations use itself (not beside `typescript`).
    generates[join(dir, `${name}-operations.ts`)] = { documents, plugins: ["typescript-operations"] };
    generates[join(dir, `${name}-client/`)] = { documents, preset: "client" };
  }
  // Every type of the schema, as the typescript plugin names them (where `Account`/`account` collided).
  generates[join(dir, "schema-types.ts")] = { plugins: ["typescript"] };
  writeFileSync(join(dir, "codegen.json"), JSON.stringify({ schema: SCHEMA_FILE, generates }, null, 2));
  const codegen = await run(join(BIN, "graphql-codegen"), ["--config", join(dir, "codegen.json")], { cwd: APP, env: { ...process.env, NO_COLOR: "1" } }).catch((e) => e);
  expect(codegen.code ?? 0, `graphql-codegen failed:\n${codegen.stdout}\n${codegen.stderr}`).toBe(0);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", skipLibCheck: false, types: [] }, include: ["./*.ts", "./*-client/*.ts"] }));
  const tsc = await run(join(BIN, "tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: APP }).catch((e) => e);
  expect(tsc.code ?? 0, `tsc --strict over the generated client failed:\n${tsc.stdout}`).toBe(0);
});
