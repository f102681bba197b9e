import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { expectSdkError, issueCode, raw, sdk, signedInUser } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { limit, uniqueIp } from "./rate-limit/rate-limit-test-clients.js";

describe.each(await storesUnderTest())("settings API (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind, { rateLimits: true });
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is for superusers only: 401 for guests, 403 for other users", async () => {
    await expectSdkError(sdk(server.client()).settings.getAll(), 401);
    await expectSdkError(sdk(server.client()).settings.update({ meta: { appName: "x" } }), 401);
    const user = await signedInUser(() => server.client());
    await expectSdkError(user.pb.settings.getAll(), 403);
    await expectSdkError(user.pb.settings.update({ meta: { appName: "x" } }), 403);
    const all = await su.settings.getAll();
    expect(Object.keys(all)).toEqual(expect.arrayContaining(["meta", "smtp", "rateLimits", "trustedProxy"]));
  });

  it("masks secrets on every read, and a masked value sent back keeps the secret", async () => {
    const updated = await su.settings.update({ smtp: { host: "smtp.example.com", password: "hunter2" } });
    expect(updated.smtp.password).toBe("");
    expect(updated.smtp.host).toBe("smtp.example.com");
    const read = await su.settings.getAll();
    expect(read.smtp.password).toBe("");
    expect(JSON.stringify(read)).not.toContain("hunter2");
    // The admin UI's round trip: everything it read, password still masked.
    await su.settings.update({ ...read, meta: { ...read.meta, appName: "Renamed" } });
    const stored = await server.app.services.settings.get();
    expect(stored.smtp.password).toBe("hunter2");
    expect(stored.meta.appName).toBe("Renamed");
  });

  it("refuses invalid values with 400 and a code per field", async () => {
    const err = await expectSdkError(
      su.settings.update({
        meta: { appURL: "ftp://nope", appName: 42 },
        smtp: { port: "25", authMethod: "CRAM" },
        trustedProxy: { headers: "X-Forwarded-For" },
      }),
      400,
    );
    expect(issueCode(err, "meta", "appURL")).toBe("validation_is_url");
    expect(issueCode(err, "meta", "appName")).toBe("validation_invalid_value");
    expect(issueCode(err, "smtp", "port")).toBe("validation_invalid_value");
    expect(issueCode(err, "smtp", "authMethod")).toBe("validation_invalid_value");
    expect(issueCode(err, "trustedProxy", "headers")).toBe("validation_invalid_value");
    expect((await su.settings.getAll()).meta.appURL).not.toBe("ftp://nope");
  });

  it("refuses unknown sections and keys", async () => {
    const err = await expectSdkError(su.settings.update({ nope: { a: 1 }, meta: { nope: true } }), 400);
    expect(issueCode(err, "nope")).toBe("validation_unknown_field");
    expect(issueCode(err, "meta", "nope")).toBe("validation_unknown_field");
  });

  it("validates rate-limit rules field by field, at the index of the rule at fault (as PocketBase)", async () => {
    const ok = { label: "/api/", maxRequests: 2, duration: 3, audience: "" };
    const bad: [Record<string, unknown>, string, string][] = [
      [
        { label: "*:auth", maxRequests: 0, duration: 3, audience: "" },
        "maxRequests",
        "validation_invalid_rate_limit_rule",
      ],
      [
        { label: "*:auth", maxRequests: 2, duration: 0, audience: "" },
        "duration",
        "validation_invalid_rate_limit_rule",
      ],
      [
        { label: "*:auth", maxRequests: 2, duration: 3, audience: "@everyone" },
        "audience",
        "validation_invalid_rate_limit_rule",
      ],
      [{ label: "", maxRequests: 2, duration: 3, audience: "" }, "label", "validation_required"],
      [
        { label: "bad label!!", maxRequests: 2, duration: 3, audience: "" },
        "label",
        "validation_invalid_rate_limit_rule",
      ],
      [
        { label: "/api/x", maxRequests: 1.5, duration: 3, audience: "" },
        "maxRequests",
        "validation_invalid_rate_limit_rule",
      ],
      [
        { label: "/api/", maxRequests: 5, duration: 3, audience: "" },
        "label",
        "validation_conflicting_rate_limit_rule",
      ],
    ];
    for (const [rule, field, code] of bad) {
      const err = await expectSdkError(su.settings.update({ rateLimits: { rules: [ok, rule] } }), 400);
      expect(issueCode(err, "rateLimits", "rules", "1", field), JSON.stringify(rule)).toBe(code);
      const rules = (err.response.data as { rateLimits: { rules: Record<string, unknown> } }).rateLimits
        .rules;
      expect(rules["0"], JSON.stringify(rule)).toBeUndefined();
    }
    const before = (await su.settings.getAll()).rateLimits.rules;
    for (const label of ["*:auth", "users:create", "auth", "/api/batch", "/api/", "POST /api/batch"]) {
      const saved = await su.settings.update({
        rateLimits: { rules: [{ label, maxRequests: 9, duration: 9, audience: "@guest" }] },
      });
      expect(saved.rateLimits.rules[0]?.label).toBe(label);
    }
    await su.settings.update({ rateLimits: { rules: before } });
    const err = await expectSdkError(su.settings.update({ rateLimits: { enabled: "yes" } }), 400);
    expect(issueCode(err, "rateLimits", "enabled")).toBe("validation_invalid_value");
  });

  it("validates the failed sign-in limits: whole numbers, 0 turns a lock off, windows of at least 1 s", async () => {
    const bad: [string, unknown][] = [
      ["perIdentity", -1],
      ["perIdentity", 2.5],
      ["perIP", "10"],
      ["perIdentityDuration", 0],
      ["perIPDuration", 604_801],
    ];
    for (const [key, value] of bad) {
      const err = await expectSdkError(su.settings.update({ authFailureLimits: { [key]: value } }), 400);
      expect(issueCode(err, "authFailureLimits", key), `${key}=${value}`).toBe("validation_invalid_value");
    }
    const saved = await su.settings.update({ authFailureLimits: { perIP: 0 } });
    expect(saved.authFailureLimits).toEqual({
      perIdentity: 10,
      perIdentityDuration: 60,
      perIP: 0,
      perIPDuration: 300,
    });
    await su.settings.update({ authFailureLimits: { perIP: 30 } });
  });

  describe("changes reach the rate limiter", () => {
    let second: App | undefined;
    let secondUrl: string;

    beforeAll(async () => {
      // A second node on the same store: it only learns of changes through its settings cache.
      second = await createApp({ ...server.app.services.config, port: 0 });
      secondUrl = await second.listen();
    });
    afterAll(async () => {
      await second?.close();
    });

    /** Whether `/api/health` from a fresh address is refused on its second call. */
    const healthLimited = async (url: string) => {
      const headers = { "x-forwarded-for": uniqueIp() };
      await raw(url, "/api/health", { headers });
      return (await raw(url, "/api/health", { headers })).status === 429;
    };
    async function limitedWithin(url: string, ms: number, expected: boolean): Promise<number> {
      const start = Date.now();
      while ((await healthLimited(url)) !== expected) {
        if (Date.now() - start > ms)
          throw new Error(`limit ${expected ? "on" : "off"} not applied in ${ms} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return Date.now() - start;
    }

    it("on this node at once, on another node within ~2 s", async () => {
      await su.settings.update({
        rateLimits: { enabled: true, rules: [limit("/api/health", 1)] },
        trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false },
      });
      expect(await healthLimited(server.url)).toBe(true);
      expect(await limitedWithin(secondUrl, 3000, true)).toBeLessThanOrEqual(3000);

      await su.settings.update({ rateLimits: { enabled: false } });
      expect(await healthLimited(server.url)).toBe(false);
      expect(await limitedWithin(secondUrl, 3000, false)).toBeLessThanOrEqual(3000);
    });
  });
});
