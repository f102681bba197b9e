import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { type TestSmtpServer, useTestSmtp } from "../../test-support/smtp-server.js";

const SUBJECTS = {
  verification: "Verify your Acme email",
  "password-reset": "Reset your Acme password",
  "email-change": "Confirm your Acme new email address",
  otp: "OTP for Acme",
  "login-alert": "Login from a new location",
} as const;

describe.each(await storesUnderTest())("settings: test email (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;

  beforeAll(async () => {
    ({ server, smtp, su } = await startMailSuite(kind));
  });
  afterAll(() => stopMailSuite({ server, smtp }));

  it("sends each template of a collection to the given address", async () => {
    const to = uniqueEmail("inbox");
    for (const [template, subject] of Object.entries(SUBJECTS)) {
      expect(await su.settings.testEmail("users", to, template)).toBe(true);
      const mail = await smtp.next(to);
      expect(mail.subject).toBe(subject);
      expect(mail.html.length).toBeGreaterThan(20);
    }
    // No collection named: the superusers' templates.
    const res = await raw(server.url, "/api/settings/test/email", {
      method: "POST",
      body: { email: to, template: "otp" },
      token: su.authStore.token,
    });
    expect(res.status).toBe(204);
    expect((await smtp.next(to)).subject).toBe(SUBJECTS.otp);
  });

  it("superusers only", async () => {
    await expectSdkError(sdk(server.client()).settings.testEmail("users", uniqueEmail(), "otp"), 401);
    const { pb } = await signedInUser(() => server.client());
    await expectSdkError(pb.settings.testEmail("users", uniqueEmail(), "otp"), 403);
  });

  it("bad input → 400 naming the field", async () => {
    const to = uniqueEmail();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: to, template: "nope", collection: "users" }, "template"],
      [{ email: to, template: 5, collection: "users" }, "template"],
      [{ email: "not-an-email", template: "otp", collection: "users" }, "email"],
      [{ email: `${"a".repeat(10_000)}@x.com`, template: "otp", collection: "users" }, "email"],
      [{ email: to, template: "otp", collection: "missing_collection" }, "collection"],
      [{ email: to, template: "otp", collection: { a: 1 } }, "collection"],
    ];
    for (const [body, field] of cases) {
      const res = await raw(server.url, "/api/settings/test/email", {
        method: "POST",
        body,
        token: su.authStore.token,
      });
      expectRawError(res, 400);
      expect(Object.keys((res.body as { data: object }).data)).toContain(field);
    }
    for (const body of ["[]", '"x"', "42"]) {
      const res = await raw(server.url, "/api/settings/test/email", {
        method: "POST",
        body,
        token: su.authStore.token,
      });
      expectRawError(res, 400);
    }
    expect(smtp.sentTo(to)).toHaveLength(0);
  });

  it("SMTP off or failing → 400 with a message that says so", async () => {
    const to = uniqueEmail();
    smtp.rejectAll = true;
    try {
      const failing = await expectSdkError(su.settings.testEmail("users", to, "verification"), 400);
      expect(failing.message).toMatch(/^Failed to send the test email: .+/);
    } finally {
      smtp.rejectAll = false;
    }
    await su.settings.update({ smtp: { enabled: false } });
    try {
      const off = await expectSdkError(su.settings.testEmail("users", to, "verification"), 400);
      expect(off.message).toMatch(/SMTP is not enabled/);
      expect(issueCode(off, "email")).toBeUndefined();
    } finally {
      await useTestSmtp(su, smtp);
    }
    expect(smtp.sentTo(to)).toHaveLength(0);
  });
});
