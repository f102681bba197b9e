import { collectionToApi } from "../collections/collection-json.js";
import type { CollectionChange } from "../collections/collection-service.js";
import { referenceOf, retarget } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";

const PAST = { create: "created", update: "updated", delete: "deleted" } as const;

/** `created_posts`, `updated_posts`, `deleted_posts`: the file name after the timestamp. */
export function changeMigrationName(change: CollectionChange): string {
  const name = (change.after ?? change.before).name.replace(/[^A-Za-z0-9_-]/g, "_");
  return `${PAST[change.action]}_${name}`.slice(0, 80);
}

/**
 * The source of a migration that replays one collection change. It holds the collection's full
 * JSON before and/or after the change, so up() and down() reproduce it exactly. Relation fields
 * name their target collection instead of its id: ids of collections every store creates
 * itself (users, _superusers) differ between stores, names don't. For the same reason an
 * existing collection is found by id, else by name.
 * `nameOf` maps a collection id to its current name.
 */
export function changeMigrationSource(
  change: CollectionChange,
  nameOf: (id: string) => string | undefined,
): string {
  const { before, after } = change;
  const label = (before ?? after)?.name ?? "";
  const find = (c: Collection) => `app.collections.get(${str(c.id)})?.id ?? ${str(c.name)}`;
  const consts: string[] = [];
  if (before) consts.push(`const before: CollectionInput = ${portableJson(before, nameOf)};`);
  if (after) consts.push(`const after: CollectionInput = ${portableJson(after, nameOf)};`);
  let up: string;
  let down: string;
  if (change.action === "create") {
    up = "await app.collections.create(after);";
    down = `await app.collections.delete(${find(change.after)});`;
  } else if (change.action === "update") {
    up = `await app.collections.update(${find(change.before)}, after);`;
    down = `await app.collections.update(${find(change.after)}, before);`;
  } else {
    up = `await app.collections.delete(${find(change.before)});`;
    down = "await app.collections.create(before);";
  }
  return `// Written by \`backroom serve --dev\`: the collection ${str(label)} was ${PAST[change.action]} through the API.
// up() replays that change and down() reverts it. Commit this file: \`backroom migrate up\`
// applies it to other databases (this one already has it).
import { type CollectionInput, defineMigration } from "backroom";

${consts.join("\n\n")}

export default defineMigration({
  async up(app) {
    ${up}
  },

  async down(app) {
    ${down}
  },
});
`;
}

/** The API's JSON for a collection (no secrets, no timestamps), relation targets by name. */
function portableJson(c: Collection, nameOf: (id: string) => string | undefined): string {
  const { created: _created, updated: _updated, ...json } = collectionToApi(c);
  json.fields = c.fields.map((f) => {
    const id = referenceOf(f)?.collectionId;
    if (id === undefined) return f;
    const target = id === c.id ? c.name : nameOf(id);
    return retarget(f, target ?? id);
  });
  return JSON.stringify(json, null, 2);
}

const str = (s: string) => JSON.stringify(s);
