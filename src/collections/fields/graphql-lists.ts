import type { Shape } from "./field-type.js";

/**
 * The GraphQL type of a value held as one string or a list of strings (relation ids, select
 * values, file names): always present when read, optional in create and update inputs.
 */
export function stringsGraphqlType(multi: boolean, shape: Shape): string {
  if (shape === "read") return multi ? "[String!]!" : "String!";
  return multi ? "[String!]" : "String";
}
