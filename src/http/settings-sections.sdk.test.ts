import type PocketBase from "pocketbase";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode } from "../test-support/api.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { clientFrom, limit, uniqueIp } from "./rate-limit/rate-limit-test-clients.js";

/** The top-level keys of PocketBase v0.39's settings (`core/settings_model.go`). */
const POCKETBASE_SECTIONS = [
  "superuserIPs",
  "smtp",
  "backups",
  "s3",
  "meta",
  "rateLimits",
  "trustedProxy",
  "batch",
  "logs",
];

describe.each(await storesUnderTest())("settings sections as PocketBase v0.39 (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterEach(async () => {
    // Whatever a test locked, the next one starts open.
    await server.app.services.settings.update(
      { superuserIPs: [], trustedProxy: { headers: [], useLeftmostIP: false } },
      null,
    );
  });
  afterAll(() => server?.close());

  it("answers every section PocketBase has, with its keys", async () => {
    const all = await su.settings.getAll();
    expect(Object.keys(all)).toEqual(expect.arrayContaining(POCKETBASE_SECTIONS));
    expect(all.superuserIPs).toEqual([]);
    expect(Object.keys(all.meta).sort()).toEqual(
      ["accentColor", "appName", "appURL", "hideControls", "senderAddress", "senderName"].sort(),
    );
    expect(Object.keys(all.rateLimits).sort()).toEqual(["enabled", "excludedIPs", "rules"]);
    expect(Object.keys(all.logs).sort()).toEqual(["logAuthId", "logIP", "maxDays", "minLevel"]);
    expect(Object.keys(all.backups).sort()).toEqual(["cron", "cronMaxKeep", "s3"]);
    expect(Object.keys(all.batch).sort()).toEqual(["enabled", "maxBodySize", "maxRequests", "timeout"]);
  });

  it("stores and returns what PocketBase's dashboard saves: the whole document back, new keys set", async () => {
    const all = await su.settings.getAll();
    const saved = await su.settings.update({
      ...all,
      superuserIPs: ["127.0.0.1", "::1", "10.0.0.0/8"],
      meta: { ...all.meta, accentColor: "#ff7700", hideControls: true },
      rateLimits: { ...all.rateLimits, excludedIPs: ["192.168.0.0/16"] },
      logs: { ...all.logs, logIP: false, logAuthId: true, maxDays: 7 },
      batch: { ...all.batch, maxRequests: 20 },
      backups: { ...all.backups, cron: "0 3 * * *", cronMaxKeep: 5 },
    });
    for (const read of [saved, await su.settings.getAll()]) {
      expect(read.superuserIPs).toEqual(["127.0.0.1", "::1", "10.0.0.0/8"]);
      expect(read.meta).toMatchObject({ accentColor: "#ff7700", hideControls: true });
      expect(read.rateLimits.excludedIPs).toEqual(["192.168.0.0/16"]);
      expect(read.logs).toMatchObject({ logIP: false, logAuthId: true, maxDays: 7 });
      expect(read.batch.maxRequests).toBe(20);
      expect(read.backups).toMatchObject({ cron: "0 3 * * *", cronMaxKeep: 5 });
    }
  });

  it("validates the new keys as PocketBase does, each problem at its place", async () => {
    const err = await expectSdkError(
      su.settings.update({
        superuserIPs: ["10.0.0.1", "nope", "10.0.0.0/33", ""],
        meta: { accentColor: "orange", appName: "", senderAddress: "not-an-email" },
        rateLimits: { excludedIPs: ["1.2.3"] },
      }),
      400,
    );
    expect(issueCode(err, "superuserIPs", "0")).toBeUndefined();
    expect(issueCode(err, "superuserIPs", "1")).toBe("validation_invalid_ip");
    expect(issueCode(err, "superuserIPs", "2")).toBe("validation_invalid_ip");
    expect(issueCode(err, "superuserIPs", "3")).toBe("validation_required");
    expect(issueCode(err, "meta", "accentColor")).toBe("validation_is_hex_color");
    expect(issueCode(err, "meta", "appName")).toBe("validation_required");
    expect(issueCode(err, "meta", "senderAddress")).toBe("validation_is_email");
    expect(issueCode(err, "rateLimits", "excludedIPs", "0")).toBe("validation_invalid_ip");
    await expectSdkError(su.settings.update({ superuserIPs: "127.0.0.1" }), 400);
    expect((await su.settings.getAll()).superuserIPs).toEqual([]);
  });

  it("superuserIPs: a superuser elsewhere is refused (its token and its sign-in); users are not", async () => {
    const inside = "198.51.100.7";
    const outside = uniqueIp();
    await su.settings.update({
      superuserIPs: ["198.51.100.0/24"],
      trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false },
    });
    const token = su.authStore.token;
    await expectSdkError(clientFrom(server.url, outside, token).settings.getAll(), 403);
    await expectSdkError(
      clientFrom(server.url, outside)
        .collection("_superusers")
        .authWithPassword(SUPERUSER.email, SUPERUSER.password),
      403,
    );
    expect((await clientFrom(server.url, inside, token).settings.getAll()).superuserIPs).toEqual([
      "198.51.100.0/24",
    ]);
    const signedIn = await clientFrom(server.url, inside)
      .collection("_superusers")
      .authWithPassword(SUPERUSER.email, SUPERUSER.password);
    expect(signedIn.token).toBeTruthy();
    // Not a superuser: the list doesn't apply.
    const users = await clientFrom(server.url, outside).collection("users").getList(1, 1);
    expect(users.page).toBe(1);
  });

  it("rateLimits.excludedIPs: requests from a listed address are never limited", async () => {
    const excluded = "192.0.2.10";
    await su.settings.update({
      rateLimits: { enabled: true, rules: [limit("/api/health", 1)], excludedIPs: ["192.0.2.0/28"] },
      trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false },
    });
    try {
      const statuses = async (ip: string) => {
        const out: number[] = [];
        for (let i = 0; i < 3; i++)
          out.push((await fetch(`${server.url}/api/health`, { headers: { "x-forwarded-for": ip } })).status);
        return out;
      };
      expect(await statuses(excluded)).toEqual([200, 200, 200]);
      expect(await statuses(uniqueIp())).toEqual([200, 429, 429]);
    } finally {
      await su.settings.update({ rateLimits: { enabled: false, excludedIPs: [] } });
    }
  });
});
