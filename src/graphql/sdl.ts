import { type Field, fieldType, referenceOf } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { type CollectionNames, graphqlNames } from "./names.js";

const PREAMBLE = `"""Any JSON value."""
scalar JSON

type GeoPoint {
  lon: Float!
  lat: Float!
}

input GeoPointInput {
  lon: Float!
  lat: Float!
}`;

/** A back-relation: records of `from` whose relation `field` points at the collection. */
interface BackRelation {
  from: Collection;
  field: Field;
}

/**
 * The GraphQL schema of the catalogue as SDL text, projected from the collection definitions
 * (each field's type from its type's `graphqlType`): per collection a record type, a page type,
 * relations under `expand` (REST's expand names, back-relations as `<collection>_via_<field>`),
 * create/update inputs, list/by-id queries, mutations, password auth for auth collections and a
 * subscription. The same text serves the server and `backroom typegen --graphql`. Hidden fields
 * are in no read type: the records API returns them to nobody (superusers filter and sort on them).
 */
export function schemaSdl(collections: readonly Collection[]): string {
  const names = graphqlNames(collections);
  const byId = new Map(collections.map((c) => [c.id, c]));
  const back = backRelations(collections);
  const parts = [PREAMBLE];
  const query: string[] = [];
  const mutation: string[] = [];
  const subscription: string[] = [];
  for (const c of [...collections].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const n = names.get(c.id) as CollectionNames;
    const expand = expandFields(c, back.get(c.id) ?? [], byId, names);
    parts.push(recordType(c, n, expand.length > 0));
    if (expand.length > 0) parts.push(block("type", n.expand, expand));
    parts.push(
      block("type", n.list, [
        `items: [${n.type}!]!`,
        "page: Int!",
        "perPage: Int!",
        '"""-1 when skipTotal is true."""\n  totalItems: Int!',
        "totalPages: Int!",
      ]),
    );
    parts.push(
      block("type", n.event, ['"""create, update or delete."""\n  action: String!', `record: ${n.type}!`]),
    );
    query.push(
      `"""Lists ${c.name} records the list rule lets you see; filter and sort in the records API's language."""\n  ${n.listField}(filter: String, sort: String, page: Int, perPage: Int, skipTotal: Boolean): ${n.list}!`,
      `"""One ${c.name} record by id, or null when it does not exist or the view rule hides it."""\n  ${n.byIdField}(id: String!): ${n.type}`,
    );
    subscription.push(
      `"""Changes to ${c.name} records whose view rule lets you see them."""\n  ${n.listField}: ${n.event}!`,
    );
    if (c.type === "view") continue;
    const create = inputFields(c, "create");
    const update = inputFields(c, "update");
    if (create.length > 0) parts.push(block("input", n.create, create));
    if (update.length > 0) parts.push(block("input", n.update, update));
    mutation.push(
      `${n.createField}${create.length > 0 ? `(data: ${n.create}!)` : ""}: ${n.type}!`,
      `${n.updateField}(id: String!${update.length > 0 ? `, data: ${n.update}!` : ""}): ${n.type}!`,
      `${n.deleteField}(id: String!): Boolean!`,
    );
    if (c.type === "auth") {
      parts.push(block("type", n.auth, ["token: String!", `record: ${n.type}!`]));
      mutation.push(
        `${n.authWithPasswordField}(identity: String!, password: String!, identityField: String): ${n.auth}!`,
      );
    }
  }
  parts.push(
    block("type", "Query", query.length > 0 ? query : ['"""No collections yet."""\n  _empty: Boolean']),
  );
  if (mutation.length > 0) parts.push(block("type", "Mutation", mutation));
  if (subscription.length > 0) parts.push(block("type", "Subscription", subscription));
  return `${parts.join("\n\n")}\n`;
}

function block(kind: "type" | "input", name: string, lines: string[]): string {
  return `${kind} ${name} {\n${lines.map((l) => `  ${l}`).join("\n")}\n}`;
}

function recordType(c: Collection, n: CollectionNames, hasExpand: boolean): string {
  const lines: string[] = [];
  for (const field of c.fields) {
    if (field.hidden) continue;
    const type = fieldType(field).graphqlType(field, "read");
    if (type !== undefined && isName(field.name)) lines.push(`${field.name}: ${type}`);
  }
  lines.push("collectionId: String!", "collectionName: String!");
  if (hasExpand)
    lines.push(
      `"""Related records the target's view rule (list rule for back-relations) lets you see."""\n  expand: ${n.expand}`,
    );
  return block("type", n.type, lines);
}

function inputFields(c: Collection, shape: "create" | "update"): string[] {
  const lines: string[] = [];
  for (const field of c.fields) {
    const type = fieldType(field).graphqlType(field, shape);
    if (type !== undefined && isName(field.name)) lines.push(`${field.name}: ${type}`);
  }
  return lines;
}

function expandFields(
  c: Collection,
  back: BackRelation[],
  byId: Map<string, Collection>,
  names: Map<string, CollectionNames>,
): string[] {
  const lines: string[] = [];
  for (const field of c.fields) {
    const reference = referenceOf(field);
    const target = reference && byId.get(reference.collectionId);
    if (!reference || !target || !isName(field.name)) continue;
    const type = names.get(target.id)?.type;
    lines.push(`${field.name}: ${reference.multi ? `[${type}!]` : type}`);
  }
  for (const { from, field } of back) {
    const type = names.get(from.id)?.type;
    lines.push(`${from.name}_via_${field.name}: [${type}!]`);
  }
  return lines;
}

/** For each collection, the relation fields of other collections (and its own) that point at it. */
function backRelations(collections: readonly Collection[]): Map<string, BackRelation[]> {
  const out = new Map<string, BackRelation[]>();
  for (const from of collections) {
    if (!isName(from.name)) continue;
    for (const field of from.fields) {
      const reference = referenceOf(field);
      if (!reference || !isName(field.name)) continue;
      const list = out.get(reference.collectionId) ?? [];
      list.push({ from, field });
      out.set(reference.collectionId, list);
    }
  }
  return out;
}

/** Field and collection names are `[A-Za-z0-9_]`; GraphQL also refuses a leading digit and `__`. */
function isName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.startsWith("__");
}
