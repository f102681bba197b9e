import type PocketBase from "pocketbase";
import type { RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../../realtime/test-support/collector.js";
import { raw, sdk, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

installEventSource();

type Event = RecordSubscription<Record<string, unknown>>;

describe.each(await storesUnderTest())("realtime over SSE (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let usersId: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;
  const opened: PocketBase[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    usersId = (await su.collections.getOne("users")).id;
    alice = await signedInUser(() => server.client(), { name: "Alice" });
    bob = await signedInUser(() => server.client(), { name: "Bob" });
  });
  afterAll(async () => {
    for (const pb of opened) pb.realtime.unsubscribe().catch(() => {});
    await server?.close();
  });

  /** A fresh SDK client (its own SSE connection), signed in as `user` when given. */
  async function clientAs(user?: { email: string; password: string }): Promise<PocketBase> {
    const pb = sdk(server.client());
    if (user) await pb.collection("users").authWithPassword(user.email, user.password);
    opened.push(pb);
    return pb;
  }

  async function orders(rules: { listRule?: string | null; viewRule?: string | null }) {
    const name = uniqueName("orders");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
        { name: "secret", type: "text", hidden: true },
      ],
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
      ...rules,
    } as never);
    return name;
  }

  async function subscribe(
    pb: PocketBase,
    collection: string,
    topic: string,
    options?: Record<string, unknown>,
  ) {
    const got = new Collector<Event>();
    await pb.collection(collection).subscribe(topic, got.push, options);
    return got;
  }

  it("sends PB_CONNECT first, with the client id as event id and data", async () => {
    const res = await fetch(new URL("/api/realtime", server.url));
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    const frame = new TextDecoder().decode(value);
    const m = /^id:(\S+)\nevent:PB_CONNECT\ndata:(.*)\n\n/.exec(frame);
    expect(m).not.toBeNull();
    expect(JSON.parse(m?.[2] ?? "")).toEqual({ clientId: m?.[1] });
    await reader.cancel();
  });

  it("create, update and delete arrive in order, serialized for the subscriber", async () => {
    const name = await orders({});
    const pb = await clientAs(alice);
    const all = await subscribe(pb, name, "*");
    const created = await su.collection(name).create({ title: "one", owner: alice.id, secret: "s" });
    const one = await subscribe(pb, name, created.id);
    await su.collection(name).update(created.id, { title: "two" });
    await su.collection(name).update(created.id, { title: "three" });
    await su.collection(name).delete(created.id);
    const events = await all.waitFor(4);
    expect(events.map((e) => [e.action, e.record.title])).toEqual([
      ["create", "one"],
      ["update", "two"],
      ["update", "three"],
      ["delete", "three"],
    ]);
    expect(events[0]?.record).toMatchObject({ id: created.id, collectionName: name, owner: alice.id });
    expect(events[0]?.record).not.toHaveProperty("secret");
    expect((await one.waitFor(3)).map((e) => e.action)).toEqual(["update", "update", "delete"]);
  });

  it("a subscriber without access gets nothing: list rule, view rule, deletes of what it could not see", async () => {
    const name = await orders({});
    const bobPb = await clientAs(bob);
    const guest = await clientAs();
    const mine = await su.collection(name).create({ title: "alice's", owner: alice.id });
    const bobAll = await subscribe(bobPb, name, "*");
    const bobOne = await subscribe(bobPb, name, mine.id);
    const guestAll = await subscribe(guest, name, "*");
    await su.collection(name).update(mine.id, { title: "changed" });
    await su.collection(name).delete(mine.id);
    // A marker bob may see: events are ordered, so anything leaked would have come first.
    await su.collection(name).create({ title: "bob's", owner: bob.id });
    expect((await bobAll.waitFor(1)).map((e) => e.record.title)).toEqual(["bob's"]);
    expect(bobOne.items).toEqual([]);
    expect(guestAll.items).toEqual([]);
  });

  it("rules that need other records are checked in SQL, deletes against the record as it was", async () => {
    // owner.name reads the related user: not decidable from the record alone.
    const name = await orders({ listRule: 'owner.name = "Alice"', viewRule: "owner.id = @request.auth.id" });
    const alicePb = await clientAs(alice);
    const bobPb = await clientAs(bob);
    const aliceAll = await subscribe(alicePb, name, "*");
    const bobAll = await subscribe(bobPb, name, "*");
    const a = await su.collection(name).create({ title: "a", owner: alice.id });
    const b = await su.collection(name).create({ title: "b", owner: bob.id });
    const aliceOne = await subscribe(alicePb, name, a.id);
    const bobOne = await subscribe(bobPb, name, a.id);
    await su.collection(name).delete(a.id);
    await su.collection(name).delete(b.id);
    // Both list subscribers pass the list rule for a (owner named Alice), neither for b.
    expect((await aliceAll.waitFor(2)).map((e) => [e.action, e.record.title])).toEqual([
      ["create", "a"],
      ["delete", "a"],
    ]);
    expect((await bobAll.waitFor(2)).map((e) => [e.action, e.record.title])).toEqual([
      ["create", "a"],
      ["delete", "a"],
    ]);
    expect((await aliceOne.waitFor(1)).map((e) => e.action)).toEqual(["delete"]);
    await su.collection(name).create({ title: "marker", owner: alice.id });
    await aliceAll.waitFor(3);
    expect(bobOne.items).toEqual([]);
  });

  it("applies the subscription's filter, fields and expand (expand only what the subscriber may view)", async () => {
    const name = await orders({ listRule: "", viewRule: "" });
    const guest = await clientAs();
    const pb = await clientAs(alice);
    const filtered = await subscribe(pb, name, "*", { filter: 'title ~ "keep"', fields: "title,expand" });
    const expandedForAlice = await subscribe(pb, name, "*", { expand: "owner" });
    const expandedForGuest = await subscribe(guest, name, "*", { expand: "owner" });
    await su.collection(name).create({ title: "drop me", owner: alice.id });
    await su.collection(name).create({ title: "keep me", owner: alice.id });
    expect(await filtered.waitFor(1)).toEqual([{ action: "create", record: { title: "keep me" } }]);
    const [forAlice] = await expandedForAlice.waitFor(1);
    expect((forAlice?.record.expand as { owner?: { id: string } } | undefined)?.owner?.id).toBe(alice.id);
    const [forGuest] = await expandedForGuest.waitFor(1);
    expect(forGuest?.record.owner).toBe(alice.id);
    expect(forGuest?.record.expand).toBeUndefined(); // users' view rule: only yourself
  });

  it("an auth record's email goes only to itself and superusers, though every subscriber gets the event", async () => {
    const members = uniqueName("members");
    await su.collections.create({
      name: members,
      type: "auth",
      listRule: "",
      viewRule: "",
      createRule: "",
    } as never);
    const carol = await signedInUser(() => server.client(), { collection: members });
    const dave = await signedInUser(() => server.client(), { collection: members });
    const asMember = async (user: { email: string; password: string }) => {
      const pb = sdk(server.client());
      await pb.collection(members).authWithPassword(user.email, user.password);
      opened.push(pb);
      return pb;
    };
    const forCarol = await subscribe(await asMember(carol), members, "*");
    const forDave = await subscribe(await asMember(dave), members, "*");
    const forGuest = await subscribe(await clientAs(), members, "*");
    const forSuperuser = await subscribe(await server.superuserClient(), members, "*");
    await su.collection(members).update(carol.id, { verified: true });
    const emailOf = async (got: Collector<Event>) => (await got.waitFor(1))[0]?.record.email;
    expect(await emailOf(forCarol)).toBe(carol.email);
    expect(await emailOf(forSuperuser)).toBe(carol.email);
    expect(await emailOf(forDave)).toBeUndefined();
    expect(await emailOf(forGuest)).toBeUndefined();
  });

  it("a rule change applies to the next event", async () => {
    const name = await orders({ listRule: "" });
    const guest = await clientAs();
    const got = await subscribe(guest, name, "*");
    await su.collection(name).create({ title: "public" });
    await got.waitFor(1);
    await su.collections.update(name, { listRule: 'title = "only this"' });
    await su.collection(name).create({ title: "hidden now" });
    await su.collection(name).create({ title: "only this" });
    expect((await got.waitFor(2)).map((e) => e.record.title)).toEqual(["public", "only this"]);
  });

  it("events stop after a password change and after the user is deleted", async () => {
    const name = await orders({});
    const carol = await signedInUser(() => server.client());
    const dave = await signedInUser(() => server.client());
    const carolPb = await clientAs(carol);
    const davePb = await clientAs(dave);
    const carolGot = await subscribe(carolPb, name, "*");
    const daveGot = await subscribe(davePb, name, "*");
    await su.collection(name).create({ title: "before", owner: carol.id });
    await su.collection(name).create({ title: "before", owner: dave.id });
    await carolGot.waitFor(1);
    await daveGot.waitFor(1);
    await su
      .collection("users")
      .update(carol.id, { password: "another long password", passwordConfirm: "another long password" });
    await su.collection("users").delete(dave.id);
    await su.collection(name).create({ title: "after", owner: carol.id });
    // A marker on a public collection proves the stream is alive and ordered past "after".
    const open = await orders({ listRule: "" });
    const marker = await subscribe(carolPb, open, "*");
    await su.collection(open).create({ title: "marker" });
    await marker.waitFor(1);
    expect(carolGot.items.map((e) => e.record.title)).toEqual(["before"]);
    expect(daveGot.items.map((e) => e.record.title)).toEqual(["before"]);
  });

  it("a rolled-back batch produces no event", async () => {
    const name = await orders({ listRule: "" });
    const guest = await clientAs();
    const got = await subscribe(guest, name, "*");
    const batch = su.createBatch();
    batch.collection(name).create({ title: "rolled back" });
    batch.collection(name).update("missingrecord01", { title: "fails" }); // 404 after the create ran
    await expect(batch.send()).rejects.toBeTruthy();
    await su.collection(name).create({ title: "committed" });
    expect((await got.waitFor(1)).map((e) => e.record.title)).toEqual(["committed"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.items).toHaveLength(1);
  });

  it("a guest client can be upgraded to a user; a user's client refuses another user (403)", async () => {
    const name = await orders({});
    const pb = await clientAs();
    const asGuest = await subscribe(pb, name, "*");
    await pb.collection("users").authWithPassword(alice.email, alice.password);
    const asAlice = await subscribe(pb, name, "*", { headers: { x: "1" } }); // a second topic: re-POSTs with auth
    await su.collection(name).create({ title: "for alice", owner: alice.id });
    expect((await asAlice.waitFor(1)).map((e) => e.record.title)).toEqual(["for alice"]);
    // The first topic now also speaks for Alice: same connection.
    expect((await asGuest.waitFor(1)).map((e) => e.record.title)).toEqual(["for alice"]);
    const clientId = pb.realtime.clientId;
    const hijack = await raw(server.url, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [`${name}/*`] },
      token: bob.pb.authStore.token,
    });
    expect(hijack.status).toBe(403);
    const anonymous = await raw(server.url, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [] },
    });
    expect(anonymous.status).toBe(403);
    const unknown = await raw(server.url, "/api/realtime", {
      method: "POST",
      body: { clientId: "nope", subscriptions: [] },
    });
    expect(unknown.status).toBe(404);
  });

  it("unsubscribe stops events and closes the connection", async () => {
    const name = await orders({ listRule: "" });
    const pb = await clientAs();
    const got = await subscribe(pb, name, "*");
    await su.collection(name).create({ title: "first" });
    await got.waitFor(1);
    const before = server.app.services.realtime.size;
    await pb.collection(name).unsubscribe();
    expect(pb.realtime.isConnected).toBe(false);
    await expect.poll(() => server.app.services.realtime.size).toBe(before - 1);
  });
});
