/** graphql-codegen: typed documents for src/operations.graphql from the published schema (npm run codegen). */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/operations.graphql"],
  generates: {
    "src/gql/": {
      preset: "client",
      // Amounts and ids are BigInt in the schema: decimal strings on the wire.
      config: { scalars: { BigInt: "string", JSON: "unknown" } },
    },
  },
};

export default config;
