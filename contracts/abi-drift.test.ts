/**
 * The committed typed ABIs in abis/ must be exactly what a fresh compile of contracts/*.sol
 * renders: otherwise the indexer and the simulator would talk to contracts that do not exist.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CONTRACTS, compileContracts, renderAbiModules } from "./compile.js";

const abisDir = new URL("../abis/", import.meta.url).pathname;
const REBUILD = "run `npm run build:contracts` and commit abis/ together with contracts/";

/** What is wrong with an abis/ directory compared with freshly rendered modules; [] when in sync. */
function driftProblems(dir: string, fresh: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const file of Object.keys(fresh).sort()) {
    const path = join(dir, file);
    if (!existsSync(path)) problems.push(`abis/${file} is missing: ${REBUILD}`);
    else if (readFileSync(path, "utf8") !== fresh[file]) problems.push(`abis/${file} differs from a fresh compile of contracts/: ${REBUILD}`);
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !(f in fresh))) {
    problems.push(`abis/${file} is not produced by the build (stale contract or test fixture): ${REBUILD}`);
  }
  return problems;
}

const fresh = renderAbiModules(compileContracts());
const scratch = mkdtempSync(join(tmpdir(), "abi-drift-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("abis/ matches a fresh compile of contracts/", () => {
  test("the committed abis/ is up to date", () => {
    expect(driftProblems(abisDir, fresh)).toEqual([]);
  });

  test("only the four protocol contracts are compiled into abis/, never a fixture from contracts/test/", () => {
    expect(Object.keys(fresh).sort()).toEqual([...CONTRACTS.flatMap((c) => [`${c}.ts`, `${c}.bytecode.ts`]), "index.ts"].sort());
    expect(Object.values(fresh).join("\n")).not.toMatch(/MerkleVerifier/);
  });

  test.each([
    { name: "an edited ABI", change: (d: string) => writeFileSync(join(d, "DatanetRegistry.ts"), readFileSync(join(d, "DatanetRegistry.ts"), "utf8").replace('"uint16"', '"uint8"')), file: "DatanetRegistry.ts" },
    { name: "stale bytecode", change: (d: string) => writeFileSync(join(d, "AttributionEngine.bytecode.ts"), readFileSync(join(d, "AttributionEngine.bytecode.ts"), "utf8").replace(/([0-9a-f])" as const/, (_, c: string) => `${c === "0" ? "1" : "0"}" as const`)), file: "AttributionEngine.bytecode.ts" },
    { name: "a missing module", change: (d: string) => unlinkSync(join(d, "OpenToken.ts")), file: "OpenToken.ts" },
    { name: "a fixture that leaked into abis/", change: (d: string) => writeFileSync(join(d, "MerkleVerifier.ts"), "export const MerkleVerifierAbi = [] as const;\n"), file: "MerkleVerifier.ts" },
  ])("catches $name and says to run npm run build:contracts", ({ change, file }) => {
    const dir = mkdtempSync(join(scratch, "case-"));
    cpSync(abisDir, dir, { recursive: true });
    change(dir);
    const problems = driftProblems(dir, fresh);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`abis/${file}`);
    expect(problems[0]).toContain("npm run build:contracts");
  });
});
