import { performance } from "node:perf_hooks";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTestToken } from "../../auth/email-flows/test-fixtures.js";
import { expectErrorBody, expectSdkError, raw, uniqueEmail } from "../../test-support/api.js";
import { enableOtp, mailTo, otpByMail } from "../../test-support/otp-fixture.js";
import type { TestSmtp } from "../../test-support/otp-smtp.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { clientFrom, uniqueIp } from "./rate-limit-test-clients.js";
import { REDIS_URL, redisAvailable, testKeyPrefix } from "./test-redis.js";

const PASSWORD = "a good long password";
const hasRedis = await redisAvailable();
const runs: [string, { redis?: string }][] = (await storesUnderTest()).map((kind) => [kind, {}]);
// The same, with the counters in Redis (shared by nodes), on SQLite (the store doesn't matter there).
if (hasRedis) runs.push(["sqlite + redis", { redis: REDIS_URL }]);

interface User {
  id: string;
  email: string;
}

describe.each(runs)("default limits aim at attacks, not users (%s)", (name, opts) => {
  let server: TestServer;
  let su: PocketBase;
  let smtp: TestSmtp;
  const users: User[] = [];
  let next = 0;
  const takeUser = () => users[next++] as User;

  beforeAll(async () => {
    const kind = name.startsWith("postgres") ? "postgres" : "sqlite";
    server = await startServer(kind, {
      rateLimits: true,
      ...(opts.redis ? { redis: opts.redis, redisKeyPrefix: testKeyPrefix() } : {}),
    });
    su = await server.superuserClient();
    // Only which header names the client changes: the limits stay the defaults. Each test comes
    // from an address of its own (superusers are exempt, so the setup below is not counted).
    await su.settings.update({ trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false } });
    smtp = await mailTo(server.app);
    await enableOtp(su, "users");
    for (let i = 0; i < 80; i++) {
      const email = uniqueEmail("member");
      const { id } = await su
        .collection("users")
        .create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
      users.push({ id, email });
    }
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const signIn = (ip: string, email: string, password = PASSWORD) =>
    clientFrom(server.url, ip).collection("users").authWithPassword(email, password);

  it("50 different users sign in from one address at once", async () => {
    const ip = uniqueIp();
    const batch = Array.from({ length: 50 }, takeUser);
    const started = performance.now();
    const results = await Promise.allSettled(batch.map((u) => signIn(ip, u.email)));
    const ms = Math.round(performance.now() - started);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(
      results.map((r) => (r as PromiseFulfilledResult<{ record: { id: string } }>).value.record.id),
    ).toEqual(batch.map((u) => u.id));
    console.info(`[default limits, ${name}] 50 concurrent sign-ins from one address: ${ms} ms`);
  });

  it("20 wrong passwords for one account: 10 are checked, then every attempt is refused, the right one too", async () => {
    const ip = uniqueIp();
    const victim = takeUser();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const err = await signIn(ip, victim.email, `wrong guess ${i}`).catch((e: { status: number }) => e);
      statuses.push((err as { status: number }).status);
    }
    expect(statuses).toEqual([...Array(10).fill(400), ...Array(10).fill(429)]);
    const right = await expectSdkError(signIn(ip, victim.email), 429);
    expect(right.response).toEqual({ status: 429, message: "Too Many Requests.", data: {} });
    // The lock is the account's, wherever the guesses come from.
    await expectSdkError(signIn(uniqueIp(), victim.email), 429);
    const res = await raw(server.url, "/api/collections/users/auth-with-password", {
      method: "POST",
      body: { identity: victim.email, password: PASSWORD },
      headers: { "x-forwarded-for": ip },
    });
    expectErrorBody(res.body, 429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Others behind the same address sign in as usual.
    const other = takeUser();
    expect((await signIn(ip, other.email)).record.id).toBe(other.id);
  });

  it("credential stuffing: 30 accounts failing from one address locks that address, not the accounts", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 30; i++)
      await expectSdkError(
        signIn(ip, i % 2 ? uniqueEmail("leaked") : takeUser().email, "leaked password"),
        400,
      );
    const user = takeUser();
    await expectSdkError(signIn(ip, user.email), 429);
    expect((await signIn(uniqueIp(), user.email)).record.id).toBe(user.id);
  });

  it("wrong current passwords on a password change count against the account too", async () => {
    const ip = uniqueIp();
    const user = takeUser();
    const pb = clientFrom(server.url, uniqueIp(), (await signIn(ip, user.email)).token);
    const change = (oldPassword: string) =>
      pb.collection("users").update(user.id, {
        oldPassword,
        password: "next long password",
        passwordConfirm: "next long password",
      });
    for (let i = 0; i < 10; i++) await expectSdkError(change(`not it ${i}`), 400);
    await expectSdkError(change(PASSWORD), 429);
    await expectSdkError(signIn(uniqueIp(), user.email), 429);
  });

  it("wrong OTP codes (over several OTPs) and confirm-email-change passwords count against the account", async () => {
    const guest = clientFrom(server.url, uniqueIp());
    const otpUser = takeUser();
    for (let round = 0; round < 2; round++) {
      const { otpId } = await otpByMail(guest, smtp, "users", otpUser.email);
      for (let i = 0; i < 5; i++)
        await expectSdkError(guest.collection("users").authWithOTP(otpId, `0000000${i}`), 400);
    }
    const { otpId, code } = await otpByMail(guest, smtp, "users", otpUser.email);
    await expectSdkError(guest.collection("users").authWithOTP(otpId, code), 429);
    await expectSdkError(signIn(uniqueIp(), otpUser.email), 429);

    const mover = takeUser();
    const token = await signTestToken(server.app, "users", mover.id, "emailChange", {
      email: mover.email,
      newEmail: uniqueEmail("moved"),
    });
    for (let i = 0; i < 10; i++)
      await expectSdkError(guest.collection("users").confirmEmailChange(token, `not it ${i}`), 400);
    await expectSdkError(guest.collection("users").confirmEmailChange(token, PASSWORD), 429);
  });

  it("the numbers are settings; a lock lapses a window after the last failure; rateLimits.enabled turns it off", async () => {
    const defaults = (await su.settings.getAll()).authFailureLimits;
    expect(defaults).toEqual({ perIdentity: 10, perIdentityDuration: 60, perIP: 30, perIPDuration: 300 });
    try {
      await su.settings.update({ authFailureLimits: { perIdentity: 2, perIdentityDuration: 1 } });
      const user = takeUser();
      const ip = uniqueIp();
      await expectSdkError(signIn(ip, user.email, "wrong 1"), 400);
      await expectSdkError(signIn(ip, user.email, "wrong 2"), 400);
      await expectSdkError(signIn(ip, user.email), 429);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await signIn(ip, user.email)).record.id).toBe(user.id);

      await su.settings.update({ rateLimits: { enabled: false } });
      const free = takeUser();
      for (let i = 0; i < 4; i++) await expectSdkError(signIn(ip, free.email, `wrong ${i}`), 400);
      expect((await signIn(ip, free.email)).record.id).toBe(free.id);
    } finally {
      await su.settings.update({ rateLimits: { enabled: true }, authFailureLimits: defaults });
    }
  });
});
