import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../app/services.js";
import { listAudit } from "../audit/audit-query.js";
import { ApiError } from "../errors/api-error.js";
import { parseListParams } from "../records/list-params.js";
import { storesUnderTest } from "../test-support/server.js";
import { openTestServices } from "../test-support/services.js";
import { SettingsService } from "./settings-service.js";

// The settings service on a real store, without HTTP: what one node stores, another reads.
describe.each(await storesUnderTest())("settings service (%s)", (kind) => {
  let services: Services;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ services, close } = await openTestServices(kind));
  });
  afterAll(async () => {
    await close?.();
  });

  it("stores a partial update with an audit entry; another service on the store reads it", async () => {
    const updated = await services.settings.update({ meta: { appName: "Corner shop" } }, null);
    expect(updated.meta.appName).toBe("Corner shop");
    const otherNode = new SettingsService(services.store);
    expect((await otherNode.get()).meta.appName).toBe("Corner shop");
    const audit = await listAudit(
      services.store.db,
      parseListParams({ filter: `action = "settings.update"` }),
    );
    expect(audit.items[0]?.changes).toEqual(["meta"]);
  });

  it("refuses unknown sections and values of the wrong type with a 400, storing nothing", async () => {
    const before = await services.settings.get();
    for (const patch of [{ nope: {} }, { meta: { appName: 5 } }, { meta: { nope: "x" } }]) {
      const err = await services.settings.update(patch, null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400 });
    }
    expect(await new SettingsService(services.store).get()).toEqual(before);
  });

  it("reads back rate-limit rules an older version stored, even under today's stricter label check", async () => {
    await services.settings.update({ meta: { appName: "Corner shop" } }, null); // the row exists
    const rules = [{ label: "old label!", maxRequests: 5, duration: 60, audience: "" }];
    const stored = {
      ...JSON.parse(JSON.stringify(await services.settings.get())),
      rateLimits: { enabled: true, rules },
    };
    await services.store.db
      .updateTable("_params")
      .set({ value: JSON.stringify(stored) })
      .where("id", "=", "settings")
      .execute();
    expect((await new SettingsService(services.store).get()).rateLimits.rules).toEqual(rules);
    // Saving them again through the API is what the stricter check refuses.
    const err = await services.settings.update({ rateLimits: { rules } }, null).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
  });

  it("two saves at once from two nodes, of different sections, both land", async () => {
    const nodeA = new SettingsService(services.store);
    const nodeB = new SettingsService(services.store);
    // Both nodes have read (and cached) the settings before either saves.
    await Promise.all([nodeA.get(), nodeB.get()]);
    for (let i = 0; i < 5; i++) {
      await Promise.all([
        nodeA.update({ meta: { appName: `Bakery ${i}` } }, null),
        nodeB.update({ logs: { maxDays: 10 + i } }, null),
      ]);
      const stored = await new SettingsService(services.store).get();
      expect({ appName: stored.meta.appName, maxDays: stored.logs.maxDays }).toEqual({
        appName: `Bakery ${i}`,
        maxDays: 10 + i,
      });
    }
  });
});
