import type PocketBase from "pocketbase";
import { type StoreKind, startServer, type TestServer } from "./server.js";
import { TestSmtpServer, useTestSmtp } from "./smtp-server.js";

/** A server whose SMTP settings point at a real local SMTP server, and its superuser client. */
export interface MailSuite {
  server: TestServer;
  smtp: TestSmtpServer;
  su: PocketBase;
}

/** Starts what the email-flow suites share: server, SMTP server, SMTP settings, no rate limits. */
export async function startMailSuite(kind: StoreKind): Promise<MailSuite> {
  const [server, smtp] = await Promise.all([startServer(kind), TestSmtpServer.start()]);
  const su = await server.superuserClient();
  await useTestSmtp(su, smtp);
  // These suites sign in and ask for mail far faster than the default auth rate limit allows.
  await su.settings.update({ rateLimits: { enabled: false } });
  return { server, smtp, su };
}

export async function stopMailSuite(suite: { server?: TestServer; smtp?: TestSmtpServer }): Promise<void> {
  await suite.server?.close();
  await suite.smtp?.close();
}
