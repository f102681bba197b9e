import type PocketBase from "pocketbase";
import { ClientResponseError } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, raw, sdk, signedInUser, uniqueEmail } from "../../test-support/api.js";
import { ageRow, enableOtp, mailTo, otpByMail } from "../../test-support/otp-fixture.js";
import type { TestSmtp } from "../../test-support/otp-smtp.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const MFA = { enabled: true, duration: 600, rule: "" };

/** Runs a first sign-in step that must stop with PocketBase's MFA answer; returns the mfaId. */
async function firstStep(step: Promise<unknown>): Promise<string> {
  let caught: unknown;
  try {
    await step;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ClientResponseError);
  const err = caught as ClientResponseError;
  expect(err.status).toBe(401);
  const mfaId = err.response.mfaId as string;
  expect(mfaId).toMatch(/^[a-z0-9]{15}$/);
  // PocketBase's place (what its docs read) and the error shape's place agree.
  expect(err.response).toMatchObject({ status: 401, data: { mfaId } });
  expect(typeof err.response.message).toBe("string");
  return mfaId;
}

describe.each(await storesUnderTest())("MFA (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let smtp: TestSmtp;
  /** A new user (signed up as a guest; signing in is what the tests do). */
  const signUp = async (collection = "users") => {
    const email = uniqueEmail();
    const password = "a good long password";
    const created = await sdk(server.client())
      .collection(collection)
      .create({ email, password, passwordConfirm: password });
    return { id: created.id, email, password };
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    smtp = await mailTo(server.app);
    await enableOtp(su, "users", { mfa: MFA });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("password then OTP signs in; the audit entry names both methods", async () => {
    const { id, email, password } = await signUp();
    const pb = sdk(server.client());
    const mfaId = await firstStep(pb.collection("users").authWithPassword(email, password));
    expect(pb.authStore.isValid).toBe(false);
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    const auth = await pb.collection("users").authWithOTP(otpId, code, { mfaId });
    expect(auth.record.id).toBe(id);
    expect(pb.authStore.isValid).toBe(true);
    const entry = await server.app.services.store.db
      .selectFrom("_audit")
      .selectAll()
      .where("action", "=", "auth.login")
      .where("record_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.changes)).toEqual(["password", "otp"]);
    // The session completed once.
    await expectSdkError(pb.collection("users").authWithPassword(email, password, { mfaId }), 400);
  });

  it("OTP then password signs in (mfaId in the body works too)", async () => {
    const { id, email, password } = await signUp();
    const pb = sdk(server.client());
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    const mfaId = await firstStep(pb.collection("users").authWithOTP(otpId, code));
    const res = await raw(server.url, "/api/collections/users/auth-with-password", {
      method: "POST",
      body: { identity: email, password, mfaId },
    });
    expect(res.status).toBe(200);
    expect((res.body as { record: { id: string } }).record.id).toBe(id);
  });

  it("the same method twice is refused", async () => {
    const { email, password } = await signUp();
    const pb = sdk(server.client());
    const mfaId = await firstStep(pb.collection("users").authWithPassword(email, password));
    await expectSdkError(pb.collection("users").authWithPassword(email, password, { mfaId }), 400);
  });

  it("another user's mfaId is refused", async () => {
    const a = await signUp();
    const b = await signUp();
    const pb = sdk(server.client());
    const mfaA = await firstStep(pb.collection("users").authWithPassword(a.email, a.password));
    const { otpId, code } = await otpByMail(pb, smtp, "users", b.email);
    await expectSdkError(pb.collection("users").authWithOTP(otpId, code, { mfaId: mfaA }), 400);
  });

  it("an expired or unknown mfaId is refused", async () => {
    const { email, password } = await signUp();
    const pb = sdk(server.client());
    const mfaId = await firstStep(pb.collection("users").authWithPassword(email, password));
    await ageRow(server.app, "_mfas", mfaId, 601);
    const first = await otpByMail(pb, smtp, "users", email);
    await expectSdkError(pb.collection("users").authWithOTP(first.otpId, first.code, { mfaId }), 400);
    const second = await otpByMail(pb, smtp, "users", email);
    for (const bad of ["nope", "x".repeat(300), { id: 1 }]) {
      const res = await raw(server.url, "/api/collections/users/auth-with-otp", {
        method: "POST",
        body: { otpId: second.otpId, password: second.code, mfaId: bad },
      });
      expect(res.status).toBe(400);
    }
  });

  it("auth-refresh never asks for MFA", async () => {
    const { email, password } = await signUp();
    const pb = sdk(server.client());
    const mfaId = await firstStep(pb.collection("users").authWithPassword(email, password));
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    await pb.collection("users").authWithOTP(otpId, code, { mfaId });
    await pb.collection("users").authRefresh();
  });

  it("the MFA rule picks who needs it", async () => {
    const name = `staff_${Date.now().toString(36)}`;
    await su.collections.create({
      name,
      type: "auth",
      fields: [{ name: "role", type: "text" }],
      createRule: "",
      mfa: { enabled: true, duration: 600, rule: "role = 'admin'" },
    });
    const plain = await signedInUser(() => server.client(), { collection: name });
    expect(plain.pb.authStore.isValid).toBe(true);
    const admin = await su.collection(name).create({
      email: `admin.${name}@example.com`,
      password: "a good long password",
      passwordConfirm: "a good long password",
      role: "admin",
    });
    await firstStep(
      sdk(server.client()).collection(name).authWithPassword(admin.email, "a good long password"),
    );
  });

  it("superusers follow the same MFA (run last: it changes how superusers sign in)", async () => {
    await enableOtp(su, "_superusers", { mfa: MFA });
    const pb = sdk(server.client());
    const mfaId = await firstStep(
      pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password),
    );
    const { otpId, code } = await otpByMail(pb, smtp, "_superusers", SUPERUSER.email);
    const auth = await pb.collection("_superusers").authWithOTP(otpId, code, { mfaId });
    expect(auth.record.email).toBe(SUPERUSER.email);
  });
});
