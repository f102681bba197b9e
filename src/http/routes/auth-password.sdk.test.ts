import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countRecords,
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
} from "../../test-support/api.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const PASSWORD = "a good long password";

describe.each(await storesUnderTest())("password auth through the SDK (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sign up, sign in, refresh", async () => {
    const pb = sdk(server.client());
    const email = uniqueEmail();
    const created = await pb
      .collection("users")
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, name: "Neo" });
    // (a guest is not yet the owner, so the email may be left out of the create response)
    expect(created).toMatchObject({
      name: "Neo",
      verified: false,
      emailVisibility: false,
      collectionName: "users",
    });
    expect(created).not.toHaveProperty("password");
    expect(created).not.toHaveProperty("tokenKey");

    const auth = await pb.collection("users").authWithPassword(email, PASSWORD);
    expect(auth.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(auth.record).toMatchObject({ id: created.id, email, name: "Neo" });
    expect(auth.record).not.toHaveProperty("password");
    expect(pb.authStore.isValid).toBe(true);
    const claims = JSON.parse(Buffer.from(auth.token.split(".")[1] as string, "base64url").toString());
    expect(claims).toMatchObject({
      id: created.id,
      type: "auth",
      collectionId: created.collectionId,
      refreshable: true,
    });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);

    await new Promise((r) => setTimeout(r, 1100)); // a new iat/exp second, so the token differs
    const refreshed = await pb.collection("users").authRefresh();
    expect(refreshed.record.id).toBe(created.id);
    expect(refreshed.token).not.toBe(auth.token);
    expect(pb.authStore.token).toBe(refreshed.token);
    // Both tokens work.
    const me = await pb.collection("users").getOne(created.id);
    expect(me.email).toBe(email);
  });

  it("the identity is matched case-insensitively and trimmed for emails", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const auth = await pb.collection("users").authWithPassword(`  ${email.toUpperCase()} `.trim(), PASSWORD);
    expect(auth.record.email).toBe(email);
  });

  it("wrong password, unknown identity, missing fields → 400, same message for both failures", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const wrong = await expectSdkError(
      pb.collection("users").authWithPassword(email, "not the password"),
      400,
    );
    const unknown = await expectSdkError(
      pb.collection("users").authWithPassword(uniqueEmail("ghost"), PASSWORD),
      400,
    );
    expect(wrong.response.message).toBe(unknown.response.message);
    expect(wrong.response.data).toEqual(unknown.response.data);
    const missing = await expectSdkError(pb.collection("users").authWithPassword("", ""), 400);
    expect(issueCode(missing, "identity")).toBe("validation_required");
    expect(issueCode(missing, "password")).toBe("validation_required");
    expect(pb.authStore.isValid).toBe(false);
  });

  it("non-string identity/password → 400", async () => {
    for (const body of [
      { identity: 1, password: PASSWORD },
      { identity: ["a"], password: PASSWORD },
      { identity: "a@b.c", password: { $ne: "" } },
    ]) {
      const res = await raw(server.url, "/api/collections/users/auth-with-password", {
        method: "POST",
        body,
      });
      expectRawError(res, 400);
    }
  });

  it("auth-with-password on a base or unknown collection → 404", async () => {
    await expectSdkError(sdk(server.client()).collection("no_such").authWithPassword("a@b.c", PASSWORD), 404);
    const res = await raw(server.url, "/api/collections/no_such/auth-methods");
    expectRawError(res, 404);
  });

  it("auth-methods lists password auth", async () => {
    const methods = await sdk(server.client()).collection("users").listAuthMethods();
    expect(methods.password.enabled).toBe(true);
    expect(methods.password.identityFields).toContain("email");
    expect(methods.oauth2.enabled).toBe(false);
  });

  it("authRefresh without a token → 401; with another collection's token → 403", async () => {
    await expectSdkError(sdk(server.client()).collection("users").authRefresh(), 401);
    await expectSdkError(su.collection("users").authRefresh(), 403);
  });

  it("superusers sign in through _superusers; users cannot sign in there", async () => {
    const pb = sdk(server.client());
    const auth = await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    expect(auth.record.email).toBe(SUPERUSER.email);
    expect(pb.authStore.isSuperuser).toBe(true);
    const { email } = await signedInUser(() => server.client());
    await expectSdkError(
      sdk(server.client()).collection("_superusers").authWithPassword(email, PASSWORD),
      400,
    );
    await expectSdkError(
      sdk(server.client()).collection("users").authWithPassword(SUPERUSER.email, SUPERUSER.password),
      400,
    );
  });

  it("guests cannot create superusers", async () => {
    const before = await countRecords(su, "_superusers");
    await expectSdkError(
      sdk(server.client())
        .collection("_superusers")
        .create({ email: uniqueEmail("evil"), password: PASSWORD, passwordConfirm: PASSWORD }),
      403,
    );
    const { pb } = await signedInUser(() => server.client());
    await expectSdkError(
      pb
        .collection("_superusers")
        .create({ email: uniqueEmail("evil"), password: PASSWORD, passwordConfirm: PASSWORD }),
      403,
    );
    expect(await countRecords(su, "_superusers")).toBe(before);
  });

  it("sign-up validation: mismatch, short password, bad email, taken email", async () => {
    const users = sdk(server.client()).collection("users");
    const before = await countRecords(su, "users");
    const mismatch = await expectSdkError(
      users.create({ email: uniqueEmail(), password: PASSWORD, passwordConfirm: "different!!" }),
      400,
    );
    expect(issueCode(mismatch, "passwordConfirm")).toBe("validation_values_mismatch");
    const short = await expectSdkError(
      users.create({ email: uniqueEmail(), password: "short", passwordConfirm: "short" }),
      400,
    );
    expect(issueCode(short, "password")).toBe("validation_min_text_constraint");
    const badEmail = await expectSdkError(
      users.create({ email: "nope", password: PASSWORD, passwordConfirm: PASSWORD }),
      400,
    );
    expect(issueCode(badEmail, "email")).toBe("validation_is_email");
    const noPassword = await expectSdkError(users.create({ email: uniqueEmail() }), 400);
    expect(issueCode(noPassword, "password")).toBe("validation_required");
    const { email } = await signedInUser(() => server.client());
    const taken = await expectSdkError(
      users.create({ email, password: PASSWORD, passwordConfirm: PASSWORD }),
      400,
    );
    expect(issueCode(taken, "email")).toBe("validation_not_unique");
    const takenUpper = await expectSdkError(
      users.create({ email: email.toUpperCase(), password: PASSWORD, passwordConfirm: PASSWORD }),
      400,
    );
    expect(issueCode(takenUpper, "email")).toBe("validation_not_unique");
    expect(await countRecords(su, "users")).toBe(before + 1);
  });

  it("a guest cannot set verified or tokenKey at sign-up", async () => {
    const email = uniqueEmail();
    const pb = sdk(server.client());
    const created = await pb
      .collection("users")
      .create({
        email,
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        verified: true,
        tokenKey: "x".repeat(40),
      })
      .catch((e: { status: number }) => e);
    if ("id" in created) {
      const stored = await su.collection("users").getOne(created.id as string);
      expect(stored.verified).toBe(false);
    } else {
      expect(created.status).toBe(400);
    }
  });

  it("changing the password needs the old one and revokes earlier tokens", async () => {
    const user = await signedInUser(() => server.client());
    const oldToken = user.pb.authStore.token;
    const noOld = await expectSdkError(
      user.pb
        .collection("users")
        .update(user.id, { password: "new long password", passwordConfirm: "new long password" }),
      400,
    );
    // As PocketBase: a missing old password is "required", a wrong one "invalid".
    expect(issueCode(noOld, "oldPassword")).toBe("validation_required");
    const wrongOld = await expectSdkError(
      user.pb.collection("users").update(user.id, {
        password: "new long password",
        passwordConfirm: "new long password",
        oldPassword: "wrong one!",
      }),
      400,
    );
    expect(issueCode(wrongOld, "oldPassword")).toBe("validation_invalid_old_password");
    await sdk(server.client()).collection("users").authWithPassword(user.email, PASSWORD); // unchanged so far

    await user.pb.collection("users").update(user.id, {
      password: "new long password",
      passwordConfirm: "new long password",
      oldPassword: PASSWORD,
    });
    // The old token no longer authenticates.
    const stale = sdk(server.client());
    stale.authStore.save(oldToken, null);
    await expectSdkError(stale.collection("users").authRefresh(), 401);
    expect((await stale.collection("users").getList()).totalItems).toBe(0);
    await expectSdkError(
      sdk(server.client()).collection("users").authWithPassword(user.email, PASSWORD),
      400,
    );
    const fresh = await sdk(server.client())
      .collection("users")
      .authWithPassword(user.email, "new long password");
    expect(fresh.record.id).toBe(user.id);
  });

  it("a superuser sets a user's password without the old one", async () => {
    const user = await signedInUser(() => server.client());
    await su
      .collection("users")
      .update(user.id, { password: "reset by admin", passwordConfirm: "reset by admin" });
    const auth = await sdk(server.client())
      .collection("users")
      .authWithPassword(user.email, "reset by admin");
    expect(auth.record.id).toBe(user.id);
  });

  it("deleting a user revokes their token", async () => {
    const user = await signedInUser(() => server.client());
    await su.collection("users").delete(user.id);
    await expectSdkError(user.pb.collection("users").authRefresh(), 401);
  });

  it("the Authorization header may carry a Bearer prefix", async () => {
    const res = await raw(server.url, "/api/collections", { token: `Bearer ${su.authStore.token}` });
    expect(res.status).toBe(200);
  });

  it("sign-in attempts are audited without the password", async () => {
    const user = await signedInUser(() => server.client());
    await expectSdkError(
      sdk(server.client()).collection("users").authWithPassword(user.email, "wrong password!"),
      400,
    );
    const res = (await su.send("/api/audit", {
      query: { filter: `recordId = "${user.id}"`, perPage: 50 },
    })) as {
      items: { action: string; actorId: string }[];
    };
    const actions = res.items.map((i) => i.action);
    expect(actions).toContain("auth.login");
    expect(actions).toContain("auth.login_failed");
    expect(JSON.stringify(res)).not.toContain(PASSWORD);
    expect(JSON.stringify(res)).not.toContain("wrong password!");
  });
});
