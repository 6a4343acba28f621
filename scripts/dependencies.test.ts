/**
 * Every package the TypeScript sources import is declared in package.json (a package that is only
 * there because something else depends on it can vanish or change version under us), and every
 * declared runtime dependency is imported somewhere.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The package a bare import specifier names ("@scope/name/sub" → "@scope/name", "name/sub" → "name"). */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:") || specifier.startsWith("ponder:")) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function importedPackages(): Map<string, string> {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.mjs"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "" && !f.startsWith("examples/"));
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^|[^\w.])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|(?:^|[^\w.])import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm)) {
      const name = packageOf(m[1] ?? m[2] ?? m[3]!);
      if (name && !found.has(name)) found.set(name, file);
    }
  }
  return found;
}

test.each<[string, string | null]>([
  ["viem/chains", "viem"],
  ["@graphql-tools/wrap", "@graphql-tools/wrap"],
  ["drizzle-orm/pg-core", "drizzle-orm"],
  ["graphql/index.js", "graphql"],
  ["node:fs", null],
  ["ponder:schema", null],
  ["./x.js", null],
])("packageOf(%j) is %j", (specifier, name) => {
  expect(packageOf(specifier)).toBe(name);
});

test("every imported package is declared in package.json", () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  const imported = importedPackages();
  expect(imported.size).toBeGreaterThan(10);
  expect([...imported].filter(([name]) => !declared.has(name)).map(([name, file]) => `${name} (imported by ${file})`)).toEqual([]);
});

test("every runtime dependency is imported (or is a binary the code runs)", () => {
  const imported = importedPackages();
  const binaries = new Set(["@foundry-rs/anvil"]);
  expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name) && !binaries.has(name))).toEqual([]);
});
