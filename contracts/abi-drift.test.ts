/**
 * The committed typed ABIs in abis/ must be exactly what a fresh compile of contracts/*.sol
 * renders: otherwise the indexer and the simulator would talk to contracts that do not exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CONTRACTS, compileContracts, renderAbiModules } from "./compile.js";

const abisDir = new URL("../abis/", import.meta.url).pathname;
const REBUILD = "abis/ is out of date with contracts/: run `npm run build:contracts` and commit abis/ with the contracts";

const fresh = renderAbiModules(compileContracts());

describe("abis/ matches a fresh compile of contracts/", () => {
  test.each(Object.keys(fresh).sort())("abis/%s is up to date", (file) => {
    const path = join(abisDir, file);
    expect(existsSync(path), `${REBUILD} (abis/${file} is missing)`).toBe(true);
    const committed = readFileSync(path, "utf8");
    expect(committed === fresh[file], `${REBUILD} (abis/${file} differs)`).toBe(true);
  });

  test("abis/ holds no file a compile would not produce (no stale contracts, no test fixtures)", () => {
    const extra = readdirSync(abisDir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .filter((f) => !(f in fresh));
    expect(extra, REBUILD).toEqual([]);
  });

  test("only the four protocol contracts are compiled into abis/, never a fixture from contracts/test/", () => {
    expect(Object.keys(fresh).sort()).toEqual(
      [...CONTRACTS.flatMap((c) => [`${c}.ts`, `${c}.bytecode.ts`]), "index.ts"].sort(),
    );
    expect(Object.values(fresh).join("\n")).not.toMatch(/MerkleVerifier/);
  });
});
