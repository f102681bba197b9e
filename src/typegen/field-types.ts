import type { Collection, Field } from "../collections/model.js";
import { isMultiValued } from "../collections/model.js";

/** The TypeScript type of a field's value in a record the API returns. */
export function recordValueType(field: Field): string {
  switch (field.type) {
    case "text":
    case "editor":
    case "email":
    case "url":
    case "date":
    case "autodate":
    case "password":
      return "string";
    case "number":
      return "number";
    case "bool":
      return "boolean";
    case "select":
      return selectType(field.values, isMultiValued(field), field.required);
    case "relation":
    case "file":
      return isMultiValued(field) ? "string[]" : "string";
    case "json":
      return "unknown";
    case "geoPoint":
      return "GeoPoint";
  }
}

/** The TypeScript type a field accepts in a create or update body. */
export function inputValueType(field: Field): string {
  switch (field.type) {
    case "date":
      return "string | Date";
    case "file":
      // New uploads; an update may also keep existing files by name.
      return isMultiValued(field) ? "Array<Blob | string>" : "Blob | string";
    case "select":
      return selectType(field.values, isMultiValued(field), field.required);
    default:
      return recordValueType(field);
  }
}

/** A select's value: one of its values (or "" when unset), or a list of them. */
function selectType(values: string[], multi: boolean, required: boolean): string {
  const literals = values.map((v) => JSON.stringify(v));
  if (literals.length === 0) return multi ? "string[]" : "string";
  if (multi) return `Array<${literals.join(" | ")}>`;
  return (required ? literals : [...literals, '""']).join(" | ");
}

/** Fields a record never shows, whoever asks: passwords and auth token keys. */
export function neverShown(collection: Collection, field: Field): boolean {
  return field.type === "password" || (collection.type === "auth" && field.name === "tokenKey");
}

/** Fields the server fills in itself: never part of an input body. */
export function serverFilled(collection: Collection, field: Field): boolean {
  if (field.type === "autodate") return true;
  return collection.type === "auth" && field.name === "tokenKey";
}

/** A short description of a field's options for its JSDoc line. */
export function describeField(field: Field): string {
  const notes: string[] = [field.type];
  if (field.required) notes.push("required");
  if (field.hidden) notes.push("hidden: never in API responses, present in hooks");
  if (field.type === "relation" || field.type === "file" || field.type === "select") {
    if (field.maxSelect > 1) notes.push(`up to ${field.maxSelect}`);
  }
  return notes.join(", ");
}
