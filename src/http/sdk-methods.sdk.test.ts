import PocketBase, { ClientResponseError } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installEventSource } from "../realtime/test-support/collector.js";
import { expectErrorBody, sdk, signedInUser, uniqueEmail, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";

/**
 * Every service and method of the `pocketbase` SDK 0.28, called as an app calls it, in order
 * (later rows use what earlier ones made). A row expects either a result (`check`) or an error
 * with PocketBase's status in the API's error shape — never a 404 for a route Backroom lacks.
 * Deeper behaviour of each method is specified in its own suite; this table is the inventory.
 */
interface World {
  server: TestServer;
  su: PocketBase;
  user: PocketBase;
  userId: string;
  userEmail: string;
  posts: string;
  postId: string;
  backupKey: string;
}

type Row = [
  name: string,
  call: (w: World) => Promise<unknown>,
  expected: { check: (result: unknown, w: World) => void } | { status: number },
];

const ok = (check: (result: unknown, w: World) => void = () => {}) => ({ check });
const fails = (status: number) => ({ status });
const shape = (...keys: string[]) =>
  ok((r) => expect(Object.keys(r as object)).toEqual(expect.arrayContaining(keys)));

const ROWS: Row[] = [
  ["health.check", (w) => w.su.health.check(), shape("code", "message", "data")],
  // collections
  ["collections.getScaffolds", (w) => w.su.collections.getScaffolds(), shape("base", "auth", "view")],
  [
    "collections.getAllOAuth2Providers",
    (w) => w.su.collections.getAllOAuth2Providers(),
    ok((r) => expect((r as { name: string }[]).map((p) => p.name)).toContain("google")),
  ],
  [
    "collections.create",
    (w) =>
      w.su.collections.create({
        name: w.posts,
        type: "base",
        fields: [
          { name: "title", type: "text" },
          { name: "doc", type: "file", maxSelect: 1, maxSize: 1024 * 1024, protected: true },
        ],
        listRule: "",
        viewRule: "",
        createRule: "",
        updateRule: "",
        deleteRule: "",
      } as never),
    shape("id", "name", "fields"),
  ],
  [
    "collections.getList",
    (w) => w.su.collections.getList(1, 5),
    shape("page", "perPage", "totalItems", "items"),
  ],
  [
    "collections.getFullList",
    (w) => w.su.collections.getFullList(),
    ok((r) => expect(r).toBeInstanceOf(Array)),
  ],
  [
    "collections.getFirstListItem",
    (w) => w.su.collections.getFirstListItem(`name="${w.posts}"`),
    shape("id"),
  ],
  ["collections.getOne", (w) => w.su.collections.getOne(w.posts), shape("id", "name")],
  ["collections.update", (w) => w.su.collections.update(w.posts, { listRule: "" }), shape("listRule")],
  [
    "collections.dryRunViewQuery",
    (w) => w.su.collections.dryRunViewQuery(`SELECT id, title FROM ${w.posts}`),
    ok((r) => expect(r).toBeInstanceOf(Array)),
  ],
  [
    "collections.import",
    (w) => w.su.collections.import([{ name: uniqueName("imported"), type: "base", fields: [] } as never]),
    ok((r) => expect(r).toBe(true)),
  ],
  ["collections.delete (unknown)", (w) => w.su.collections.delete(uniqueName("none")), fails(404)],
  // records
  [
    "collection(x).create",
    async (w) => {
      const rec = await w.user.collection(w.posts).create({ title: "hello" });
      w.postId = rec.id;
      return rec;
    },
    shape("id", "collectionId", "collectionName", "title"),
  ],
  ["collection(x).getList", (w) => w.user.collection(w.posts).getList(1, 5), shape("items", "totalItems")],
  [
    "collection(x).getFullList",
    (w) => w.user.collection(w.posts).getFullList(),
    ok((r) => expect(r).toHaveLength(1)),
  ],
  [
    "collection(x).getFirstListItem",
    (w) => w.user.collection(w.posts).getFirstListItem('title="hello"'),
    shape("id"),
  ],
  ["collection(x).getOne", (w) => w.user.collection(w.posts).getOne(w.postId), shape("id", "title")],
  [
    "collection(x).update",
    (w) => w.user.collection(w.posts).update(w.postId, { title: "hi" }),
    shape("title"),
  ],
  ["collection(x).getOne (unknown)", (w) => w.user.collection(w.posts).getOne("nope00000000000"), fails(404)],
  // auth
  [
    "collection(users).listAuthMethods",
    (w) => w.user.collection("users").listAuthMethods(),
    shape("password", "oauth2", "mfa", "otp"),
  ],
  [
    "collection(users).authWithPassword",
    (w) =>
      sdk(new PocketBase(w.server.url))
        .collection("users")
        .authWithPassword(w.userEmail, "a good long password"),
    shape("token", "record"),
  ],
  [
    "collection(users).authRefresh",
    (w) => w.user.collection("users").authRefresh(),
    shape("token", "record"),
  ],
  [
    "collection(users).requestVerification",
    (w) => w.user.collection("users").requestVerification(w.userEmail),
    ok((r) => expect(r).toBe(true)),
  ],
  [
    "collection(users).confirmVerification (bad token)",
    (w) => w.user.collection("users").confirmVerification("bad"),
    fails(400),
  ],
  [
    "collection(users).requestPasswordReset",
    (w) => w.user.collection("users").requestPasswordReset(w.userEmail),
    ok((r) => expect(r).toBe(true)),
  ],
  [
    "collection(users).confirmPasswordReset (bad token)",
    (w) => w.user.collection("users").confirmPasswordReset("bad", "12345678", "12345678"),
    fails(400),
  ],
  [
    "collection(users).requestEmailChange",
    (w) => w.user.collection("users").requestEmailChange(uniqueEmail()),
    ok((r) => expect(r).toBe(true)),
  ],
  [
    "collection(users).confirmEmailChange (bad token)",
    (w) => w.user.collection("users").confirmEmailChange("bad", "a good long password"),
    fails(400),
  ],
  [
    "collection(users).requestOTP (OTP off: 403, as PocketBase)",
    (w) => w.user.collection("users").requestOTP(w.userEmail),
    fails(403),
  ],
  [
    "collection(users).authWithOTP (OTP off: 403)",
    (w) => w.user.collection("users").authWithOTP("nope", "123456"),
    fails(403),
  ],
  [
    "collection(users).authWithOAuth2Code (OAuth2 off: 403)",
    (w) => w.user.collection("users").authWithOAuth2Code("google", "code", "verifier", "http://localhost/cb"),
    fails(403),
  ],
  [
    // Not supported (docs/API.md): linked accounts aren't a collection here; a clear 404 says so.
    "collection(users).listExternalAuths (not supported)",
    (w) => w.user.collection("users").listExternalAuths(w.userId),
    fails(404),
  ],
  [
    "collection(users).unlinkExternalAuth (not supported)",
    (w) => w.user.collection("users").unlinkExternalAuth(w.userId, "google"),
    fails(404),
  ],
  [
    "collection(users).impersonate",
    async (w) => (await w.su.collection("users").impersonate(w.userId, 60)).authStore.token,
    ok((r) => expect(typeof r).toBe("string")),
  ],
  // files
  ["files.getToken", (w) => w.user.files.getToken(), ok((r) => expect(typeof r).toBe("string"))],
  [
    "files.getURL",
    async (w) => w.user.files.getURL({ id: w.postId, collectionId: w.posts, doc: "a.txt" }, "a.txt"),
    ok((r) => expect(String(r)).toContain("/api/files/")),
  ],
  // batch
  [
    "createBatch().send (create, update, upsert, delete)",
    async (w) => {
      const batch = w.user.createBatch();
      batch.collection(w.posts).create({ id: "batchrecord0001", title: "b1" });
      batch.collection(w.posts).update(w.postId, { title: "b2" });
      batch.collection(w.posts).upsert({ id: "batchrecord0001", title: "b3" });
      batch.collection(w.posts).delete("batchrecord0001");
      return batch.send();
    },
    ok((r) => expect((r as { status: number }[]).map((x) => x.status)).toEqual([200, 200, 200, 204])),
  ],
  // realtime
  [
    "realtime.subscribe / unsubscribe",
    async (w) => {
      const pb = sdk(new PocketBase(w.server.url));
      const unsubscribe = await pb.collection(w.posts).subscribe("*", () => {});
      const connected = pb.realtime.isConnected;
      await unsubscribe();
      await pb.realtime.unsubscribe();
      return connected;
    },
    ok((r) => expect(r).toBe(true)),
  ],
  // settings
  ["settings.getAll", (w) => w.su.settings.getAll(), shape("meta", "smtp", "s3", "backups", "superuserIPs")],
  ["settings.update", (w) => w.su.settings.update({ meta: { appName: "Methods" } }), shape("meta")],
  ["settings.testS3 (not configured)", (w) => w.su.settings.testS3("storage"), fails(400)],
  [
    "settings.testEmail (no SMTP server)",
    (w) => w.su.settings.testEmail("users", "a@example.com", "verification"),
    fails(400),
  ],
  [
    "settings.generateAppleClientSecret (bad key)",
    (w) => w.su.settings.generateAppleClientSecret("id", "TEAM123456", "KEY1234567", "nope", 60),
    fails(400),
  ],
  // logs
  ["logs.getList", (w) => w.su.logs.getList(1, 5), shape("items", "totalItems")],
  ["logs.getStats", (w) => w.su.logs.getStats(), ok((r) => expect(r).toBeInstanceOf(Array))],
  ["logs.getOne (unknown)", (w) => w.su.logs.getOne("nope"), fails(404)],
  // crons
  [
    "crons.getFullList",
    (w) => w.su.crons.getFullList(),
    ok((r) => expect(r).toContainEqual(expect.objectContaining({ id: "__pbLogsCleanup__" }))),
  ],
  ["crons.run", (w) => w.su.crons.run("__pbLogsCleanup__"), ok((r) => expect(r).toBe(true))],
  ["crons.run (unknown)", (w) => w.su.crons.run("nope"), fails(404)],
  // backups
  [
    "backups.create",
    async (w) => {
      w.backupKey = `${uniqueName("methods")}.zip`;
      return w.su.backups.create(w.backupKey);
    },
    ok((r) => expect(r).toBe(true)),
  ],
  [
    "backups.getFullList",
    (w) => w.su.backups.getFullList(),
    ok((r, w) => expect(JSON.stringify(r)).toContain(w.backupKey)),
  ],
  [
    "backups.getDownloadURL",
    async (w) => {
      const url = w.su.backups.getDownloadURL(await w.su.files.getToken(), w.backupKey);
      return (await fetch(url)).status;
    },
    ok((r) => expect(r).toBe(200)),
  ],
  [
    "backups.upload (not a zip)",
    (w) => w.su.backups.upload({ file: new File(["nope"], "x.zip") }),
    fails(400),
  ],
  ["backups.restore (unknown)", (w) => w.su.backups.restore("nope.zip"), fails(400)],
  ["backups.delete", (w) => w.su.backups.delete(w.backupKey), ok((r) => expect(r).toBe(true))],
  // records and collections again, at the end
  [
    "collection(x).delete",
    (w) => w.user.collection(w.posts).delete(w.postId),
    ok((r) => expect(r).toBe(true)),
  ],
  ["collections.truncate", (w) => w.su.collections.truncate(w.posts), ok((r) => expect(r).toBe(true))],
  ["collections.delete", (w) => w.su.collections.delete(w.posts), ok((r) => expect(r).toBe(true))],
];

describe.each(await storesUnderTest())("every pocketbase SDK method (%s)", (kind) => {
  const w = {} as World;

  beforeAll(async () => {
    installEventSource();
    w.server = await startServer(kind);
    w.su = await w.server.superuserClient();
    const user = await signedInUser(() => w.server.client());
    w.user = user.pb;
    w.userId = user.id;
    w.userEmail = user.email;
    w.posts = uniqueName("posts");
  });
  afterAll(() => w.server?.close());

  it.each(ROWS)("%s", async (_name, call, expected) => {
    let result: unknown;
    let error: unknown;
    try {
      result = await call(w);
    } catch (err) {
      error = err;
    }
    if ("status" in expected) {
      expect(error, "expected an error").toBeInstanceOf(ClientResponseError);
      const e = error as ClientResponseError;
      expect(e.status, JSON.stringify(e.response)).toBe(expected.status);
      expectErrorBody(e.response, expected.status, true);
      return;
    }
    if (error) throw error;
    expected.check(result, w);
  });
});
