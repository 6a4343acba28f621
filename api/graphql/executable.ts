/**
 * typeDefs + resolvers -> executable schema, with graphql-js alone. (Not @graphql-tools/schema:
 * under Ponder's vite-node its ESM build is inlined and bound to a second copy of graphql, while
 * the stitching packages load natively and use graphql's CommonJS build; mixing the two fails with
 * "Cannot use GraphQLObjectType from another module or realm". Every graphql import in api/ is
 * therefore "graphql/index.js", the same CommonJS module the stitching packages get.)
 */
import { GraphQLScalarType, buildSchema, isObjectType, isScalarType, type GraphQLFieldResolver, type GraphQLSchema } from "graphql/index.js";

export type ResolverMap = Record<string, GraphQLScalarType | Record<string, GraphQLFieldResolver<any, any, any>>>;

/**
 * `beforeResolve` runs before every resolver of the map (with the request's context), e.g. to stop
 * work once the request's deadline has passed.
 */
export function makeSchema(typeDefs: string, resolvers: ResolverMap, beforeResolve?: (context: unknown) => void): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  for (const [typeName, value] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`resolvers name type ${typeName}, which the typeDefs do not define`);
    if (value instanceof GraphQLScalarType) {
      if (!isScalarType(type)) throw new Error(`${typeName} is not a scalar`);
      type.serialize = value.serialize;
      type.parseValue = value.parseValue;
      type.parseLiteral = value.parseLiteral;
      type.description = value.description ?? type.description;
      continue;
    }
    if (!isObjectType(type)) throw new Error(`resolvers for ${typeName}, which is not an object type`);
    const fields = type.getFields();
    for (const [fieldName, resolve] of Object.entries(value)) {
      const field = fields[fieldName];
      if (!field) throw new Error(`resolver ${typeName}.${fieldName} has no field in the typeDefs`);
      field.resolve = beforeResolve
        ? (parent, args, context, info) => {
            beforeResolve(context);
            return resolve(parent, args, context, info);
          }
        : resolve;
    }
  }
  return schema;
}
