import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../app/services.js";
import { ApiError } from "../errors/api-error.js";
import { parseListParams } from "../records/list-params.js";
import { storesUnderTest } from "../test-support/server.js";
import { openTestServices } from "../test-support/services.js";
import { writeAudit } from "./audit-entry.js";
import { listAudit } from "./audit-query.js";

describe.each(await storesUnderTest())("audit log query (%s)", (kind) => {
  let services: Services;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ services, close } = await openTestServices(kind));
    await services.store.transaction(async (tx) => {
      for (const [action, collectionName, recordId] of [
        ["record.create", "posts", "p1"],
        ["record.update", "posts", "p1"],
        ["record.create", "tags", "t1"],
      ] as const) {
        await writeAudit(tx, {
          action,
          collectionName,
          recordId,
          actor: { collectionName: "users", id: "u1" },
        });
        // Distinct timestamps, so the order is the order written.
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
  afterAll(async () => {
    await close?.();
  });

  const list = (query: Record<string, string>) => listAudit(services.store.db, parseListParams(query));

  it("filters by exact values joined by &&, newest first, with changes parsed", async () => {
    const page = await list({ filter: `collectionName = "posts" && actorId = 'u1'` });
    expect(page.totalItems).toBe(2);
    expect(page.items.map((i) => i.action)).toEqual(["record.update", "record.create"]);
    expect(page.items[0]).toMatchObject({
      collectionName: "posts",
      recordId: "p1",
      actorCollection: "users",
    });
    expect(page.items[0]?.changes).toEqual([]);
  });

  it("sorts oldest first with sort=created, pages, and skips the count with skipTotal", async () => {
    const first = await list({ filter: `actorId = "u1"`, sort: "created", perPage: "2" });
    expect(first).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(first.items.map((i) => i.recordId)).toEqual(["p1", "p1"]);
    const second = await list({
      filter: `actorId = "u1"`,
      sort: "created",
      perPage: "2",
      page: "2",
      skipTotal: "1",
    });
    expect(second).toMatchObject({ totalItems: -1, totalPages: -1 });
    expect(second.items.map((i) => i.recordId)).toEqual(["t1"]);
  });

  it.each(["nope = 'x'", "action ~ 'x'", "action = x", "changes = 'x'"])(
    "refuses %s with a 400 naming the grammar",
    async (filter) => {
      const err = await list({ filter }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400 });
      expect((err as ApiError).message).toMatch(/^Invalid audit filter/);
    },
  );

  it("binds values: a quote inside a value matches nothing instead of ending the string", async () => {
    const page = await list({ filter: `action = "x' OR '1'='1"` });
    expect(page.totalItems).toBe(0);
  });
});
