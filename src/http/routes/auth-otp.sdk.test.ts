import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectRawError,
  expectSdkError,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
} from "../../test-support/api.js";
import { ageRow, enableOtp, mailTo, otpByMail, otpCodeIn } from "../../test-support/otp-fixture.js";
import type { TestSmtp } from "../../test-support/otp-smtp.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())("OTP sign-in (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let smtp: TestSmtp;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    smtp = await mailTo(server.app);
    await enableOtp(su, "users");
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const otpCount = async () =>
    Number(
      (
        await server.app.services.store.db
          .selectFrom("_otps")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("mails a code that signs in once, and marks the email verified", async () => {
    const { id, email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const { otpId, code } = await otpByMail(pb, smtp, "users", email.toUpperCase());
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    expect(code).toMatch(/^\d{8}$/);
    const row = await server.app.services.store.db
      .selectFrom("_otps")
      .selectAll()
      .where("id", "=", otpId)
      .executeTakeFirstOrThrow();
    expect(row.password).not.toContain(code); // only a keyed hash is stored

    const auth = await pb.collection("users").authWithOTP(otpId, code);
    expect(auth.record).toMatchObject({ id, email, verified: true });
    expect(pb.authStore.isValid).toBe(true);
    // single use
    await expectSdkError(sdk(server.client()).collection("users").authWithOTP(otpId, code), 400);
  });

  it("a wrong code is refused; the 6th try is refused even with the right code", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    const wrong = code === "00000000" ? "11111111" : "00000000";
    for (let i = 0; i < 5; i++) await expectSdkError(pb.collection("users").authWithOTP(otpId, wrong), 400);
    await expectSdkError(pb.collection("users").authWithOTP(otpId, code), 400);
  });

  it("a right code after a few wrong ones still works (attempts are per OTP, not fatal)", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    const wrong = code === "00000000" ? "11111111" : "00000000";
    for (let i = 0; i < 4; i++) await expectSdkError(pb.collection("users").authWithOTP(otpId, wrong), 400);
    await pb.collection("users").authWithOTP(otpId, code);
  });

  it("concurrent guesses cannot exceed five attempts", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const { otpId } = await otpByMail(pb, smtp, "users", email);
    const guesses = Array.from({ length: 12 }, (_, i) =>
      raw(server.url, "/api/collections/users/auth-with-otp", {
        method: "POST",
        body: { otpId, password: String(10_000_000 + i) },
      }),
    );
    const answers = await Promise.all(guesses);
    expect(answers.every((a) => a.status === 400)).toBe(true);
    const left = await server.app.services.store.db
      .selectFrom("_otps")
      .selectAll()
      .where("id", "=", otpId)
      .executeTakeFirst();
    expect(left).toBeUndefined();
  });

  it("an expired code is refused", async () => {
    const { email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const { otpId, code } = await otpByMail(pb, smtp, "users", email);
    await ageRow(server.app, "_otps", otpId, 181);
    await expectSdkError(pb.collection("users").authWithOTP(otpId, code), 400);
  });

  it("an unknown email gets an otpId (same shape) but no mail, and that id never signs in", async () => {
    const email = uniqueEmail("nobody");
    const pb = sdk(server.client());
    const { otpId } = await pb.collection("users").requestOTP(email);
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.some((m) => m.to.includes(email))).toBe(false);
    await expectSdkError(pb.collection("users").authWithOTP(otpId, "12345678"), 400);
  });

  it("the collection's template and length are used", async () => {
    const { email } = await signedInUser(() => server.client(), { name: "Ada <b>" });
    await enableOtp(su, "users", {
      otp: {
        length: 6,
        emailTemplate: {
          subject: "Code for {RECORD:name}",
          body: "<p>Hi {RECORD:name}, your one-time password is: {OTP}</p>",
        },
      },
    });
    try {
      const mail = await (async () => {
        await sdk(server.client()).collection("users").requestOTP(email);
        return smtp.take(email);
      })();
      expect(otpCodeIn(mail)).toMatch(/^\d{6}$/);
      expect(mail.text).toContain("Subject: Code for Ada <b>");
      expect(mail.text).toContain("Hi Ada &lt;b&gt;");
    } finally {
      await enableOtp(su, "users");
    }
  });

  it("OTP switched off → 403, as in PocketBase", async () => {
    await su.collections.update("users", { otp: { enabled: false, duration: 180, length: 8 } });
    try {
      const pb = sdk(server.client());
      await expectSdkError(pb.collection("users").requestOTP(uniqueEmail()), 403);
      await expectSdkError(pb.collection("users").authWithOTP("abcdefghijklmno", "12345678"), 403);
    } finally {
      await enableOtp(su, "users");
    }
  });

  it("hostile input → 400 in the error shape, nothing stored", async () => {
    const before = await otpCount();
    const post = (path: string, body: unknown) =>
      raw(server.url, `/api/collections/users/${path}`, { method: "POST", body });
    for (const body of [
      {},
      [],
      "x",
      42,
      { email: 42 },
      { email: "" },
      { email: "not-an-email" },
      { email: `${"a".repeat(5000)}@example.com` },
      { email: ["a@b.co"] },
    ])
      expectRawError(await post("request-otp", body), 400);
    for (const body of [
      {},
      [],
      "x",
      { otpId: "abc" },
      { password: "123" },
      { otpId: 1, password: 2 },
      { otpId: "x".repeat(300), password: "12345678" },
      { otpId: "abcdefghijklmno", password: "1".repeat(100) },
      { otpId: "abcdefghijklmno", password: "12345678" },
      { otpId: "../../etc", password: "12345678" },
    ])
      expectRawError(await post("auth-with-otp", body), 400);
    expectRawError(await post("request-otp", '{"email":'), 400);
    expectRawError(
      await raw(server.url, "/api/collections/nope/request-otp", {
        method: "POST",
        body: { email: "a@b.co" },
      }),
      404,
    );
    expect(await otpCount()).toBe(before);
  });
});
