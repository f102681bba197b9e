import type { Collection } from "../collections/model.js";

/** Names the generated file declares itself; a collection's base name never takes one of these. */
const RESERVED = new Set([
  "GeoPoint",
  "CollectionRecords",
  "CollectionCreates",
  "CollectionUpdates",
  "CollectionName",
  "TypedPocketBase",
  "PocketBase",
  "RecordService",
]);

/**
 * A PascalCase base name per collection (`blog_posts` → `BlogPosts`), unique within the file:
 * `my_posts` and `myPosts` would both give `MyPosts`, so the later one (by name) gets `MyPosts2`.
 */
export function typeBaseNames(collections: Collection[]): Map<string, string> {
  const taken = new Set(RESERVED);
  const out = new Map<string, string>();
  for (const c of [...collections].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const base = pascalCase(c.name);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    out.set(c.id, name);
  }
  return out;
}

function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
  if (joined === "") return "Collection";
  // An identifier cannot start with a digit.
  return /^[0-9]/.test(joined) ? `C${joined}` : joined;
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
