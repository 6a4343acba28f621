/** Subscription fields: argument checks, then the shared fact stream (api/stream/facts.ts). */
import type { GraphQLSchema } from "graphql/index.js";
import { decodeAddress, decodeId, type Decoded } from "../../input.js";
import { decodeCursor } from "../../stream/cursor.js";
import { streamError, type FactStream, type Filter, type Rule, type StreamEvent } from "../../stream/facts.js";
import { need, type ApiContext } from "../context.js";

interface Common {
  fromBlock?: bigint | null;
  after?: string | null;
  finalizedOnly?: boolean | null;
}

function decodeBlock(input: unknown): Decoded<bigint> {
  return typeof input === "bigint" && input >= 0n ? { ok: true, value: input } : { ok: false, error: "fromBlock must be a block number (0 or more)" };
}

async function open(ctx: ApiContext, filter: Filter, args: Common): Promise<AsyncGenerator<StreamEvent>> {
  const stream = (ctx as ApiContext & { stream?: FactStream }).stream;
  if (!stream) throw streamError("subscriptions are served over GraphQL-over-SSE: send the request with Accept: text/event-stream", "BAD_REQUEST");
  const after = args.after == null ? undefined : need(decodeCursor(args.after), "after");
  const fromBlock = args.fromBlock == null ? undefined : need(decodeBlock(args.fromBlock), "fromBlock");
  return stream.open(filter, { after, fromBlock, finalizedOnly: args.finalizedOnly === true });
}

const optionalId = (value: unknown, name: string) => (value == null ? undefined : need(decodeId(value, name), name));

/** Sets `subscribe` (and the identity `resolve`) of the Subscription fields on our executable schema. */
export function attachSubscriptions(schema: GraphQLSchema): void {
  const fields = schema.getSubscriptionType()?.getFields();
  if (!fields) throw new Error("the typeDefs define no Subscription type");
  const set = (name: string, subscribe: (args: Record<string, unknown>, ctx: ApiContext) => Promise<AsyncGenerator<StreamEvent>>) => {
    const field = fields[name];
    if (!field) throw new Error(`the typeDefs define no Subscription.${name}`);
    field.subscribe = (_root, args, ctx) => subscribe(args as Record<string, unknown>, ctx as ApiContext);
    field.resolve = (event: StreamEvent) => event;
  };
  set("accruals", (a, ctx) => open(ctx, { kind: "accrual", account: need(decodeAddress(a.account, "account"), "account") }, a));
  set("inferences", (a, ctx) =>
    open(ctx, { kind: "inference", modelId: optionalId(a.modelId, "modelId"), datanetId: optionalId(a.datanetId, "datanetId"), contributionId: optionalId(a.contributionId, "contributionId") }, a),
  );
  set("flaggedInferences", (a, ctx) => open(ctx, { kind: "inference", flagged: { rule: (a.rule as Rule | null | undefined) ?? null } }, a));
}

/** Event types: the fact's row under its field name. */
export const AccrualEvent = { accrual: (e: StreamEvent) => e.fact.row };
export const InferenceEvent = { inference: (e: StreamEvent) => e.fact.row };
