/**
 * The published schema text (schema.graphql) built offline, without a database or a chain: Ponder's
 * graphql() middleware over ponder.schema.ts (introspected in process) stitched with ours, exactly
 * as the server does it. `npm run schema:write` writes it; api/schema.test.ts and the live API
 * test fail when the committed file differs.
 */
import { fileURLToPath } from "node:url";
import { lazyGateway, ponderExecutor, publishedSchemaText } from "./graphql/index.js";
import type { Gateway } from "./graphql/gateway.js";
import { ponderTableInfos } from "./graphql/ponderArgs.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../schema.graphql", import.meta.url));

/**
 * The gateway the server builds, without a database: it plans requests (validation, the cost
 * budget, argument checks) exactly as the server does, but cannot execute Ponder's fields.
 * `tables`: the ponder.schema.ts module (default: this repo's).
 */
export async function buildOfflineGateway(tables?: Record<string, unknown>): Promise<Gateway> {
  const g = globalThis as { PONDER_DATABASE?: unknown };
  // graphql() refuses to initialise outside a Ponder process; introspection never touches the database.
  const hadDatabase = g.PONDER_DATABASE !== undefined;
  if (!hadDatabase) g.PONDER_DATABASE = { readonlyQB: undefined };
  try {
    const [{ graphql }, schema] = await Promise.all([import("ponder"), tables ?? import("../ponder.schema.js")]);
    const middleware = graphql({ db: undefined as never, schema: schema as never });
    return await lazyGateway(ponderExecutor(middleware), { ponderTables: ponderTableInfos(schema as Record<string, unknown>) })();
  } finally {
    if (!hadDatabase) delete g.PONDER_DATABASE;
  }
}

export async function buildPublishedSchema(tables?: Record<string, unknown>): Promise<string> {
  return publishedSchemaText(await buildOfflineGateway(tables));
}
