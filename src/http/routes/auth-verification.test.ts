import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settleBackgroundJobs } from "../../auth/email-flows/background-jobs.js";
import { signTestToken } from "../../auth/email-flows/test-fixtures.js";
import {
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
  uniqueName,
} from "../../test-support/api.js";
import { startMailSuite, stopMailSuite } from "../../test-support/mail-suite.js";
import { storesUnderTest, type TestServer } from "../../test-support/server.js";
import { type TestSmtpServer, tokenAfter } from "../../test-support/smtp-server.js";

const LINK = "confirm-verification/";

describe.each(await storesUnderTest())("email verification (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;
  const settle = () => settleBackgroundJobs(server.app.services);
  const isVerified = async (id: string) => (await su.collection("users").getOne(id)).verified;

  beforeAll(async () => {
    ({ server, smtp, su } = await startMailSuite(kind));
  });
  afterAll(() => stopMailSuite({ server, smtp }));

  it("request → mail with a link → confirm marks the record verified; the token works once", async () => {
    const { id, email } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    expect(await pb.collection("users").requestVerification(email)).toBe(true);
    const mail = await smtp.next(email);
    expect(mail.subject).toBe("Verify your Acme email");
    expect(mail.html).toContain(`http://app.test/_/#/auth/${LINK}`);
    const token = tokenAfter(mail, LINK);

    expect(await isVerified(id)).toBe(false);
    expect(await pb.collection("users").confirmVerification(token)).toBe(true);
    expect(await isVerified(id)).toBe(true);

    const reused = await expectSdkError(pb.collection("users").confirmVerification(token), 400);
    expect(issueCode(reused, "token")).toBe("validation_invalid_token");
  });

  it("unknown and already verified emails: 204 and no mail; a repeat within the window sends nothing", async () => {
    const pb = sdk(server.client());
    const unknown = uniqueEmail("nobody");
    expect(await pb.collection("users").requestVerification(unknown)).toBe(true);

    const { id, email } = await signedInUser(() => server.client());
    await pb.collection("users").requestVerification(email);
    await pb.collection("users").requestVerification(email.toUpperCase());
    await settle();
    expect(smtp.sentTo(unknown)).toHaveLength(0);
    expect(smtp.sentTo(email)).toHaveLength(1);

    await su.collection("users").update(id, { verified: true });
    const other = await signedInUser(() => server.client());
    await su.collection("users").update(other.id, { verified: true });
    await pb.collection("users").requestVerification(other.email);
    await settle();
    expect(smtp.sentTo(other.email)).toHaveLength(0);
  });

  it("expired, wrong-type, wrong-email and foreign-collection tokens are refused", async () => {
    const { id, email, pb: userPb } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const expired = await signTestToken(server.app, "users", id, "verification", { email }, -5);
    const authToken = userPb.authStore.token;
    const otherEmail = await signTestToken(server.app, "users", id, "verification", {
      email: "x@example.com",
    });
    const passwordReset = await signTestToken(server.app, "users", id, "passwordReset", { email });
    for (const token of [expired, authToken, otherEmail, passwordReset, "garbage", "a.b.c"]) {
      const err = await expectSdkError(pb.collection("users").confirmVerification(token), 400);
      expect(issueCode(err, "token")).toBe("validation_invalid_token");
    }
    // A valid users token sent to another auth collection's endpoint.
    const good = await signTestToken(server.app, "users", id, "verification", { email });
    await expectSdkError(pb.collection("_superusers").confirmVerification(good), 400);
    expect(await isVerified(id)).toBe(false);
  });

  it("hostile input → 400 in the error shape, nothing changed", async () => {
    const { id } = await signedInUser(() => server.client());
    const base = `/api/collections/users`;
    for (const body of ["[]", '"x"', "null", "42", "{bad json"]) {
      const res = await raw(server.url, `${base}/request-verification`, { method: "POST", body });
      expectRawError(res, 400);
      expectRawError(await raw(server.url, `${base}/confirm-verification`, { method: "POST", body }), 400);
    }
    for (const email of [
      undefined,
      "",
      5,
      ["a@b.co"],
      { a: 1 },
      "not-an-email",
      `${"a".repeat(10_000)}@x.com`,
    ]) {
      const res = await raw(server.url, `${base}/request-verification`, { method: "POST", body: { email } });
      expectRawError(res, 400);
      expect(Object.keys((res.body as { data: object }).data)).toEqual(["email"]);
    }
    for (const token of [undefined, "", 5, null, { a: 1 }, "x".repeat(10_000), "a.b.c"]) {
      const res = await raw(server.url, `${base}/confirm-verification`, { method: "POST", body: { token } });
      expectRawError(res, 400);
      expect(Object.keys((res.body as { data: object }).data)).toEqual(["token"]);
    }
    await settle();
    expect(await isVerified(id)).toBe(false);
  });

  it("non-auth collections → 404; superusers are always verified → 400", async () => {
    const name = uniqueName("notes");
    await su.collections.create({ name, type: "base", fields: [{ name: "title", type: "text" }] });
    const pb = sdk(server.client());
    await expectSdkError(pb.collection(name).requestVerification("a@example.com"), 404);
    await expectSdkError(pb.collection(name).confirmVerification("a.b.c"), 404);
    await expectSdkError(pb.collection("_superusers").requestVerification("root@example.com"), 400);
  });

  it("a collection's own template: placeholders filled, record values escaped, secrets never shown", async () => {
    const name = uniqueName("members");
    await su.collections.create({
      name,
      type: "auth",
      createRule: "",
      fields: [{ name: "name", type: "text" }],
      verificationTemplate: {
        subject: "Welcome to {APP_NAME}, {RECORD:name}",
        body: "<p>{RECORD:name} [{RECORD:tokenKey}][{RECORD:password}] {APP_URL}/verify?t={TOKEN}</p>",
      },
    });
    const email = uniqueEmail();
    await sdk(server.client()).collection(name).create({
      email,
      password: "a good long password",
      passwordConfirm: "a good long password",
      name: "<b>Ann</b>",
    });
    await sdk(server.client()).collection(name).requestVerification(email);
    const mail = await smtp.next(email);
    expect(mail.subject).toBe("Welcome to Acme, <b>Ann</b>");
    expect(mail.html).toContain("<p>&lt;b&gt;Ann&lt;/b&gt; [][] http://app.test/verify?t=");
    await sdk(server.client()).collection(name).confirmVerification(tokenAfter(mail, "verify?t="));
  });
});
