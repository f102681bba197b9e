/**
 * A client's filter sees through relations only what that client may list (issue #15 point 3):
 * without it, `filter=author.notes_via_owner.secret ~ 'TOP%'` on public posts is a yes/no oracle
 * on private notes. Through the real SDK, on both stores.
 */

import type { RecordSubscription } from "pocketbase";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../../realtime/test-support/collector.js";
import { WsClient } from "../../realtime/test-support/ws-client.js";
import { expectSdkError, issueCode, sdk, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

installEventSource();

/** The issue's filter, for a notes collection named `notes`. */
const leak = (notes: string) => `author.${notes}_via_owner.secret ~ 'TOP%'`;

describe.each(await storesUnderTest())("client filters through relations (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let guest: PocketBase;
  const opened: PocketBase[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    guest = sdk(server.client());
  });
  afterAll(async () => {
    for (const pb of opened) pb.realtime.unsubscribe().catch(() => {});
    for (const ws of sockets) ws.close();
    await server?.close();
  });

  /**
   * members (auth; anyone may list them), notes (private: `owner = @request.auth.id`) and public
   * posts (author → members, note → notes). Alice has the note "TOP secret plan" and the post
   * "alpha"; bob the post "beta", and with `bobNote` the note "A shopping list".
   */
  async function world(opts: { bobNote?: boolean } = {}) {
    const members = uniqueName("members");
    const { id: membersId } = await su.collections.create({
      name: members,
      type: "auth",
      fields: [{ name: "name", type: "text" }],
      listRule: "",
      viewRule: "",
      createRule: "",
    } as never);
    const alice = await signedInUser(() => server.client(), { collection: members, name: "Alice" });
    const bob = await signedInUser(() => server.client(), { collection: members, name: "Bob" });
    const notes = uniqueName("notes");
    const { id: notesId } = await su.collections.create({
      name: notes,
      type: "base",
      fields: [
        { name: "secret", type: "text" },
        { name: "owner", type: "relation", collectionId: membersId, maxSelect: 1 },
      ],
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
    } as never);
    const posts = uniqueName("posts");
    await su.collections.create({
      name: posts,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "author", type: "relation", collectionId: membersId, maxSelect: 1 },
        { name: "note", type: "relation", collectionId: notesId, maxSelect: 1 },
      ],
      listRule: "",
      viewRule: "",
    } as never);
    const aliceNote = await su.collection(notes).create({ secret: "TOP secret plan", owner: alice.id });
    const bobNote = opts.bobNote
      ? await su.collection(notes).create({ secret: "A shopping list", owner: bob.id })
      : undefined;
    await su.collection(posts).create({ title: "alpha", author: alice.id, note: aliceNote.id });
    await su.collection(posts).create({ title: "beta", author: bob.id, note: bobNote?.id ?? "" });
    return { members, notes, posts, alice, bob };
  }

  const total = async (pb: PocketBase, collection: string, filter: string) =>
    (await pb.collection(collection).getList(1, 30, { filter })).totalItems;
  const titles = async (pb: PocketBase, collection: string, options: Record<string, string>) =>
    (await pb.collection(collection).getFullList(options)).map((r) => r.title as string);

  it("a guest learns nothing about private notes: the filter matches as a non-matching one does", async () => {
    const { posts, notes } = await world();
    expect(await total(guest, posts, leak(notes))).toBe(0);
    expect(await total(guest, posts, leak(notes))).toBe(
      await total(guest, posts, `author.${notes}_via_owner.secret ~ 'NOPE%'`),
    );
    // With no note the guest may list, @collection.notes reads as one empty row.
    expect(await total(guest, posts, `@collection.${notes}.secret ~ 'TOP%'`)).toBe(0);
    expect(await total(guest, posts, `@collection.${notes}.secret ?~ 'TOP%'`)).toBe(0);
  });

  it("a signed-in owner sees through to their own notes only; superusers see all", async () => {
    const { posts, notes, alice, bob } = await world({ bobNote: true });
    expect(await titles(alice.pb, posts, { filter: leak(notes) })).toEqual(["alpha"]);
    expect(await total(bob.pb, posts, leak(notes))).toBe(0);
    expect(await total(bob.pb, posts, `author.${notes}_via_owner.secret ~ 'shopping'`)).toBe(1);
    expect(await total(alice.pb, posts, `@collection.${notes}.secret ?~ 'TOP%'`)).toBe(2);
    expect(await total(bob.pb, posts, `@collection.${notes}.secret ?~ 'TOP%'`)).toBe(0);
    expect(await titles(su, posts, { filter: leak(notes) })).toEqual(["alpha"]);
    expect(await total(su, posts, `@collection.${notes}.secret ?~ 'TOP%'`)).toBe(2);
  });

  it("sorting by a field of a hidden row sorts it as missing", async () => {
    const { posts, alice, bob } = await world({ bobNote: true });
    const sort = "note.secret,title";
    // Secrets: alpha's "TOP secret plan" (Alice's), beta's "A shopping list" (bob's).
    expect(await titles(su, posts, { sort })).toEqual(["beta", "alpha"]);
    expect(await titles(guest, posts, { sort })).toEqual(["alpha", "beta"]);
    expect(await titles(alice.pb, posts, { sort })).toEqual(["beta", "alpha"]);
    expect(await titles(bob.pb, posts, { sort })).toEqual(["alpha", "beta"]);
  });

  it("API keys see through relations into the collections their scopes may list", async () => {
    const { posts, notes, members } = await world();
    const keyClient = async (collections: string[]) => {
      const { key } = await su.send<{ key: string }>("/api/keys", {
        method: "POST",
        body: { name: "k", scopes: collections.map((collection) => ({ collection, operations: ["list"] })) },
      });
      const pb = sdk(new PocketBase(server.url));
      pb.authStore.save(key);
      return pb;
    };
    expect(await total(await keyClient([posts, members]), posts, leak(notes))).toBe(0);
    expect(await total(await keyClient([posts, members, notes]), posts, leak(notes))).toBe(1);
    expect(await total(await keyClient(["*"]), posts, leak(notes))).toBe(1);
  });

  it("realtime filters (SSE) see the same: the guest's filtered subscription gets nothing", async () => {
    const { posts, notes, members, alice } = await world();
    type Event = RecordSubscription<Record<string, unknown>>;
    const subscribe = async (pb: PocketBase, options?: Record<string, unknown>) => {
      const got = new Collector<Event>();
      await pb.collection(posts).subscribe("*", got.push, options);
      return got;
    };
    const guestPb = sdk(server.client());
    const alicePb = sdk(server.client());
    opened.push(guestPb, alicePb);
    await alicePb.collection(members).authWithPassword(alice.email, alice.password);
    const guestFiltered = await subscribe(guestPb, { filter: leak(notes) });
    const guestAll = await subscribe(guestPb);
    const aliceFiltered = await subscribe(alicePb, { filter: leak(notes) });
    await su.collection(posts).create({ title: "gamma", author: alice.id });
    await su.collection(posts).create({ title: "delta", author: alice.id });
    expect((await aliceFiltered.waitFor(2)).map((e) => e.record.title)).toEqual(["gamma", "delta"]);
    // Events reach a connection in order: had the filtered one matched, it would be here by now.
    expect((await guestAll.waitFor(2)).map((e) => e.record.title)).toEqual(["gamma", "delta"]);
    expect(guestFiltered.items).toEqual([]);
  });

  it("realtime filters (WebSocket) see the same", async () => {
    const { posts, notes, alice } = await world();
    const ws = await WsClient.open(server.url);
    sockets.push(ws);
    const filtered = `${posts}/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: leak(notes) } }))}`;
    ws.send({ type: "subscribe", id: 1, subscriptions: [filtered, `${posts}/*`] });
    await ws.next((f) => f.type === "subscribed");
    await su.collection(posts).create({ title: "gamma", author: alice.id });
    await ws.next((f) => f.type === "event");
    await su.collection(posts).create({ title: "delta", author: alice.id });
    await ws.next((f) => f.type === "event" && JSON.stringify(f.data).includes("delta"));
    expect(ws.events().map((f) => f.topic)).toEqual([`${posts}/*`, `${posts}/*`]);
  });

  it('filterThroughRelations: "open" on the target restores PocketBase\'s older, looser behaviour', async () => {
    const { posts, notes } = await world();
    expect((await su.collections.getOne(notes)).filterThroughRelations).toBe("listRule");
    await su.collections.update(notes, { filterThroughRelations: "open" });
    expect((await su.collections.getOne(notes)).filterThroughRelations).toBe("open");
    expect(await total(guest, posts, leak(notes))).toBe(1);
    // Hidden fields stay refused whatever the option says.
    const { fields } = await su.collections.getOne(notes);
    await su.collections.update(notes, {
      fields: fields.map((f) => (f.name === "secret" ? { ...f, hidden: true } : f)),
    });
    await expectSdkError(guest.collection(posts).getList(1, 1, { filter: leak(notes) }), 400);
  });

  it("the option is validated, and kept through collection import; unknown keys are ignored", async () => {
    const { notes } = await world();
    const err = await expectSdkError(
      su.collections.update(notes, { filterThroughRelations: "sometimes" }),
      400,
    );
    expect(issueCode(err, "filterThroughRelations")).toBe("validation_in_invalid");
    const current = await su.collections.getOne(notes);
    await su.collections.import([{ ...current, filterThroughRelations: "open", someFutureKey: true }], false);
    expect((await su.collections.getOne(notes)).filterThroughRelations).toBe("open");
    await su.collections.update(notes, { filterThroughRelations: "listRule", anotherUnknownKey: 1 });
    expect((await su.collections.getOne(notes)).filterThroughRelations).toBe("listRule");
  });
});
