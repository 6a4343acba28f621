/**
 * The framework floor's schema: one table, never written. Ponder needs a schema; the point of this
 * app is that its handlers do no work (see src/index.ts).
 */
import { onchainTable } from "ponder";

export const unused = onchainTable("unused", (t) => ({ id: t.text().primaryKey() }));
