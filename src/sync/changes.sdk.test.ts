import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode, raw, sdk, signedInUser, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import type { Change, ChangePage } from "./change-feed.js";
import { encodeCursor } from "./sync-cursor.js";

/** Reads every page after `since` as an offline client would on reconnecting. */
async function pull(
  pb: PocketBase,
  path: string,
  since: string,
  query: Record<string, string> = {},
  perPage = 100,
) {
  const items: Change[] = [];
  let cursor = since;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await pb.send<ChangePage>(path, { query: { ...query, since: cursor, perPage } });
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) return { items, cursor };
  }
  throw new Error("the feed never ended");
}

/** Applies changes to a local copy, the way a mobile app's store would. */
function apply(local: Map<string, unknown>, items: Change[]): void {
  for (const c of items) {
    if (c.action === "upsert") local.set(c.id, c.record);
    else local.delete(c.id);
  }
}

describe.each(await storesUnderTest())("offline sync changes feed (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let usersId: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    usersId = (await su.collections.getOne("users")).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function notes(listRule: string | null) {
    const name = uniqueName("notes");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
      ],
      listRule,
      viewRule: listRule,
    });
    return name;
  }

  it("a client that was offline while others created, updated and deleted converges", async () => {
    const name = await notes("");
    const keep = await su.collection(name).create({ title: "kept" });
    const gone = await su.collection(name).create({ title: "to delete" });
    const client = sdk(server.client());
    // Online: take the head cursor first, then the full list (changes in between replay harmlessly).
    const head = await client.send<ChangePage>(`/api/collections/${name}/changes`, {});
    expect(head.items).toEqual([]);
    const local = new Map<string, unknown>(
      (await client.collection(name).getFullList()).map((r: RecordModel) => [r.id, r]),
    );
    // Offline: others write.
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await su.collection(name).create({ title: `new ${i}` }));
    await su.collection(name).update(keep.id, { title: "kept, edited" });
    await su.collection(name).update(created[1]?.id as string, { title: "new 1, edited" });
    await su.collection(name).delete(gone.id);
    await su.collection(name).delete(created[2]?.id as string);
    // Back online.
    const { items, cursor } = await pull(client, `/api/collections/${name}/changes`, head.cursor);
    // Small pages converge too (a record may then come once per page).
    const paged = new Map(local);
    apply(paged, (await pull(client, `/api/collections/${name}/changes`, head.cursor, {}, 2)).items);
    apply(local, items);
    expect(paged).toEqual(local);
    const server_ = await su.collection(name).getFullList({ sort: "created" });
    expect([...local.values()].map((r) => (r as RecordModel).title).sort()).toEqual(
      server_.map((r) => r.title).sort(),
    );
    expect(local.get(keep.id)).toEqual(server_.find((r) => r.id === keep.id));
    // Commit order: each record once, at its last change; the deletions are tombstones.
    const seqs = items.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(
      items
        .filter((c) => c.action === "delete")
        .map((c) => c.id)
        .sort(),
    ).toEqual([gone.id, created[2]?.id].sort());
    const tombstone = items.find((c) => c.id === gone.id);
    expect(tombstone).toMatchObject({ action: "delete", reason: "deleted", collectionName: name });
    expect(typeof (tombstone as { deleted: unknown }).deleted).toBe("string");
    // Nothing new: an empty page, and the cursor still works.
    const again = await client.send<ChangePage>(`/api/collections/${name}/changes`, {
      query: { since: cursor },
    });
    expect(again.items).toEqual([]);
    expect(again.hasMore).toBe(false);
  });

  it("the list rule applies at read time: own rows only, and a row moved out of view is a tombstone", async () => {
    const name = await notes("owner = @request.auth.id");
    const alice = await signedInUser(() => server.client());
    const bob = await signedInUser(() => server.client());
    const mine = await su.collection(name).create({ title: "alice 1", owner: alice.id });
    const given = await su.collection(name).create({ title: "alice 2", owner: alice.id });
    const bobs = await su.collection(name).create({ title: "bob 1", owner: bob.id });
    const path = `/api/collections/${name}/changes`;
    const head = await alice.pb.send<ChangePage>(path, {});

    const added = await su.collection(name).create({ title: "alice 3", owner: alice.id });
    await su.collection(name).create({ title: "bob 2", owner: bob.id });
    await su.collection(name).update(bobs.id, { title: "bob 1, edited" });
    await su.collection(name).update(given.id, { owner: bob.id }); // leaves alice's view
    await su.collection(name).update(mine.id, { title: "alice 1, edited" });
    await su.collection(name).delete(bobs.id); // never alice's: no tombstone for her

    const { items } = await pull(alice.pb, path, head.cursor);
    expect(items.map((c) => [c.id, c.action])).toEqual([
      [added.id, "upsert"],
      [given.id, "delete"],
      [mine.id, "upsert"],
    ]);
    expect(items[1]).toMatchObject({ reason: "hidden" });
    expect((items[2] as { record: RecordModel }).record.title).toBe("alice 1, edited");

    // Bob sees his rows and the one he was given, and nothing of alice's.
    const bobItems = (await pull(bob.pb, path, head.cursor)).items;
    expect(bobItems.map((c) => [c.id, c.action])).toEqual([
      [expect.any(String), "upsert"],
      [given.id, "upsert"],
      [bobs.id, "delete"],
    ]);
    // A collection only superusers may list: 403 for the feed too; superusers see everything.
    const closed = await notes(null);
    await expectSdkError(alice.pb.send(`/api/collections/${closed}/changes`, {}), 403);
    expect((await su.send<ChangePage>(path, { query: { since: head.cursor } })).items).toHaveLength(5);
  });

  it("the multi-collection form shares one cursor across collections, in commit order", async () => {
    const a = await notes("");
    const b = await notes("");
    const client = sdk(server.client());
    const head = await client.send<ChangePage>("/api/changes", { query: { collections: `${a},${b}` } });
    const r1 = await su.collection(a).create({ title: "a1" });
    const r2 = await su.collection(b).create({ title: "b1" });
    const r3 = await su.collection(a).create({ title: "a2" });
    await su.collection(await notes("")).create({ title: "other collection" });
    const { items } = await pull(client, "/api/changes", head.cursor, { collections: `${a},${b}` });
    expect(items.map((c) => [c.collectionName, c.id])).toEqual([
      [a, r1.id],
      [b, r2.id],
      [a, r3.id],
    ]);
    await expectSdkError(client.send("/api/changes", {}), 400);
    await expectSdkError(client.send("/api/changes", { query: { collections: `${a},nope_missing` } }), 404);
  });

  it("hostile cursors and parameters are a 400 in the error shape; an expired cursor a 410 resync", async () => {
    const name = await notes("");
    const path = `/api/collections/${name}/changes`;
    const client = sdk(server.client());
    const now = Date.now();
    const bad = [
      "garbage",
      "c1.!!!!",
      "c1.",
      "-1",
      `c1.${Buffer.from("-1.0").toString("base64url")}`,
      `c1.${Buffer.from("1.2.3").toString("base64url")}`,
      encodeCursor({ seq: 9_007_199_254_740, since: now }), // beyond every written row
      encodeCursor({ seq: 1, since: now + 24 * 3600_000 }), // dated in the future
      "x".repeat(10_000),
    ];
    for (const since of bad) {
      const err = await expectSdkError(client.send(path, { query: { since } }), 400);
      expect(issueCode(err, "since")).toBe("validation_invalid_cursor");
    }
    for (const perPage of ["0", "-1", "abc", "1e3"])
      await expectSdkError(client.send(path, { query: { perPage } }), 400);
    await expectSdkError(client.send(`${path}?since=a&since=b`, {}), 400);
    await expectSdkError(client.send("/api/collections/nope_missing/changes", {}), 404);

    // Older than what is kept: the client must resync.
    await su.settings.update({ sync: { retentionDays: 1 } });
    const old = encodeCursor({ seq: 1, since: now - 2 * 86_400_000 });
    const err = await expectSdkError(client.send(path, { query: { since: old } }), 410);
    expect(issueCode(err, "since")).toBe("sync_resync_required");
    expect(err.message).toMatch(/resync/);
    const recent = encodeCursor({ seq: 1, since: now - 3600_000 });
    expect((await client.send<ChangePage>(path, { query: { since: recent } })).hasMore).toBe(false);
    await su.settings.update({ sync: { retentionDays: 7 } });
  });

  it("offline writes: If-Match with the record's version (ETag) updates or deletes it only if unchanged", async () => {
    const name = await notes("");
    await su.collections.update(name, { updateRule: "", deleteRule: "" });
    const client = sdk(server.client());
    const other = sdk(server.client());
    const note = await su.collection(name).create({ title: "v1" });
    const viewed = await raw(server.url, `/api/collections/${name}/records/${note.id}`);
    const etag = viewed.headers.get("etag") as string;
    expect(etag).toBe(`"${note.updated}"`);
    await new Promise((r) => setTimeout(r, 5)); // a later `updated` for the other client's write
    const edited = await other.collection(name).update(note.id, { title: "changed elsewhere" });
    // The client edited v1 offline: its write is refused, nothing changes.
    const err = await expectSdkError(
      client.collection(name).update(note.id, { title: "offline edit" }, { headers: { "If-Match": etag } }),
      412,
    );
    expect(issueCode(err, "updated")).toBe("validation_precondition_failed");
    expect((await su.collection(name).getOne(note.id)).title).toBe("changed elsewhere");
    await expectSdkError(client.collection(name).delete(note.id, { headers: { "If-Match": etag } }), 412);
    // With the current version (the ETag, or the bare `updated` value) it goes through.
    const ok = await client
      .collection(name)
      .update(note.id, { title: "merged" }, { headers: { "If-Match": `"${edited.updated}"` } });
    expect(ok.title).toBe("merged");
    // Without If-Match: PocketBase's last writer wins.
    expect((await client.collection(name).update(note.id, { title: "last" })).title).toBe("last");
    // Two clients racing from the same version: exactly one wins.
    const current = (await su.collection(name).getOne(note.id)).updated;
    const race = await Promise.allSettled(
      ["a", "b", "c"].map((t) =>
        sdk(server.client())
          .collection(name)
          .update(note.id, { title: t }, { headers: { "If-Match": current } }),
      ),
    );
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const latest = (await su.collection(name).getOne(note.id)).updated;
    await client.collection(name).delete(note.id, { headers: { "If-Match": `"${latest}"` } });
    await expectSdkError(su.collection(name).getOne(note.id), 404);
  });

  it("the outbox keeps changes for settings.sync.retentionDays (pruned by __backroomOutboxPrune__)", async () => {
    const db = server.app.services.store.db;
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString().replace("T", " ");
    await db
      .insertInto("_outbox")
      .values({
        created: old,
        collection_id: "x",
        collection_name: "x",
        record_id: "old_change_row",
        action: "create",
        record: "{}",
        previous: null,
      })
      .execute();
    const kept = async () =>
      (await db.selectFrom("_outbox").select("seq").where("record_id", "=", "old_change_row").execute())
        .length;
    const prune = async () => {
      await su.send("/api/crons/__backroomOutboxPrune__", { method: "POST" });
      await new Promise((r) => setTimeout(r, 300));
    };
    await su.settings.update({ sync: { retentionDays: 3 } });
    await prune();
    expect(await kept()).toBe(1);
    await su.settings.update({ sync: { retentionDays: 1 } });
    for (let i = 0; i < 20 && (await kept()) > 0; i++) await prune();
    expect(await kept()).toBe(0);
    await su.settings.update({ sync: { retentionDays: 7 } });
  });
});
