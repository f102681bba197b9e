import type { Collection } from "../collections/model.js";

/** Type names the schema declares itself, whatever the collections. */
const FIXED = ["JSON", "GeoPoint", "GeoPointInput", "Query", "Mutation", "Subscription", "Boolean"];

/** The type names one collection gives the schema. */
export interface CollectionNames {
  /** The record type (`blog_posts` → `BlogPosts`). */
  type: string;
  list: string;
  expand: string;
  create: string;
  update: string;
  auth: string;
  event: string;
  /** The root fields: list query, by-id query, mutations. */
  listField: string;
  byIdField: string;
  createField: string;
  updateField: string;
  deleteField: string;
  authWithPasswordField: string;
}

function namesFor(base: string): CollectionNames {
  const lower = base[0]?.toLowerCase() + base.slice(1);
  return {
    type: base,
    list: `${base}List`,
    expand: `${base}Expand`,
    create: `${base}CreateInput`,
    update: `${base}UpdateInput`,
    auth: `${base}Auth`,
    event: `${base}Event`,
    listField: lower,
    byIdField: `${lower}ById`,
    createField: `create${base}`,
    updateField: `update${base}`,
    deleteField: `delete${base}`,
    authWithPasswordField: `authWithPassword${base}`,
  };
}

/**
 * The GraphQL names of every collection, unique within the schema: `my_posts` and `myPosts` both
 * give `MyPosts`, and `posts_list` would give the `PostsList` that `posts` uses, so a later one (by
 * name) takes the next free `MyPosts2`.
 */
export function graphqlNames(collections: readonly Collection[]): Map<string, CollectionNames> {
  const taken = new Set(FIXED);
  const out = new Map<string, CollectionNames>();
  for (const c of [...collections].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const base = pascalCase(c.name);
    let names = namesFor(base);
    for (let n = 2; typeNames(names).some((t) => taken.has(t)); n++) names = namesFor(`${base}${n}`);
    for (const t of typeNames(names)) taken.add(t);
    out.set(c.id, names);
  }
  return out;
}

function typeNames(n: CollectionNames): string[] {
  return [n.type, n.list, n.expand, n.create, n.update, n.auth, n.event];
}

function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
  if (joined === "") return "Collection";
  // A GraphQL name cannot start with a digit.
  return /^[0-9]/.test(joined) ? `C${joined}` : joined;
}
