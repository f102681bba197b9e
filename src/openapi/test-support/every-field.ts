import type PocketBase from "pocketbase";
import { uniqueName } from "../../test-support/api.js";

/** A collection with a field of every type (and a hidden one), owned by `users` records. */
export function everyFieldCollection(name = uniqueName("notes")) {
  return {
    name,
    type: "base" as const,
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    updateRule: "owner = @request.auth.id",
    deleteRule: "owner = @request.auth.id",
    fields: [
      { name: "title", type: "text", required: true, max: 80 },
      { name: "slug", type: "text", autogeneratePattern: "[a-z]{8}" },
      { name: "count", type: "number", onlyInt: true },
      { name: "done", type: "bool" },
      { name: "contact", type: "email" },
      { name: "site", type: "url" },
      { name: "body", type: "editor" },
      { name: "due", type: "date" },
      { name: "status", type: "select", values: ["new", "old"] },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "cover", type: "file", maxSelect: 1, maxSize: 1_000_000 },
      { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "meta", type: "json" },
      { name: "place", type: "geoPoint" },
      { name: "pin", type: "password" },
      { name: "internal", type: "text", hidden: true },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  };
}

/** Creates the collection, a locked one (every rule null) and a user who can sign in. */
export async function shapeApp(su: PocketBase) {
  const notes = await su.collections.create(everyFieldCollection());
  const locked = await su.collections.create({
    name: uniqueName("locked"),
    type: "base",
    fields: [{ name: "x", type: "text" }],
  });
  const email = `${uniqueName("u")}@example.com`;
  const password = "a long password";
  await su.collection("users").create({ email, password, passwordConfirm: password, name: "Ada" });
  return { notes: notes.name, locked: locked.name, email, password };
}

/** The component base name the document gives a collection (`notes_1a2b` → `Notes1a2b`). */
export function schemaBase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
}
