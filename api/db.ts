/** The API's view of the indexer's tables (ponder.schema.ts) and its read-only database handle. Types only. */
import type { ReadonlyDrizzle } from "ponder";
import type * as Schema from "../ponder.schema.js";

export type Tables = typeof Schema;
export type Db = ReadonlyDrizzle<Tables>;
