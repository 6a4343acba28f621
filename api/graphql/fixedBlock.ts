/**
 * The block an operation is pinned to, when every root field asks for the same `block: { number }`.
 * An answer at a finalized block never changes (no reorg reaches it), so the answer cache keeps it
 * under the question alone instead of the data version, which moves with every block (index.ts).
 * No I/O: the parsed document and the coerced variables in.
 */
import { Kind, type DocumentNode, type ObjectValueNode, type OperationDefinitionNode, type ValueNode } from "graphql/index.js";

function numberOf(value: ValueNode, variables: Record<string, unknown>): bigint | null {
  if (value.kind === Kind.VARIABLE) return numberFromObject(variables[value.name.value]);
  if (value.kind !== Kind.OBJECT) return null;
  return numberFromLiteral(value, variables);
}

function numberFromLiteral(value: ObjectValueNode, variables: Record<string, unknown>): bigint | null {
  if (value.fields.some((f) => f.name.value === "hash")) return null;
  const field = value.fields.find((f) => f.name.value === "number");
  if (!field) return null;
  const v = field.value;
  if (v.kind === Kind.VARIABLE) return toBigInt(variables[v.name.value]);
  if (v.kind === Kind.INT || v.kind === Kind.STRING) return toBigInt(v.value);
  return null;
}

function numberFromObject(v: unknown): bigint | null {
  if (v === null || typeof v !== "object") return null;
  const o = v as { number?: unknown; hash?: unknown };
  if (o.hash !== undefined && o.hash !== null) return null;
  return toBigInt(o.number);
}

function toBigInt(v: unknown): bigint | null {
  if (typeof v === "bigint") return v >= 0n ? v : null;
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null;
  if (typeof v === "string" && /^\d{1,78}$/.test(v)) return BigInt(v);
  return null;
}

/**
 * The block number every root field of the operation is asked at, or null when one of them has
 * no `block`, asks by hash, or they differ (fragments at the root count as unpinned).
 */
export function fixedBlockOf(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): bigint | null {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== "query") return null;
  let pinned: bigint | null = null;
  for (const sel of op.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD) return null;
    if (sel.name.value === "__typename") continue;
    const arg = sel.arguments?.find((a) => a.name.value === "block");
    const n = arg ? numberOf(arg.value, variables ?? {}) : null;
    if (n === null || (pinned !== null && n !== pinned)) return null;
    pinned = n;
  }
  return pinned;
}
