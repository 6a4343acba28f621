/** Our executable schema: typeDefs.ts + the resolvers, BigInt as a strict scalar. */
import type { GraphQLSchema } from "graphql/index.js";
import { Account, ContributionEarnings, DatanetEarnings, ModelEarnings, accountQuery } from "./resolvers/account.js";
import { Contribution, ContributionInference, ContributionTrainingRun, Datanet, Model, StatusChange, TrainingRun, entityQuery } from "./resolvers/entities.js";
import { freshnessQuery } from "./resolvers/freshness.js";
import { Accrual, Attribution, Inference, inferenceQuery } from "./resolvers/inference.js";
import { lineageQuery } from "./resolvers/lineage.js";
import { lineageDownQuery } from "./resolvers/lineageDown.js";
import { searchQuery } from "./resolvers/search.js";
import { AccrualEvent, InferenceEvent, attachSubscriptions } from "./resolvers/subscriptions.js";
import { BigIntScalar } from "./scalars.js";
import { typeDefs } from "./typeDefs.js";
import { makeSchema, type ResolverMap } from "./executable.js";
import type { ApiContext } from "./context.js";

/** Every resolver first checks the request's deadline (admission.ts): work stops once it has passed. */
function checkDeadline(context: unknown): void {
  (context as Partial<ApiContext> | undefined)?.deadline?.check();
}

export function buildOurSchema(): GraphQLSchema {
  const schema = makeSchema(typeDefs, {
      BigInt: BigIntScalar,
      Query: { ...accountQuery, ...inferenceQuery, ...entityQuery, ...lineageQuery, ...lineageDownQuery, ...searchQuery, ...freshnessQuery },
      Account,
      ModelEarnings,
      DatanetEarnings,
      ContributionEarnings,
      Inference,
      Attribution,
      Accrual,
      Model,
      Datanet,
      Contribution,
      ContributionInference,
      ContributionTrainingRun,
      StatusChange,
      TrainingRun,
      AccrualEvent,
      InferenceEvent,
  } as unknown as ResolverMap, checkDeadline);
  attachSubscriptions(schema);
  return schema;
}
