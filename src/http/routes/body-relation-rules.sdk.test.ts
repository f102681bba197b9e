/**
 * `@request.body.<relation>.<field>` in rules: the record the request body points at, as in
 * PocketBase (a shop's "only the product's owner may add a variant" or a blog's "comment only on
 * your own posts").
 */
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())("rules reading through a body relation (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("createRule @request.body.post.owner = @request.auth.id", async () => {
    const users = await su.collections.getOne("users");
    const posts = await su.collections.create({
      name: uniqueName("posts"),
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 },
      ],
      listRule: "",
      viewRule: "",
    } as never);
    const notes = await su.collections.create({
      name: uniqueName("notes"),
      type: "base",
      fields: [
        { name: "text", type: "text" },
        { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 },
      ],
      createRule: "@request.auth.id != '' && @request.body.post.owner = @request.auth.id",
    } as never);
    const ann = await signedInUser(() => server.client());
    const bob = await signedInUser(() => server.client());
    const annsPost = await su.collection(posts.name).create({ title: "ann's", owner: ann.id });

    const note = await ann.pb.collection(notes.name).create({ text: "mine", post: annsPost.id });
    expect(note.post).toBe(annsPost.id);
    await expectSdkError(bob.pb.collection(notes.name).create({ text: "not mine", post: annsPost.id }), 400);
    await expectSdkError(ann.pb.collection(notes.name).create({ text: "no post" }), 400);
  });
});
