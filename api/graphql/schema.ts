/** Our executable schema: typeDefs.ts + the resolvers, BigInt as a strict scalar. */
import type { GraphQLSchema } from "graphql/index.js";
import { Account, ContributionEarnings, DatanetEarnings, ModelEarnings, accountQuery } from "./resolvers/account.js";
import { Contribution, Datanet, Model, StatusChange, TrainingRun, entityQuery } from "./resolvers/entities.js";
import { Accrual, Attribution, Inference, inferenceQuery } from "./resolvers/inference.js";
import { lineageQuery } from "./resolvers/lineage.js";
import { searchQuery } from "./resolvers/search.js";
import { BigIntScalar } from "./scalars.js";
import { typeDefs } from "./typeDefs.js";
import { makeSchema, type ResolverMap } from "./executable.js";

export function buildOurSchema(): GraphQLSchema {
  return makeSchema(typeDefs, {
      BigInt: BigIntScalar,
      Query: { ...accountQuery, ...inferenceQuery, ...entityQuery, ...lineageQuery, ...searchQuery },
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
      StatusChange,
      TrainingRun,
  } as unknown as ResolverMap);
}
