/** Fixture collections for the rules tests: users, teams, tags, posts, comments. */
import type { Collection, Field } from "../../collections/model.js";

const common = { system: false, hidden: false, presentable: false, required: false };

export function text(name: string, extra: Partial<Field> = {}): Field {
  return {
    ...common,
    id: `f_${name}`,
    name,
    type: "text",
    min: 0,
    max: 0,
    pattern: "",
    autogeneratePattern: "",
    primaryKey: false,
    ...extra,
  } as Field;
}
function typed(type: Field["type"], name: string, extra: Record<string, unknown> = {}): Field {
  return { ...common, id: `f_${name}`, name, type, ...extra } as Field;
}
const id = () => text("id", { system: true, primaryKey: true } as Partial<Field>);
const number = (name: string) => typed("number", name, { min: null, max: null, onlyInt: false });
const bool = (name: string) => typed("bool", name);
const select = (name: string, maxSelect: number) =>
  typed("select", name, { values: ["a", "b", "c"], maxSelect });
const relation = (name: string, collectionId: string, maxSelect: number) =>
  typed("relation", name, { collectionId, cascadeDelete: false, minSelect: 0, maxSelect });
const json = (name: string) => typed("json", name, { maxSize: 0 });

function collection(name: string, type: Collection["type"], fields: Field[]): Collection {
  return {
    id: `c_${name}`,
    name,
    type,
    system: false,
    fields,
    indexes: [],
    // Anyone may list: client filters see through relations (see visibility.ts; tests vary it).
    listRule: "",
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
  };
}

export const teams = collection("teams", "base", [id(), text("name")]);
export const users = collection("users", "auth", [
  id(),
  text("name"),
  typed("email", "email", { exceptDomains: null, onlyDomains: null }),
  bool("emailVisibility"),
  typed("password", "password", { hidden: true, min: 0, max: 0, pattern: "", cost: 0 }),
  text("tokenKey", { hidden: true }),
  number("age"),
  relation("team", "c_teams", 1),
]);
export const tags = collection("tags", "base", [id(), text("name"), select("color", 1), number("weight")]);
export const posts = collection("posts", "base", [
  id(),
  text("title"),
  number("views"),
  bool("active"),
  select("status", 1),
  select("labels", 3),
  relation("author", "c_users", 1),
  relation("tags", "c_tags", 5),
  json("meta"),
  typed("geoPoint", "loc"),
  typed("date", "published", { min: "", max: "" }),
]);
export const comments = collection("comments", "base", [
  id(),
  relation("post", "c_posts", 1),
  text("message"),
  number("votes"),
  relation("author", "c_users", 1),
]);

export const ALL = [teams, users, tags, posts, comments];

export function getCollection(idOrName: string): Collection | undefined {
  return ALL.find((c) => c.id === idOrName || c.name === idOrName);
}

/** The fixture collections with some settings changed (list rules, relation filter access). */
export interface Catalogue {
  get(name: string): Collection;
  getCollection(idOrName: string): Collection | undefined;
}

export function catalogue(changes: Record<string, Partial<Collection>>): Catalogue {
  const all = ALL.map((c) => ({ ...c, ...(changes[c.name] ?? {}) }));
  const getCollection = (idOrName: string) => all.find((c) => c.id === idOrName || c.name === idOrName);
  return {
    getCollection,
    get(name) {
      const found = getCollection(name);
      if (!found) throw new Error(`no fixture collection ${name}`);
      return found;
    },
  };
}
