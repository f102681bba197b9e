import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFolder } from "../../hooks/test-support/app-folder.js";
import {
  countRecords,
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
  uniqueName,
} from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const PASSWORD = "a good long password";

/** A request hook that turns `contactEmail` into `email`: its change is the requester's, not the app's. */
const HOOKS = {
  "contact.ts": `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.onRecordUpdateRequest(async (e) => {
    if (typeof e.body.contactEmail === "string") e.body.email = e.body.contactEmail;
    await e.next();
  });
});
`,
};

describe.each(await storesUnderTest())("account fields only managers change directly (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const folder = appFolder(HOOKS);
  const members = uniqueName("members");
  /** An admin of team "a" in `members`: its manageRule admits it for members of its own team. */
  let admin: PocketBase;

  const stored = (collection: string, id: string) => su.collection(collection).getOne(id);
  const patch = (collection: string, id: string, body: unknown, token: string) =>
    raw(server.url, `/api/collections/${collection}/records/${id}`, { method: "PATCH", body, token });
  async function member(team: string, role = "") {
    const email = uniqueEmail("member");
    const record = await su
      .collection(members)
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, team, role });
    const pb = sdk(server.client());
    await pb.collection(members).authWithPassword(email, PASSWORD);
    return { id: record.id, email, pb };
  }

  beforeAll(async () => {
    server = await startServer(kind, { hooks: folder.hooks });
    su = await server.superuserClient();
    await su.collections.create({
      name: members,
      type: "auth",
      fields: [
        { name: "team", type: "text" },
        { name: "role", type: "text" },
      ],
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "id = @request.auth.id || @request.auth.role = 'admin'",
      manageRule: "@request.auth.role = 'admin' && team = @request.auth.team",
    } as never);
    admin = (await member("a", "admin")).pb;
  });
  afterAll(async () => {
    await server?.close();
    folder.remove();
  });

  it.each(["users", "members"])(
    "%s: a user can't change their own email directly and stays verified with the old one",
    async (which) => {
      const collection = which === "users" ? "users" : members;
      const user =
        which === "users"
          ? await signedInUser(() => server.client())
          : { ...(await member("b")), password: PASSWORD };
      await su.collection(collection).update(user.id, { verified: true });
      const res = await patch(collection, user.id, { email: uniqueEmail("forged") }, user.pb.authStore.token);
      expectRawError(res, 400);
      expect(res.body).toMatchObject({
        message: "Failed to update record.",
        data: { email: { code: "validation_values_mismatch", message: "Values don't match." } },
      });
      expect(await stored(collection, user.id)).toMatchObject({ email: user.email, verified: true });
      // Sending the address it already has (in any case) is no change, and other fields still save.
      const same = await patch(
        collection,
        user.id,
        { email: user.email.toUpperCase(), emailVisibility: true },
        user.pb.authStore.token,
      );
      expect(same.status, same.text).toBe(200);
      expect(await stored(collection, user.id)).toMatchObject({ email: user.email, emailVisibility: true });
    },
  );

  it("verified is not the user's to set: not on update, not at sign-up", async () => {
    const user = await signedInUser(() => server.client());
    const res = await patch("users", user.id, { verified: true }, user.pb.authStore.token);
    expectRawError(res, 400);
    expect((res.body as { data: Record<string, { code: string }> }).data.verified?.code).toBe(
      "validation_values_mismatch",
    );
    expect((await stored("users", user.id)).verified).toBe(false);

    const before = await countRecords(su, "users");
    const guest = sdk(server.client());
    const signUp = (verified: boolean) =>
      guest
        .collection("users")
        .create({ email: uniqueEmail(), password: PASSWORD, passwordConfirm: PASSWORD, verified });
    const refused = await expectSdkError(signUp(true), 400);
    expect(issueCode(refused, "verified")).toBe("validation_values_mismatch");
    expect(await countRecords(su, "users")).toBe(before);
    expect((await signUp(false)).verified).toBe(false);
  });

  it("a password change needs passwordConfirm and the current password, with PocketBase's codes", async () => {
    const user = await signedInUser(() => server.client());
    const next = "the next long password";
    const cases: [Record<string, string>, string, string][] = [
      [{ password: next, passwordConfirm: next }, "oldPassword", "validation_required"],
      [
        { password: next, passwordConfirm: next, oldPassword: "wrong!" },
        "oldPassword",
        "validation_invalid_old_password",
      ],
      [{ password: next, oldPassword: PASSWORD }, "passwordConfirm", "validation_required"],
      [
        { password: next, passwordConfirm: "other", oldPassword: PASSWORD },
        "passwordConfirm",
        "validation_values_mismatch",
      ],
      [{ passwordConfirm: next, oldPassword: PASSWORD }, "password", "validation_required"],
    ];
    for (const [body, field, code] of cases) {
      const res = await patch("users", user.id, body, user.pb.authStore.token);
      expectRawError(res, 400);
      const data = (res.body as { data: Record<string, { code: string }> }).data;
      expect(data[field]?.code, JSON.stringify(body)).toBe(code);
    }
    await sdk(server.client()).collection("users").authWithPassword(user.email, PASSWORD);
    await user.pb
      .collection("users")
      .update(user.id, { password: next, passwordConfirm: next, oldPassword: PASSWORD });
    await sdk(server.client()).collection("users").authWithPassword(user.email, next);
  });

  it("a superuser changes email and verified directly; the record's earlier tokens stop working", async () => {
    const user = await signedInUser(() => server.client());
    const oldToken = user.pb.authStore.token;
    const newEmail = uniqueEmail("moved");
    await su.collection("users").update(user.id, { email: newEmail, verified: true });
    expect(await stored("users", user.id)).toMatchObject({ email: newEmail, verified: true });
    const stale = sdk(server.client());
    stale.authStore.save(oldToken, null);
    await expectSdkError(stale.collection("users").authRefresh(), 401);
    await sdk(server.client()).collection("users").authWithPassword(newEmail, PASSWORD);
  });

  it("the manageRule makes a manager, for the records it matches", async () => {
    const teammate = await member("a");
    const next = "set by the team admin";
    const newEmail = uniqueEmail("managed");
    await admin
      .collection(members)
      .update(teammate.id, { email: newEmail, verified: true, password: next, passwordConfirm: next });
    expect(await stored(members, teammate.id)).toMatchObject({ email: newEmail, verified: true });
    await sdk(server.client()).collection(members).authWithPassword(newEmail, next);

    // The update rule lets the admin edit anyone; the manage rule covers its own team only.
    const outsider = await member("b");
    const res = await patch(
      members,
      outsider.id,
      { email: uniqueEmail(), verified: true },
      admin.authStore.token,
    );
    expectRawError(res, 400);
    const data = (res.body as { data: Record<string, { code: string }> }).data;
    expect([data.email?.code, data.verified?.code]).toEqual([
      "validation_values_mismatch",
      "validation_values_mismatch",
    ]);
    expect(await stored(members, outsider.id)).toMatchObject({ email: outsider.email, verified: false });
    // A plain member is no manager, of itself either.
    const plain = await member("a");
    const self = await patch(members, plain.id, { verified: true }, plain.pb.authStore.token);
    expectRawError(self, 400);
    expect((await stored(members, plain.id)).verified).toBe(false);
  });

  it("a manager creates verified records where the manageRule matches the new record", async () => {
    const create = (pb: PocketBase, team: string) =>
      pb.collection(members).create({
        email: uniqueEmail(),
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        team,
        verified: true,
      });
    expect((await stored(members, (await create(admin, "a")).id)).verified).toBe(true);
    const before = await countRecords(su, members);
    const otherTeam = await expectSdkError(create(admin, "b"), 400);
    expect(issueCode(otherTeam, "verified")).toBe("validation_values_mismatch");
    const guest = await expectSdkError(create(sdk(server.client()), "a"), 400);
    expect(issueCode(guest, "verified")).toBe("validation_values_mismatch");
    expect(await countRecords(su, members)).toBe(before);
  });

  it("batch sub-requests are held to the same rules, and the whole batch is refused", async () => {
    const user = await signedInUser(() => server.client(), { name: "Before" });
    const batch = user.pb.createBatch();
    batch.collection("users").update(user.id, { name: "After" });
    batch.collection("users").update(user.id, { email: uniqueEmail("batch") });
    await expectSdkError(batch.send(), 400);
    expect(await stored("users", user.id)).toMatchObject({ email: user.email, name: "Before" });

    const verify = user.pb.createBatch();
    verify.collection("users").update(user.id, { verified: true });
    await expectSdkError(verify.send(), 400);
    expect((await stored("users", user.id)).verified).toBe(false);
  });

  it("a request hook's change to the body is held to the requester's rights", async () => {
    const user = await signedInUser(() => server.client());
    const viaHook = uniqueEmail("hooked");
    const res = await patch("users", user.id, { contactEmail: viaHook }, user.pb.authStore.token);
    expectRawError(res, 400);
    expect((res.body as { data: Record<string, { code: string }> }).data.email?.code).toBe(
      "validation_values_mismatch",
    );
    expect((await stored("users", user.id)).email).toBe(user.email);
    // The same hook, on a superuser's request, changes the address.
    const bySu = await patch("users", user.id, { contactEmail: viaHook }, su.authStore.token);
    expect(bySu.status, bySu.text).toBe(200);
    expect((await stored("users", user.id)).email).toBe(viaHook);
  });
});
