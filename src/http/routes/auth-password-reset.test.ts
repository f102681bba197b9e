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

const LINK = "confirm-password-reset/";
const NEW_PASSWORD = "a brand new password";

describe.each(await storesUnderTest())("password reset (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;
  const settle = () => settleBackgroundJobs(server.app.services);

  /** A token that must no longer authenticate: auth-refresh answers 401. */
  async function expectRevoked(token: string): Promise<void> {
    const pb = sdk(server.client());
    pb.authStore.save(token, null);
    await expectSdkError(pb.collection("users").authRefresh(), 401);
  }

  async function resetTokenFor(email: string): Promise<string> {
    await sdk(server.client()).collection("users").requestPasswordReset(email);
    return tokenAfter(await smtp.next(email), LINK);
  }

  beforeAll(async () => {
    ({ server, smtp, su } = await startMailSuite(kind));
  });
  afterAll(() => stopMailSuite({ server, smtp }));

  it("request → mail → confirm sets the password, verifies, and revokes every earlier token", async () => {
    const { id, email, password, pb: userPb } = await signedInUser(() => server.client());
    const oldAuthToken = userPb.authStore.token;
    const pb = sdk(server.client());
    expect(await pb.collection("users").requestPasswordReset(email)).toBe(true);
    const mail = await smtp.next(email);
    expect(mail.subject).toBe("Reset your Acme password");
    expect(mail.html).toContain(`http://app.test/_/#/auth/${LINK}`);
    const token = tokenAfter(mail, LINK);

    expect(await pb.collection("users").confirmPasswordReset(token, NEW_PASSWORD, NEW_PASSWORD)).toBe(true);
    await expectRevoked(oldAuthToken);
    await expectSdkError(pb.collection("users").authWithPassword(email, password), 400);
    const auth = await pb.collection("users").authWithPassword(email, NEW_PASSWORD);
    expect(auth.record).toMatchObject({ id, verified: true });

    const reused = await expectSdkError(
      pb.collection("users").confirmPasswordReset(token, "yet another password", "yet another password"),
      400,
    );
    expect(issueCode(reused, "token")).toBe("validation_invalid_token");
    await pb.collection("users").authWithPassword(email, NEW_PASSWORD);
  });

  it("a refused new password keeps the token usable (the change rolls back)", async () => {
    const { email, password } = await signedInUser(() => server.client());
    const token = await resetTokenFor(email);
    const pb = sdk(server.client());
    const mismatch = await expectSdkError(
      pb.collection("users").confirmPasswordReset(token, NEW_PASSWORD, "something else"),
      400,
    );
    expect(issueCode(mismatch, "passwordConfirm")).toBe("validation_values_mismatch");
    const short = await expectSdkError(
      pb.collection("users").confirmPasswordReset(token, "short", "short"),
      400,
    );
    expect(issueCode(short, "password")).toBeTruthy();
    await pb.collection("users").authWithPassword(email, password);

    await pb.collection("users").confirmPasswordReset(token, NEW_PASSWORD, NEW_PASSWORD);
    await pb.collection("users").authWithPassword(email, NEW_PASSWORD);
  });

  it("the same token sent twice at once: exactly one reset happens", async () => {
    const { email } = await signedInUser(() => server.client());
    const token = await resetTokenFor(email);
    const pb = sdk(server.client());
    const results = await Promise.allSettled(
      ["first new password", "second new password"].map((p) =>
        pb.collection("users").confirmPasswordReset(token, p, p),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("expired, wrong-type and other-email tokens are refused", async () => {
    const { id, email, password, pb: userPb } = await signedInUser(() => server.client());
    const pb = sdk(server.client());
    const tokens = [
      await signTestToken(server.app, "users", id, "passwordReset", { email }, -5),
      userPb.authStore.token,
      await signTestToken(server.app, "users", id, "verification", { email }),
      await signTestToken(server.app, "users", id, "passwordReset", { email: "other@example.com" }),
      "garbage",
    ];
    for (const token of tokens) {
      const err = await expectSdkError(
        pb.collection("users").confirmPasswordReset(token, NEW_PASSWORD, NEW_PASSWORD),
        400,
      );
      expect(issueCode(err, "token")).toBe("validation_invalid_token");
    }
    await pb.collection("users").authWithPassword(email, password);
  });

  it("unknown emails: 204 and no mail; a repeat within the window sends one mail", async () => {
    const pb = sdk(server.client());
    const unknown = uniqueEmail("nobody");
    expect(await pb.collection("users").requestPasswordReset(unknown)).toBe(true);
    const { email } = await signedInUser(() => server.client());
    await pb.collection("users").requestPasswordReset(email);
    await pb.collection("users").requestPasswordReset(email);
    await settle();
    expect(smtp.sentTo(unknown)).toHaveLength(0);
    expect(smtp.sentTo(email)).toHaveLength(1);
  });

  it("hostile input → 400 in the error shape, nothing changed", async () => {
    const { id, email, password } = await signedInUser(() => server.client());
    const token = await signTestToken(server.app, "users", id, "passwordReset", { email });
    const base = `/api/collections/users`;
    for (const body of ["[]", '"x"', "null", "42"]) {
      expectRawError(await raw(server.url, `${base}/request-password-reset`, { method: "POST", body }), 400);
      expectRawError(await raw(server.url, `${base}/confirm-password-reset`, { method: "POST", body }), 400);
    }
    for (const bad of [undefined, 5, "not-an-email", `${"a".repeat(10_000)}@x.com`]) {
      const res = await raw(server.url, `${base}/request-password-reset`, {
        method: "POST",
        body: { email: bad },
      });
      expectRawError(res, 400);
    }
    const confirms: Record<string, unknown>[] = [
      {},
      { token },
      { token, password: NEW_PASSWORD },
      { token, password: 5, passwordConfirm: 5 },
      { token, password: "x".repeat(10_000), passwordConfirm: "x".repeat(10_000) },
      { token: "x".repeat(10_000), password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD },
      { token: ["a"], password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD },
    ];
    for (const body of confirms) {
      expectRawError(await raw(server.url, `${base}/confirm-password-reset`, { method: "POST", body }), 400);
    }
    await settle();
    await sdk(server.client()).collection("users").authWithPassword(email, password);
  });

  it("works for superusers too, and non-auth collections → 404", async () => {
    const admin = uniqueEmail("admin");
    await su
      .collection("_superusers")
      .create({ email: admin, password: "admin password 1", passwordConfirm: "admin password 1" });
    await sdk(server.client()).collection("_superusers").requestPasswordReset(admin);
    const token = tokenAfter(await smtp.next(admin), LINK);
    const pb = sdk(server.client());
    await pb.collection("_superusers").confirmPasswordReset(token, NEW_PASSWORD, NEW_PASSWORD);
    await pb.collection("_superusers").authWithPassword(admin, NEW_PASSWORD);

    const name = uniqueName("notes");
    await su.collections.create({ name, type: "base", fields: [{ name: "title", type: "text" }] });
    await expectSdkError(pb.collection(name).requestPasswordReset("a@example.com"), 404);
    await expectSdkError(pb.collection(name).confirmPasswordReset("a.b.c", NEW_PASSWORD, NEW_PASSWORD), 404);
  });
});
