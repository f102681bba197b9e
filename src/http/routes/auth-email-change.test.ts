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
} from "../../test-support/api.js";
import { startMailSuite, stopMailSuite } from "../../test-support/mail-suite.js";
import { storesUnderTest, type TestServer } from "../../test-support/server.js";
import { type TestSmtpServer, tokenAfter } from "../../test-support/smtp-server.js";

const LINK = "confirm-email-change/";

describe.each(await storesUnderTest())("email change (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;
  const settle = () => settleBackgroundJobs(server.app.services);
  const emailOf = async (id: string) => (await su.collection("users").getOne(id)).email;

  async function changeTokenFor(pb: PocketBase, newEmail: string): Promise<string> {
    await pb.collection("users").requestEmailChange(newEmail);
    return tokenAfter(await smtp.next(newEmail), LINK);
  }

  beforeAll(async () => {
    ({ server, smtp, su } = await startMailSuite(kind));
  });
  afterAll(() => stopMailSuite({ server, smtp }));

  it("request (signed in) → mail to the new address → confirm with the password moves the account", async () => {
    const { id, email, password, pb } = await signedInUser(() => server.client());
    const oldAuthToken = pb.authStore.token;
    const newEmail = uniqueEmail("moved");
    expect(await pb.collection("users").requestEmailChange(newEmail.toUpperCase())).toBe(true);
    const mail = await smtp.next(newEmail);
    expect(mail.subject).toBe("Confirm your Acme new email address");
    expect(mail.html).toContain(`http://app.test/_/#/auth/${LINK}`);
    expect(smtp.sentTo(email)).toHaveLength(0);
    const token = tokenAfter(mail, LINK);

    const guest = sdk(server.client());
    expect(await guest.collection("users").confirmEmailChange(token, password)).toBe(true);
    expect(await emailOf(id)).toBe(newEmail);
    expect((await su.collection("users").getOne(id)).verified).toBe(true);

    // Every earlier session ends; the old address no longer signs in, the new one does.
    const stale = sdk(server.client());
    stale.authStore.save(oldAuthToken, null);
    await expectSdkError(stale.collection("users").authRefresh(), 401);
    await expectSdkError(guest.collection("users").authWithPassword(email, password), 400);
    await guest.collection("users").authWithPassword(newEmail, password);

    const reused = await expectSdkError(
      sdk(server.client()).collection("users").confirmEmailChange(token, password),
      400,
    );
    expect(issueCode(reused, "token")).toBe("validation_invalid_token");
  });

  it("needs the record's own auth; the new address must be valid, allowed and free", async () => {
    const guest = sdk(server.client());
    await expectSdkError(guest.collection("users").requestEmailChange(uniqueEmail()), 401);

    const { email, pb } = await signedInUser(() => server.client());
    const other = await signedInUser(() => server.client());
    const cases: [unknown, string][] = [
      [other.email, "validation_not_unique"],
      [other.email.toUpperCase(), "validation_not_unique"],
      [email, "validation_same_email"],
      ["not-an-email", "validation_is_email"],
      [`${"a".repeat(10_000)}@example.com`, "validation_length_too_long"],
      ["", "validation_required"],
      [42, "validation_invalid_value"],
    ];
    for (const [newEmail, code] of cases) {
      const res = await raw(server.url, "/api/collections/users/request-email-change", {
        method: "POST",
        body: { newEmail },
        token: pb.authStore.token,
      });
      expectRawError(res, 400);
      expect((res.body as { data: { newEmail: { code: string } } }).data.newEmail.code).toBe(code);
    }
    // A superuser's token is not the record's own.
    const admin = await server.superuserClient();
    await expectSdkError(admin.collection("users").requestEmailChange(uniqueEmail()), 403);
    await settle();
    expect(smtp.sentTo(other.email)).toHaveLength(0);
  });

  it("confirm needs the current password; a wrong one keeps the token usable", async () => {
    const { id, email, password, pb } = await signedInUser(() => server.client());
    const newEmail = uniqueEmail("moved");
    const token = await changeTokenFor(pb, newEmail);
    const guest = sdk(server.client());
    const wrong = await expectSdkError(
      guest.collection("users").confirmEmailChange(token, "not the password"),
      400,
    );
    expect(issueCode(wrong, "password")).toBe("validation_invalid_password");
    expect(await emailOf(id)).toBe(email);
    await guest.collection("users").confirmEmailChange(token, password);
    expect(await emailOf(id)).toBe(newEmail);
  });

  it("another user can't use someone's email-change token", async () => {
    const alice = await signedInUser(() => server.client());
    const bob = await signedInUser(() => server.client(), { password: "bob's own password" });
    const token = await changeTokenFor(alice.pb, uniqueEmail("stolen"));
    await expectSdkError(bob.pb.collection("users").confirmEmailChange(token, bob.password), 400);
    expect(await emailOf(alice.id)).toBe(alice.email);
    expect(await emailOf(bob.id)).toBe(bob.email);
    // Bob's own session survives and Bob's identity is untouched.
    await bob.pb.collection("users").authRefresh();
  });

  it("expired, wrong-type and stale (old-email) tokens are refused", async () => {
    const { id, email, password, pb } = await signedInUser(() => server.client());
    const newEmail = uniqueEmail("next");
    const tokens = [
      await signTestToken(server.app, "users", id, "emailChange", { email, newEmail }, -5),
      pb.authStore.token,
      await signTestToken(server.app, "users", id, "passwordReset", { email }),
      await signTestToken(server.app, "users", id, "emailChange", { email: "before@example.com", newEmail }),
      await signTestToken(server.app, "users", id, "emailChange", { email }),
      "garbage",
    ];
    for (const token of tokens) {
      const err = await expectSdkError(
        sdk(server.client()).collection("users").confirmEmailChange(token, password),
        400,
      );
      expect(issueCode(err, "token")).toBe("validation_invalid_token");
    }
    expect(await emailOf(id)).toBe(email);
  });

  it("two links at once: the first confirmed wins, the other is void", async () => {
    const { id, password, pb } = await signedInUser(() => server.client());
    const first = uniqueEmail("first");
    const second = uniqueEmail("second");
    const firstToken = await changeTokenFor(pb, first);
    const secondToken = await changeTokenFor(pb, second);
    const guest = sdk(server.client());
    const results = await Promise.allSettled([
      guest.collection("users").confirmEmailChange(firstToken, password),
      guest.collection("users").confirmEmailChange(secondToken, password),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect([first, second]).toContain(await emailOf(id));
  });

  it("hostile input → 400 in the error shape, nothing changed", async () => {
    const { id, email, password, pb } = await signedInUser(() => server.client());
    const token = await signTestToken(server.app, "users", id, "emailChange", {
      email,
      newEmail: uniqueEmail(),
    });
    const base = "/api/collections/users";
    for (const body of ["[]", '"x"', "null", "42"]) {
      const opts = { method: "POST", body, token: pb.authStore.token };
      expectRawError(await raw(server.url, `${base}/request-email-change`, opts), 400);
      expectRawError(await raw(server.url, `${base}/confirm-email-change`, { method: "POST", body }), 400);
    }
    const confirms: Record<string, unknown>[] = [
      {},
      { token },
      { password },
      { token, password: 5 },
      { token, password: "x".repeat(10_000) },
      { token: "x".repeat(10_000), password },
      { token: { $ne: "" }, password },
    ];
    for (const body of confirms) {
      expectRawError(await raw(server.url, `${base}/confirm-email-change`, { method: "POST", body }), 400);
    }
    expect(await emailOf(id)).toBe(email);
    await pb.collection("users").authRefresh();
  });
});
