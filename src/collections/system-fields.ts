import type { CollectionType, Field } from "./model.js";

/**
 * The fields every collection of a type starts with. Their ids are fixed so that the same
 * collection exported from one Backroom (or PocketBase) and imported in another lines up.
 */
export function systemFieldsFor(type: CollectionType): Record<string, unknown>[] {
  const id = {
    id: "text3208210256",
    name: "id",
    type: "text",
    system: true,
    primaryKey: true,
    required: true,
    min: 15,
    max: 15,
    pattern: "^[a-z0-9]+$",
    autogeneratePattern: "[a-z0-9]{15}",
  };
  if (type === "view") return [];
  if (type === "base") return [id];
  return [
    id,
    {
      id: "password901924565",
      name: "password",
      type: "password",
      system: true,
      hidden: true,
      required: true,
      min: 8,
    },
    {
      id: "text2504183744",
      name: "tokenKey",
      type: "text",
      system: true,
      hidden: true,
      required: true,
      min: 30,
      max: 60,
      autogeneratePattern: "[a-zA-Z0-9]{50}",
    },
    { id: "email3885137012", name: "email", type: "email", system: true, required: true },
    { id: "bool1547992806", name: "emailVisibility", type: "bool", system: true },
    { id: "bool256245529", name: "verified", type: "bool", system: true },
  ];
}

/** `created`/`updated` autodate fields, added to new base and auth collections unless given. */
export function timestampFields(): Record<string, unknown>[] {
  return [
    { id: "autodate2990389176", name: "created", type: "autodate", onCreate: true, onUpdate: false },
    { id: "autodate3332085495", name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ];
}

export const SYSTEM_FIELD_NAMES = new Set([
  "id",
  "password",
  "tokenKey",
  "email",
  "emailVisibility",
  "verified",
]);

export function isAuthSystemField(field: Field): boolean {
  return field.system && SYSTEM_FIELD_NAMES.has(field.name);
}
