import { fieldType, type Shape } from "../collections/fields/index.js";
import type { Collection, Field } from "../collections/model.js";

/** The TypeScript type of a field's value in `shape`, as its type declares it ("unknown" if none). */
export function valueType(field: Field, shape: Shape): string {
  return fieldType(field).tsType(field, shape) ?? "unknown";
}

/** Fields a record never shows, whoever asks: secrets (passwords) and auth token keys. */
export function neverShown(collection: Collection, field: Field): boolean {
  if (fieldType(field).secret) return true;
  return collection.type === "auth" && field.name === "tokenKey";
}

/** Fields the server fills in itself (autodate, auth token keys): never part of an input body. */
export function serverFilled(collection: Collection, field: Field): boolean {
  if (fieldType(field).serverSet) return true;
  return collection.type === "auth" && field.name === "tokenKey";
}

/** Required fields must be sent, unless the server generates the value (text autogenerate). */
export function optionalOnCreate(field: Field): boolean {
  const def = fieldType(field);
  return !(def.requiredOnCreate ? def.requiredOnCreate(field) : field.required);
}

/** A short description of a field's options for its JSDoc line. */
export function describeField(field: Field): string {
  const notes: string[] = [field.type];
  if (field.required) notes.push("required");
  if (field.hidden) notes.push("hidden: never in API responses, present in hooks");
  const input = fieldType(field).jsonSchema(field, "create");
  if (input?.["type"] === "array" && Number(input["maxItems"]) > 1) notes.push(`up to ${input["maxItems"]}`);
  return notes.join(", ");
}
