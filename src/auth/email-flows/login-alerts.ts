import type { AuthDeps } from "../auth-deps.js";
import type { LoginEvent } from "../auth-events.js";
import { rememberOrigin } from "./auth-origins.js";
import { type JobLogger, runInBackground } from "./background-jobs.js";
import { originFingerprint } from "./origin-fingerprint.js";
import { sendAuthMail } from "./send-auth-mail.js";

/**
 * Login alerts: for collections with `authAlert.enabled`, a sign-in from a device/origin the
 * record hasn't used before mails the authAlert template. The very first sign-in only records
 * its origin (there is nothing to compare it with). Runs in the background, off the request.
 */
export function registerLoginAlerts(services: AuthDeps, log: JobLogger): void {
  services.authEvents.on("login", (event) => {
    runInBackground(services, log, "login alert", () => alertOnNewOrigin(services, event));
  });
}

async function alertOnNewOrigin(services: AuthDeps, event: LoginEvent): Promise<void> {
  const { collection, record, ctx } = event;
  const alert = collection.auth?.authAlert as { enabled?: unknown } | undefined;
  if (alert?.enabled !== true) return;
  const status = await rememberOrigin(services.store, collection.id, record.id, originFingerprint(ctx));
  const email = record.email;
  if (status !== "new" || typeof email !== "string" || email === "") return;
  // Without SMTP there is no one to tell; the origin is still recorded for when mail is set up.
  if (!(await services.settings.get()).smtp.enabled) return;
  await sendAuthMail(services, collection, "login-alert", email, { record });
}
