import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileContracts, renderAbiModules } from "../contracts/compile.js";

const outDir = new URL("../abis/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const files = renderAbiModules(compileContracts());
for (const [file, content] of Object.entries(files)) writeFileSync(join(outDir, file), content);
console.log(`wrote ${Object.keys(files).length} files to abis/`);
