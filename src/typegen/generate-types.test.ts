import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServices } from "../app.js";
import type { Services } from "../http/services.js";
import { type TempStore, tempStore } from "../migrations/test-support/temp-store.js";
import { typeCheckFiles } from "../migrations/test-support/type-check.js";
import { storesUnderTest } from "../test-support/server.js";
import { generateTypes } from "./generate-types.js";

/** A schema using every field type and option that changes a type. */
async function createSchema(services: Services): Promise<void> {
  const create = (input: Record<string, unknown>) => services.collections.create(input, null);
  await create({ name: "authors", fields: [{ name: "name", type: "text", required: true }] });
  await create({
    name: "articles",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "slug", type: "text", required: true, autogeneratePattern: "[a-z]{8}" },
      { name: "body", type: "editor" },
      { name: "contact", type: "email" },
      { name: "link", type: "url" },
      { name: "count", type: "number" },
      { name: "published", type: "bool" },
      { name: "due", type: "date" },
      { name: "status", type: "select", values: ["draft", "live"], required: true },
      { name: "mood", type: "select", values: ["happy", "sad"] },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "author", type: "relation", collectionId: "authors", maxSelect: 1 },
      { name: "readers", type: "relation", collectionId: "users", maxSelect: 10 },
      { name: "cover", type: "file", maxSelect: 1 },
      { name: "gallery", type: "file", maxSelect: 5 },
      { name: "meta", type: "json" },
      { name: "place", type: "geoPoint" },
      { name: "secretNote", type: "text", hidden: true },
      { name: "pin", type: "password" },
      { name: "seen", type: "autodate", onCreate: true, onUpdate: true },
    ],
  });
  // Both PascalCase to MyPosts: the second (by name) becomes MyPosts2.
  await create({ name: "myPosts" });
  await create({ name: "my_posts" });
  await create({ name: "article_titles", type: "view", viewQuery: "SELECT id, title FROM articles" });
}

const GOOD_USAGE = `import PocketBase from "pocketbase";
import type {
  ArticlesCreate, ArticlesRecord, ArticlesUpdate, ArticleTitlesRecord, AuthorsRecord, CollectionName,
  CollectionRecords, MyPosts2Record, MyPostsRecord, TypedPocketBase, UsersCreate, UsersRecord, UsersUpdate,
} from "./types";

/** True only when X and Y are the same type (not merely assignable). */
type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type A = ArticlesRecord;
export const exact: true[] = [
  true as Equals<A["id"], string>,
  true as Equals<A["collectionId"], string>,
  true as Equals<A["collectionName"], "articles">,
  true as Equals<A["title"], string>,
  true as Equals<A["slug"], string>,
  true as Equals<A["body"], string>,
  true as Equals<A["contact"], string>,
  true as Equals<A["link"], string>,
  true as Equals<A["count"], number>,
  true as Equals<A["published"], boolean>,
  true as Equals<A["due"], string>,
  true as Equals<A["status"], "draft" | "live">,
  true as Equals<A["mood"], "happy" | "sad" | "">,
  true as Equals<A["tags"], Array<"a" | "b" | "c">>,
  true as Equals<A["author"], string>,
  true as Equals<A["readers"], string[]>,
  true as Equals<A["cover"], string>,
  true as Equals<A["gallery"], string[]>,
  true as Equals<A["meta"], unknown>,
  true as Equals<A["place"], { lon: number; lat: number }>,
  true as Equals<A["created"], string>,
  true as Equals<A["seen"], string>,
  true as Equals<A["secretNote"], string | undefined>,
  true as Equals<NonNullable<A["expand"]>["author"], AuthorsRecord | undefined>,
  true as Equals<NonNullable<A["expand"]>["readers"], UsersRecord[] | undefined>,
  true as Equals<UsersRecord["email"], string | undefined>,
  true as Equals<UsersRecord["verified"], boolean>,
  true as Equals<UsersRecord["emailVisibility"], boolean>,
  true as Equals<ArticlesCreate["status"], "draft" | "live">,
  true as Equals<ArticlesCreate["slug"], string | undefined>,
  true as Equals<ArticlesCreate["due"], string | Date | undefined>,
];
export const created: ArticlesCreate = {
  title: "Hello",
  status: "draft",
  tags: ["a", "c"],
  author: "abc",
  place: { lon: 1, lat: 2 },
  due: new Date(),
  cover: new Blob(["x"]),
  pin: "1234",
};
export const patch: ArticlesUpdate = { mood: "" };
export const signup: UsersCreate = { email: "a@example.com", password: "12345678", passwordConfirm: "12345678" };
export const passwordChange: UsersUpdate = { oldPassword: "x", password: "y", passwordConfirm: "y" };
export const view = (v: ArticleTitlesRecord): string => v.title;
export const names: CollectionName[] = ["articles", "users", "_superusers", "myPosts", "my_posts"];
export const byName = (r: CollectionRecords["articles"]): ArticlesRecord => r;
export const distinct = (m: MyPostsRecord, m2: MyPosts2Record): string[] => [m.collectionName, m2.collectionName];

const pb = new PocketBase("http://127.0.0.1:8090") as TypedPocketBase;
export async function load(): Promise<string> {
  const article = await pb.collection("articles").getOne("id");
  const list = await pb.collection("articles").getList(1, 10);
  const anything = await pb.collection("not_generated").getOne("id");
  return article.title + list.items[0]?.status + String(anything.whatever);
}
`;

/** Each line must fail to type-check; the test lists which lines do. */
const BAD_USAGE = [
  'import PocketBase from "pocketbase";',
  'import type { ArticlesCreate, ArticlesRecord, TypedPocketBase, UsersRecord } from "./types";',
  "declare const a: ArticlesRecord;",
  "declare const u: UsersRecord;",
  'const pb = new PocketBase("http://x") as TypedPocketBase;',
  "export const n: number = a.title;",
  'export const wrongSelect: ArticlesCreate = { title: "t", status: "bogus" };',
  'export const missingTitle: ArticlesCreate = { status: "live" };',
  'export const emptyRequiredSelect: ArticlesCreate = { title: "t", status: "" };',
  'export const wrongTag: ArticlesCreate = { title: "t", status: "live", tags: ["z"] };',
  "export const password = u.password;",
  "export const tokenKey = u.tokenKey;",
  "export const pin = a.pin;",
  "export const email: string = u.email;",
  'export const viaSdk = async (): Promise<number> => (await pb.collection("articles").getOne("x")).title;',
];
const FIRST_BAD_LINE = 6;

describe.each(await storesUnderTest())("typegen (%s)", (kind) => {
  let store: TempStore;
  let services: Services;
  let source: string;

  beforeAll(async () => {
    store = tempStore(kind);
    services = await openServices(store.config);
    await createSchema(services);
    source = generateTypes(services.registry.all(), { sdk: true });
    writeFileSync(join(store.dir, "types.ts"), source);
  });
  afterAll(async () => {
    await services?.store.close();
    await store?.remove();
  });

  it("names each collection's types, collision-safe, with JSDoc naming the collection", () => {
    expect(source).toContain('/** A record of the base collection "articles", as the API returns it. */');
    expect(source).toContain("export interface ArticlesRecord {");
    expect(source).toContain("export interface MyPostsRecord {");
    expect(source).toContain("export interface MyPosts2Record {");
    expect(source).toContain("export interface SuperusersRecord {");
    expect(source).toContain("export interface ArticleTitlesRecord {");
    expect(source).not.toContain("ArticleTitlesCreate");
    // No timestamps: the same schema gives the same file.
    expect(generateTypes(services.registry.all(), { sdk: true })).toBe(source);
    expect(generateTypes(services.registry.all(), { sdk: false })).not.toContain("pocketbase");
  });

  it("correct usage compiles; every wrong line fails", () => {
    const good = join(store.dir, "good.ts");
    const bad = join(store.dir, "bad.ts");
    writeFileSync(good, GOOD_USAGE);
    writeFileSync(bad, BAD_USAGE.join("\n"));
    const errors = typeCheckFiles([good, bad]);
    expect(errors.filter((e) => !e.startsWith(bad))).toEqual([]);
    const failing = new Set(errors.map((e) => Number(e.slice(bad.length + 1).split(":")[0])));
    const expected = BAD_USAGE.map((_, i) => i + 1).filter((line) => line >= FIRST_BAD_LINE);
    expect([...failing].sort((x, y) => x - y)).toEqual(expected);
  });
});
