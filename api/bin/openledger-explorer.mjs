#!/usr/bin/env node
// `npx openledger-explorer earnings <address> [--api URL] [--json|--csv]` and
// `npx openledger-explorer verify <receipt.json | inference id> --rpc URL` (api/cli.ts, run through tsx).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli.ts");
process.exitCode = await main(process.argv.slice(2));
