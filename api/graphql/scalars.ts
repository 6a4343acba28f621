/**
 * The BigInt scalar, wire-compatible with Ponder's (a decimal string in JSON; a string literal or
 * variable in queries) but with a clear error for anything else, so `inference(id: "abc")` is a
 * BAD_USER_INPUT instead of a SyntaxError. Values inside resolvers are native bigint.
 */
import { GraphQLError, GraphQLScalarType, Kind } from "graphql/index.js";

const DECIMAL = /^-?[0-9]{1,78}$/;

function parse(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && DECIMAL.test(value.trim())) return BigInt(value.trim());
  const shown = typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value) : typeof value;
  throw new GraphQLError(`BigInt cannot represent ${shown}: expected a decimal integer string such as "42"`, { extensions: { code: "BAD_USER_INPUT" } });
}

export const BigIntScalar = new GraphQLScalarType({
  name: "BigInt",
  description: "An integer of any size (uint256 ids, OPEN amounts in base units), as a decimal string.",
  serialize(value) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    if (typeof value === "string" && DECIMAL.test(value)) return value;
    throw new GraphQLError(`BigInt cannot serialize ${typeof value}`);
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parse(ast.value);
    throw new GraphQLError(`BigInt cannot represent a ${ast.kind} literal: expected a decimal integer string such as "42"`, { nodes: ast, extensions: { code: "BAD_USER_INPUT" } });
  },
});
