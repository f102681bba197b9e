import type PocketBase from "pocketbase";
import type { CollectionModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode, sdk, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

/** The keys of a collection in PocketBase v0.39's JSON, per type (`core/collection_model*.go`). */
const BASE_KEYS = [
  "id",
  "listRule",
  "viewRule",
  "createRule",
  "updateRule",
  "deleteRule",
  "name",
  "type",
  "fields",
  "indexes",
  "created",
  "updated",
  "system",
];
const AUTH_KEYS = [
  ...BASE_KEYS,
  "authRule",
  "manageRule",
  "authAlert",
  "oauth2",
  "passwordAuth",
  "mfa",
  "otp",
  "authToken",
  "passwordResetToken",
  "emailChangeToken",
  "verificationToken",
  "fileToken",
  "verificationTemplate",
  "resetPasswordTemplate",
  "confirmEmailChangeTemplate",
];
/** Backroom's own keys (docs/API.md: "Deliberate differences", "Full-text search"). */
const BACKROOM_KEYS = ["filterThroughRelations", "searchLanguage"];

/** PocketBase's `id` field of a new collection. */
const ID_FIELD = {
  name: "id",
  type: "text",
  system: true,
  hidden: false,
  presentable: false,
  primaryKey: true,
  required: true,
  min: 15,
  max: 15,
  pattern: "^[a-z0-9]+$",
  autogeneratePattern: "[a-z0-9]{15}",
};

/** What PocketBase's dashboard adds to a scaffold before it saves a new base or auth collection. */
const DASHBOARD_TIMESTAMPS = [
  { name: "created", type: "autodate", onCreate: true, onUpdate: false, system: false, hidden: false },
  { name: "updated", type: "autodate", onCreate: true, onUpdate: true, system: false, hidden: false },
];

const names = (c: CollectionModel) => (c.fields as unknown as { name: string }[]).map((f) => f.name);

describe.each(await storesUnderTest())("scaffolds and new-collection defaults as PocketBase (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let scaffolds: Record<string, CollectionModel>;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    scaffolds = await su.collections.getScaffolds();
  });
  afterAll(() => server?.close());

  it("has one scaffold per type with PocketBase's keys", () => {
    expect(Object.keys(scaffolds).sort()).toEqual(["auth", "base", "view"]);
    expect(Object.keys(scaffolds.base ?? {}).sort()).toEqual([...BASE_KEYS, ...BACKROOM_KEYS].sort());
    expect(Object.keys(scaffolds.auth ?? {}).sort()).toEqual([...AUTH_KEYS, ...BACKROOM_KEYS].sort());
    expect(Object.keys(scaffolds.view ?? {}).sort()).toEqual(
      [...BASE_KEYS, "viewQuery", ...BACKROOM_KEYS].sort(),
    );
    for (const s of Object.values(scaffolds))
      expect(s).toMatchObject({
        id: "",
        name: "",
        system: false,
        created: "",
        updated: "",
        listRule: null,
        viewRule: null,
        createRule: null,
        updateRule: null,
        deleteRule: null,
      });
  });

  it("gives a base collection only its id field, an auth one only its system fields, a view none", () => {
    expect(names(scaffolds.base as CollectionModel)).toEqual(["id"]);
    expect(scaffolds.base?.fields[0]).toMatchObject(ID_FIELD);
    expect(scaffolds.base?.indexes).toEqual([]);
    expect(names(scaffolds.auth as CollectionModel)).toEqual([
      "id",
      "password",
      "tokenKey",
      "email",
      "emailVisibility",
      "verified",
    ]);
    const auth = scaffolds.auth?.fields as unknown as Record<string, unknown>[];
    expect(auth[1]).toMatchObject({ type: "password", system: true, hidden: true, required: true, min: 8 });
    expect(auth[2]).toMatchObject({
      type: "text",
      system: true,
      hidden: true,
      required: true,
      min: 30,
      max: 60,
      autogeneratePattern: "[a-zA-Z0-9]{50}",
    });
    expect(auth[3]).toMatchObject({ type: "email", system: true, required: true });
    expect(auth[4]).toMatchObject({ type: "bool", system: true });
    expect(auth[5]).toMatchObject({ type: "bool", system: true });
    expect(scaffolds.view?.fields).toEqual([]);
    expect(scaffolds.view?.viewQuery).toBe("");
  });

  it("gives an auth collection PocketBase's unique indexes and default options, no secrets", () => {
    const auth = scaffolds.auth as CollectionModel & Record<string, unknown>;
    expect(auth.indexes).toHaveLength(2);
    expect(auth.indexes[0]).toMatch(/^CREATE UNIQUE INDEX `idx_tokenKey_[a-z0-9]{10}` ON `` \(`tokenKey`\)$/);
    expect(auth.indexes[1]).toMatch(
      /^CREATE UNIQUE INDEX `idx_email_[a-z0-9]{10}` ON `` \(`email`\) WHERE `email` != ''$/,
    );
    expect(auth).toMatchObject({
      authRule: "",
      manageRule: null,
      authAlert: { enabled: true },
      oauth2: {
        enabled: false,
        providers: [],
        mappedFields: { id: "", name: "", username: "", avatarURL: "" },
      },
      passwordAuth: { enabled: true, identityFields: ["email"] },
      mfa: { enabled: false, duration: 600, rule: "" },
      otp: { enabled: false, duration: 180, length: 8 },
      authToken: { duration: 432000 },
      passwordResetToken: { duration: 1800 },
      emailChangeToken: { duration: 1800 },
      verificationToken: { duration: 86400 },
      fileToken: { duration: 180 },
    });
    expect(JSON.stringify(auth)).not.toContain('"secret"');
  });

  it("saves a base collection made as PocketBase's dashboard makes it", async () => {
    const name = uniqueName("from_form");
    const created = await su.collections.create({
      ...scaffolds.base,
      name,
      fields: [...(scaffolds.base?.fields ?? []), { name: "title", type: "text" }, ...DASHBOARD_TIMESTAMPS],
    } as never);
    expect(names(created)).toEqual(["id", "title", "created", "updated"]);
    const rec = await su.collection(name).create({ title: "x" });
    expect(rec.created).not.toBe("");
  });

  it("saves an auth collection made as PocketBase's dashboard makes it, indexes on its own table", async () => {
    const name = uniqueName("members");
    const created = await su.collections.create({
      ...scaffolds.auth,
      name,
      fields: [...(scaffolds.auth?.fields ?? []), ...DASHBOARD_TIMESTAMPS],
      createRule: "",
    } as never);
    expect(names(created)).toEqual([
      "id",
      "password",
      "tokenKey",
      "email",
      "emailVisibility",
      "verified",
      "created",
      "updated",
    ]);
    expect(created.indexes).toHaveLength(2);
    for (const index of created.indexes) expect(index).toContain(`ON \`${name}\``);
    // Index names are unique per database: the same scaffold again is a 400, as in PocketBase.
    const again = await expectSdkError(
      su.collections.create({ ...scaffolds.auth, name: uniqueName("members") } as never),
      400,
    );
    expect(issueCode(again, "indexes", "0")).toBe("validation_existing_index_name");
    // A fresh scaffold has names of its own.
    const fresh = (await su.collections.getScaffolds()).auth;
    await su.collections.create({ ...fresh, name: uniqueName("members") } as never);
    const guest = sdk(server.client());
    await guest
      .collection(name)
      .create({ email: "a@example.com", password: "12345678", passwordConfirm: "12345678" });
    const auth = await guest.collection(name).authWithPassword("a@example.com", "12345678");
    expect(auth.token).toBeTruthy();
  });

  it("lists the OAuth2 providers an auth collection can use, in PocketBase's order", async () => {
    const providers = await su.collections.getAllOAuth2Providers();
    expect(providers.map((p) => p.name)).toEqual([
      "apple",
      "google",
      "microsoft",
      "github",
      "oidc",
      "oidc2",
      "oidc3",
    ]);
    for (const p of providers) {
      expect(Object.keys(p).sort()).toEqual(["displayName", "logo", "name"]);
      expect(p.displayName).toBeTruthy();
    }
  });
});
