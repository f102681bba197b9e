import type { Collection, Field } from "../api/types";

/** Fields shown as table columns: everything but secrets (password, token key); timestamps last. */
export function columnFields(collection: Collection): Field[] {
  const shown = collection.fields.filter((f) => f.type !== "password" && !(f.hidden && f.system));
  return [...shown.filter((f) => f.type !== "autodate"), ...shown.filter((f) => f.type === "autodate")];
}

/** Fields a person edits in the record form (autodates and secrets are set by the server). */
export function editableFields(collection: Collection): Field[] {
  return collection.fields.filter((f) => f.type !== "autodate" && !(f.system && f.name === "tokenKey"));
}

/** A value as short text for a table cell or a CSV column. */
export function displayValue(field: Field | undefined, value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.map((v) => displayValue(field, v)).join(", ");
  if (field?.type === "geoPoint" && typeof value === "object") {
    const p = value as { lon?: number; lat?: number };
    return `${p.lat ?? 0}, ${p.lon ?? 0}`;
  }
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** The field that best names a record in pickers: a presentable one, else a text-ish one, else id. */
export function labelField(collection: Collection): string {
  const presentable = collection.fields.find((f) => f.presentable);
  if (presentable) return presentable.name;
  const texty = collection.fields.find(
    (f) => (f.type === "text" && f.name !== "id" && !f.hidden) || f.type === "email",
  );
  return texty?.name ?? "id";
}
