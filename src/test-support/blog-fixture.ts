import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { uniqueName } from "./api.js";

export interface Blog {
  orgs: string;
  authors: string;
  posts: string;
  comments: string;
  org: Record<"acme" | "globex", RecordModel>;
  author: Record<"ann" | "bob" | "cid", RecordModel>;
  post: Record<"alpha" | "beta" | "gamma" | "delta", RecordModel>;
  comment: Record<"c1" | "c2" | "c3", RecordModel>;
}

/**
 * Four collections with unique names (orgs ← authors ← posts ← comments) and a few records,
 * all rules "" (anyone) unless overridden. Created as the given superuser.
 */
export async function createBlog(
  su: PocketBase,
  opts: { postRules?: Record<string, string | null>; usersId?: string } = {},
): Promise<Blog> {
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  const orgs = await su.collections.create({
    name: uniqueName("orgs"),
    type: "base",
    fields: [{ name: "name", type: "text" }],
    ...open,
  } as never);
  const authors = await su.collections.create({
    name: uniqueName("authors"),
    type: "base",
    fields: [
      { name: "name", type: "text" },
      { name: "org", type: "relation", collectionId: orgs.id, maxSelect: 1 },
    ],
    ...open,
  } as never);
  const postFields: Record<string, unknown>[] = [
    { name: "title", type: "text", required: true, max: 40 },
    { name: "body", type: "text" },
    { name: "tags", type: "select", values: ["a", "b", "c", "d"], maxSelect: 4 },
    { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
    { name: "editors", type: "relation", collectionId: authors.id, maxSelect: 5 },
    { name: "total", type: "number" },
    { name: "published", type: "bool" },
  ];
  if (opts.usersId)
    postFields.push({ name: "owner", type: "relation", collectionId: opts.usersId, maxSelect: 1 });
  const posts = await su.collections.create({
    name: uniqueName("posts"),
    type: "base",
    fields: postFields,
    ...open,
    ...(opts.postRules ?? {}),
  } as never);
  const comments = await su.collections.create({
    name: uniqueName("comments"),
    type: "base",
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, cascadeDelete: true },
      { name: "by", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
    ...open,
  } as never);

  const acme = await su.collection(orgs.name).create({ name: "Acme" });
  const globex = await su.collection(orgs.name).create({ name: "Globex" });
  const ann = await su.collection(authors.name).create({ name: "Ann", org: acme.id });
  const bob = await su.collection(authors.name).create({ name: "Bob", org: globex.id });
  const cid = await su.collection(authors.name).create({ name: "Cid" });
  const P = su.collection(posts.name);
  const alpha = await P.create({
    title: "Alpha",
    body: "The quick brown fox jumps",
    tags: ["a", "b"],
    author: ann.id,
    editors: [bob.id, cid.id],
    total: 10,
    published: true,
  });
  const beta = await P.create({
    title: "Beta",
    body: "Lorem ipsum dolor",
    tags: ["b"],
    author: bob.id,
    editors: [ann.id],
    total: 20,
    published: false,
  });
  const gamma = await P.create({
    title: "Gamma",
    body: "",
    tags: [],
    author: ann.id,
    total: 30,
    published: true,
  });
  const delta = await P.create({ title: "Delta", body: "x' OR 1=1 --", tags: ["c", "d"], total: 40 });
  const C = su.collection(comments.name);
  const c1 = await C.create({ text: "nice", post: alpha.id, by: bob.id });
  const c2 = await C.create({ text: "meh", post: alpha.id, by: cid.id });
  const c3 = await C.create({ text: "ok", post: beta.id, by: ann.id });
  return {
    orgs: orgs.name,
    authors: authors.name,
    posts: posts.name,
    comments: comments.name,
    org: { acme, globex },
    author: { ann, bob, cid },
    post: { alpha, beta, gamma, delta },
    comment: { c1, c2, c3 },
  };
}
