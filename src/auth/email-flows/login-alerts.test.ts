import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdk, uniqueEmail, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { TestSmtpServer, useTestSmtp } from "../../test-support/smtp-server.js";
import { settleBackgroundJobs } from "./background-jobs.js";

const PASSWORD = "a good long password";

describe.each(await storesUnderTest())("login alerts (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;
  const settle = () => settleBackgroundJobs(server.app.services);

  /** Signs in as the given browser; waits until the alert check has run. */
  async function signInAs(collection: string, email: string, userAgent: string): Promise<void> {
    await sdk(server.client())
      .collection(collection)
      .authWithPassword(email, PASSWORD, { headers: { "User-Agent": userAgent } });
    await settle();
  }

  beforeAll(async () => {
    [server, smtp] = await Promise.all([startServer(kind), TestSmtpServer.start()]);
    su = await server.superuserClient();
    await useTestSmtp(su, smtp);
    await su.settings.update({ rateLimits: { enabled: false } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("the first sign-in only records its origin; a new user agent gets one alert, a repeat none", async () => {
    const email = uniqueEmail();
    await sdk(server.client())
      .collection("users")
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
    await signInAs("users", email, "backroom-test laptop");
    await signInAs("users", email, "backroom-test laptop");
    expect(smtp.sentTo(email)).toHaveLength(0);

    await signInAs("users", email, "Mozilla/5.0 (X11; Linux) Firefox/130.0");
    const alert = await smtp.next(email);
    expect(alert.subject).toBe("Login from a new location");
    expect(alert.html).toContain("We noticed a login to your Acme account");

    await signInAs("users", email, "Mozilla/5.0 (X11; Linux) Firefox/130.0");
    await signInAs("users", email, "backroom-test laptop");
    expect(smtp.sentTo(email)).toHaveLength(1);
  });

  it("no alerts for collections that turn them off; custom templates for those that don't", async () => {
    const quiet = uniqueName("quiet");
    const custom = uniqueName("custom");
    const createRule = "";
    await su.collections.create({ name: quiet, type: "auth", createRule, authAlert: { enabled: false } });
    await su.collections.create({
      name: custom,
      type: "auth",
      createRule,
      authAlert: {
        enabled: true,
        emailTemplate: { subject: "New sign-in at {APP_NAME}", body: "<p>Hi {RECORD:email}</p>" },
      },
    });
    for (const name of [quiet, custom]) {
      const email = uniqueEmail();
      await sdk(server.client())
        .collection(name)
        .create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
      await signInAs(name, email, "first device");
      await signInAs(name, email, "second device");
      if (name === quiet) expect(smtp.sentTo(email)).toHaveLength(0);
      else {
        const mail = await smtp.next(email);
        expect(mail.subject).toBe("New sign-in at Acme");
        expect(mail.html).toContain(`<p>Hi ${email}</p>`);
      }
    }
  });
});
