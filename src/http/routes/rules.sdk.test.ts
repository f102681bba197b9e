import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRecords, expectSdkError, sdk, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

type Rules = Partial<
  Record<"listRule" | "viewRule" | "createRule" | "updateRule" | "deleteRule", string | null>
>;
const sorted = (list: string[]) => [...list].sort();

describe.each(await storesUnderTest())("API rules (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let guest: PocketBase;
  let usersId: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    guest = sdk(server.client());
    usersId = (await su.collections.getOne("users")).id;
    alice = await signedInUser(() => server.client(), { name: "Alice" });
    bob = await signedInUser(() => server.client(), { name: "Bob" });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A notes collection (title, owner → users, status) with the given rules and a note per user. */
  async function notes(rules: Rules) {
    const name = uniqueName("notes");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
        { name: "status", type: "select", values: ["draft", "approved"], maxSelect: 1 },
      ],
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
      ...rules,
    } as never);
    const a = await su.collection(name).create({ title: "alice's", owner: alice.id, status: "draft" });
    const b = await su.collection(name).create({ title: "bob's", owner: bob.id, status: "draft" });
    return { name, a, b };
  }

  it("null rules: 403 for users and guests on every operation; superusers pass", async () => {
    const { name, a } = await notes({});
    for (const pb of [guest, alice.pb]) {
      await expectSdkError(pb.collection(name).getList(), 403);
      await expectSdkError(pb.collection(name).getOne(a.id), 403);
      await expectSdkError(pb.collection(name).create({ title: "x" }), 403);
      await expectSdkError(pb.collection(name).update(a.id, { title: "x" }), 403);
      await expectSdkError(pb.collection(name).delete(a.id), 403);
    }
    expect((await su.collection(name).getList()).totalItems).toBe(2);
    expect((await su.collection(name).getOne(a.id)).title).toBe("alice's");
    expect((await su.collection(name).update(a.id, { title: "su" })).title).toBe("su");
    expect(await countRecords(su, name)).toBe(2);
  });

  it('"" rules: anyone, guests included, may do everything', async () => {
    const { name, a, b } = await notes({
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      deleteRule: "",
    });
    expect((await guest.collection(name).getList()).totalItems).toBe(2);
    expect((await guest.collection(name).getOne(a.id)).id).toBe(a.id);
    const created = await guest.collection(name).create({ title: "by guest" });
    expect(created.title).toBe("by guest");
    expect((await guest.collection(name).update(b.id, { title: "edited" })).title).toBe("edited");
    await guest.collection(name).delete(created.id);
    expect(await countRecords(su, name)).toBe(2);
  });

  it("a list rule filters rows: 200 with fewer items", async () => {
    const { name, a, b } = await notes({ listRule: "owner = @request.auth.id" });
    const mine = await alice.pb.collection(name).getList(1, 10);
    expect(mine.items.map((i) => i.id)).toEqual([a.id]);
    expect(mine.totalItems).toBe(1);
    expect((await bob.pb.collection(name).getFullList()).map((i) => i.id)).toEqual([b.id]);
    const none = await guest.collection(name).getList(1, 10);
    expect(none.items).toEqual([]);
    expect(none.totalItems).toBe(0);
    // A client filter cannot widen what the rule allows.
    const widened = await alice.pb
      .collection(name)
      .getList(1, 10, { filter: `owner = "${bob.id}" || id != ""` });
    expect(widened.items.map((i) => i.id)).toEqual([a.id]);
    expect((await su.collection(name).getList()).totalItems).toBe(2);
  });

  it("a view rule: records outside it → 404", async () => {
    const { name, a, b } = await notes({ listRule: "", viewRule: "owner = @request.auth.id" });
    expect((await alice.pb.collection(name).getOne(a.id)).id).toBe(a.id);
    const err = await expectSdkError(alice.pb.collection(name).getOne(b.id), 404);
    expect(err.response.data).toEqual({});
    await expectSdkError(guest.collection(name).getOne(a.id), 404);
    expect((await su.collection(name).getOne(b.id)).id).toBe(b.id);
  });

  it("an update rule: records outside it → 404 and unchanged", async () => {
    const { name, a, b } = await notes({
      listRule: "",
      viewRule: "",
      updateRule: "owner = @request.auth.id",
    });
    expect((await alice.pb.collection(name).update(a.id, { title: "mine now" })).title).toBe("mine now");
    await expectSdkError(alice.pb.collection(name).update(b.id, { title: "hijack" }), 404);
    await expectSdkError(guest.collection(name).update(b.id, { title: "hijack" }), 404);
    expect((await su.collection(name).getOne(b.id)).title).toBe("bob's");
  });

  it("an update rule is checked against the stored record, not the new values", async () => {
    const { name, b } = await notes({ listRule: "", viewRule: "", updateRule: "owner = @request.auth.id" });
    // Alice cannot take Bob's note by setting owner to herself.
    await expectSdkError(alice.pb.collection(name).update(b.id, { owner: alice.id }), 404);
    expect((await su.collection(name).getOne(b.id)).owner).toBe(bob.id);
  });

  it("a delete rule: records outside it → 404 and kept", async () => {
    const { name, a, b } = await notes({
      listRule: "",
      viewRule: "",
      deleteRule: "owner = @request.auth.id",
    });
    await expectSdkError(alice.pb.collection(name).delete(b.id), 404);
    await expectSdkError(guest.collection(name).delete(a.id), 404);
    expect(await countRecords(su, name)).toBe(2);
    await alice.pb.collection(name).delete(a.id);
    expect(await countRecords(su, name)).toBe(1);
    await expectSdkError(su.collection(name).getOne(a.id), 404);
  });

  it("a create rule that fails → 400 and nothing stored", async () => {
    const { name } = await notes({
      listRule: "",
      createRule: "@request.auth.id != '' && owner = @request.auth.id",
    });
    const ok = await alice.pb.collection(name).create({ title: "own", owner: alice.id });
    expect(ok.owner).toBe(alice.id);
    await expectSdkError(alice.pb.collection(name).create({ title: "forged", owner: bob.id }), 400);
    await expectSdkError(guest.collection(name).create({ title: "guest" }), 400);
    expect(await countRecords(su, name)).toBe(3);
    expect(await countRecords(su, name, 'title = "forged" || title = "guest"')).toBe(0);
  });

  it("rules can read @request.body", async () => {
    const { name, a } = await notes({
      listRule: "",
      viewRule: "",
      createRule: '@request.body.status != "approved"',
      updateRule: "@request.body.status:isset = false && owner = @request.auth.id",
    });
    await expectSdkError(guest.collection(name).create({ title: "x", status: "approved" }), 400);
    const ok = await guest.collection(name).create({ title: "x", status: "draft" });
    expect(ok.status).toBe("draft");
    await expectSdkError(alice.pb.collection(name).update(a.id, { status: "approved" }), 404);
    expect((await su.collection(name).getOne(a.id)).status).toBe("draft");
    expect((await alice.pb.collection(name).update(a.id, { title: "retitled" })).title).toBe("retitled");
  });

  it("rules can read @request.headers and @request.query (header names lower-case, - as _)", async () => {
    const { name, a } = await notes({
      listRule: '@request.headers.x_app_version = "2" && @request.query.tenant = "shop"',
      viewRule: '@request.headers.x_app_version = "2"',
    });
    const headers = { "X-App-Version": "2" };
    await expectSdkError(guest.collection(name).getOne(a.id), 404);
    await expectSdkError(guest.collection(name).getOne(a.id, { headers: { "X-App-Version": "1" } }), 404);
    expect((await guest.collection(name).getOne(a.id, { headers })).id).toBe(a.id);
    expect((await guest.collection(name).getList(1, 10, { headers })).items).toEqual([]);
    const listed = await guest.collection(name).getList(1, 10, { headers, query: { tenant: "shop" } });
    expect(listed.items).toHaveLength(2);
  });

  it("rules can follow relations (owner.name) and read auth fields", async () => {
    const { name, a, b } = await notes({
      listRule: 'owner.name = "Alice"',
      viewRule: "owner.email = @request.auth.email",
    });
    const list = await guest.collection(name).getList();
    expect(list.items.map((i) => i.id)).toEqual([a.id]);
    expect((await bob.pb.collection(name).getOne(b.id)).id).toBe(b.id);
    await expectSdkError(bob.pb.collection(name).getOne(a.id), 404);
  });

  it("rules can use back-relations and @collection", async () => {
    const { name, a, b } = await notes({ listRule: "", viewRule: "" });
    const shares = uniqueName("shares");
    const notesId = (await su.collections.getOne(name)).id;
    await su.collections.create({
      name: shares,
      type: "base",
      fields: [
        { name: "note", type: "relation", collectionId: notesId, maxSelect: 1 },
        { name: "user", type: "relation", collectionId: usersId, maxSelect: 1 },
      ],
    } as never);
    await su.collection(shares).create({ note: b.id, user: alice.id });
    await su.collections.update(name, {
      listRule: `owner = @request.auth.id || ${shares}_via_note.user ?= @request.auth.id`,
      viewRule: `@collection.${shares}.note ?= id && @collection.${shares}.user ?= @request.auth.id`,
    } as never);
    const aliceSees = await alice.pb.collection(name).getList();
    expect(sorted(aliceSees.items.map((i) => i.id))).toEqual(sorted([a.id, b.id]));
    const bobSees = await bob.pb.collection(name).getList();
    expect(bobSees.items.map((i) => i.id)).toEqual([b.id]);
    expect((await alice.pb.collection(name).getOne(b.id)).id).toBe(b.id);
    await expectSdkError(bob.pb.collection(name).getOne(b.id), 404);
  });

  it("expand only includes relations the requester may view", async () => {
    const secrets = uniqueName("secrets");
    const sc = await su.collections.create({
      name: secrets,
      type: "base",
      fields: [{ name: "v", type: "text" }],
    } as never);
    const pub = uniqueName("pub");
    await su.collections.create({
      name: pub,
      type: "base",
      fields: [{ name: "secret", type: "relation", collectionId: sc.id, maxSelect: 1 }],
      listRule: "",
      viewRule: "",
    } as never);
    const s = await su.collection(secrets).create({ v: "classified" });
    const p = await su.collection(pub).create({ secret: s.id });
    const asGuest = await guest.collection(pub).getOne(p.id, { expand: "secret" });
    expect(asGuest.secret).toBe(s.id);
    expect(asGuest.expand?.secret).toBeUndefined();
    expect(JSON.stringify(asGuest)).not.toContain("classified");
    const asSu = await su.collection(pub).getOne(p.id, { expand: "secret" });
    expect(asSu.expand?.secret.v).toBe("classified");
  });

  it("filters cannot probe fields through relations the requester can't list", async () => {
    const { name } = await notes({ listRule: "", viewRule: "" });
    // users' listRule is `id = @request.auth.id`: a guest filtering by another user's email learns nothing.
    const probe = await guest.collection(name).getList(1, 10, { filter: `owner.email = "${alice.email}"` });
    expect(probe.totalItems).toBe(0);
    const own = await alice.pb.collection(name).getList(1, 10, { filter: `owner.email = "${alice.email}"` });
    expect(own.totalItems).toBe(1);
  });

  describe("the default users collection", () => {
    it("a user lists and views only themselves", async () => {
      const list = await alice.pb.collection("users").getList();
      expect(list.items.map((i) => i.id)).toEqual([alice.id]);
      expect(list.items[0]?.email).toBe(alice.email);
      await expectSdkError(alice.pb.collection("users").getOne(bob.id), 404);
      expect((await guest.collection("users").getList()).totalItems).toBe(0);
      expect((await su.collection("users").getList(1, 1, { filter: `id = "${bob.id}"` })).totalItems).toBe(1);
    });

    it("a user cannot update or delete another user", async () => {
      await expectSdkError(alice.pb.collection("users").update(bob.id, { name: "pwned" }), 404);
      await expectSdkError(alice.pb.collection("users").delete(bob.id), 404);
      const b = await su.collection("users").getOne(bob.id);
      expect(b.name).toBe("Bob");
    });

    it("a user updates their own profile", async () => {
      const u = await alice.pb.collection("users").update(alice.id, { name: "Alice L." });
      expect(u.name).toBe("Alice L.");
      await alice.pb.collection("users").update(alice.id, { name: "Alice" });
    });

    it("password and tokenKey never leave the server; email hidden from others unless emailVisibility", async () => {
      const carol = await signedInUser(() => server.client());
      const all: RecordModel[] = await su.collection("users").getFullList();
      for (const u of all) {
        expect(u).not.toHaveProperty("password");
        expect(u).not.toHaveProperty("tokenKey");
      }
      const self = await carol.pb.collection("users").getOne(carol.id);
      expect(self.email).toBe(carol.email);
      // Open the view rule: others may see Carol's record, but not her email until she allows it.
      await su.collections.update("users", { viewRule: "" } as never);
      try {
        const seen = await alice.pb.collection("users").getOne(carol.id);
        expect(seen.id).toBe(carol.id);
        expect(seen).not.toHaveProperty("email");
        await carol.pb.collection("users").update(carol.id, { emailVisibility: true });
        expect((await alice.pb.collection("users").getOne(carol.id)).email).toBe(carol.email);
      } finally {
        await su.collections.update("users", { viewRule: "id = @request.auth.id" } as never);
      }
    });

    it("a user cannot filter users by password or tokenKey", async () => {
      const byHash = await alice.pb
        .collection("users")
        .getList(1, 10, { filter: 'password ~ "argon"' })
        .then((r) => r.totalItems)
        .catch((e: { status: number }) => e.status);
      expect([0, 400]).toContain(byHash);
      const byKey = await alice.pb
        .collection("users")
        .getList(1, 10, { filter: 'tokenKey != ""' })
        .then((r) => r.totalItems)
        .catch((e: { status: number }) => e.status);
      expect([0, 400]).toContain(byKey);
    });
  });
});
