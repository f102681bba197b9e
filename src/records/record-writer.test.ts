import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../app/services.js";
import type { Collection } from "../collections/model.js";
import { ApiError } from "../errors/api-error.js";
import { recordFiredHooks } from "../hooks/test-support/fired-hooks.js";
import { storesUnderTest } from "../test-support/server.js";
import { openTestServices } from "../test-support/services.js";
import { transactionWithAfterCommit } from "./after-commit.js";
import { SYSTEM_REQUEST, systemContext } from "./request-context.js";

// The model-level write path and reads without HTTP (as PocketBase's core/record_model_test.go):
// the writer and the query on a real store, the consequences of each write in the same transaction.
describe.each(await storesUnderTest())("record writer and query (%s)", (kind) => {
  let services: Services;
  let close: () => Promise<void>;
  let notes: Collection;
  beforeAll(async () => {
    ({ services, close } = await openTestServices(kind));
    notes = await services.collections.create(
      {
        name: "notes",
        type: "base",
        fields: [
          { name: "title", type: "text", required: true },
          { name: "views", type: "number" },
        ],
      },
      null,
    );
  });
  afterAll(async () => {
    await close?.();
  });

  const writerOf = () => services.records.writer;
  const queryOf = () => services.records.query;
  const auditOf = async (recordId: string) =>
    (
      await sql<{
        action: string;
      }>`SELECT action FROM _audit WHERE record_id = ${recordId} ORDER BY created, id`.execute(
        services.store.db,
      )
    ).rows.map((r) => r.action);
  const outboxOf = async (recordId: string) =>
    (
      await sql<{
        action: string;
      }>`SELECT action FROM _outbox WHERE record_id = ${recordId} ORDER BY seq`.execute(services.store.db)
    ).rows.map((r) => r.action);

  it("creates, reads, updates and deletes, each write with its audit entry and outbox event", async () => {
    const created = await writerOf().create(notes, { title: "first", views: "3" }, systemContext());
    expect(created).toMatchObject({ title: "first", views: 3 });
    expect(await queryOf().findOne(notes, created.id)).toMatchObject({ id: created.id, title: "first" });

    const updated = await writerOf().update(notes, created.id, { "views+": 2 }, systemContext());
    expect(updated).toMatchObject({ title: "first", views: 5 });

    const scope = queryOf().scope(notes, SYSTEM_REQUEST);
    const where = queryOf().filterSql(`views >= 5 && title = "first"`, scope);
    expect(await queryOf().count(notes, where)).toBe(1);
    const listed = await queryOf().list(notes, { where, sort: "-created", scope, limit: 10, offset: 0 });
    expect(listed.map((r) => r.id)).toEqual([created.id]);

    await writerOf().delete(notes, created.id, systemContext());
    expect(await queryOf().findOne(notes, created.id)).toBeUndefined();
    expect(await auditOf(created.id)).toEqual(["record.create", "record.update", "record.delete"]);
    expect(await outboxOf(created.id)).toEqual(["create", "update", "delete"]);
  });

  it("reads a created or updated record back from its INSERT or UPDATE (RETURNING), with no SELECT of its own", async () => {
    const onNotes = async <T>(write: () => Promise<T>): Promise<[T, string[]]> => {
      const statements: string[] = [];
      const stop = services.store.queries.listen((q) => {
        if (/"?notes"?/.test(q.sql)) statements.push(q.sql);
      });
      try {
        return [await write(), statements];
      } finally {
        stop();
      }
    };
    const [created, creating] = await onNotes(() =>
      writerOf().create(notes, { title: "returned", views: 7 }, systemContext()),
    );
    expect(creating).toHaveLength(1);
    expect(creating[0]).toMatch(/^INSERT .* RETURNING /);
    // What the write answered is what is stored, server-set values (id, autodates) included.
    expect(created).toMatchObject({ title: "returned", views: 7 });
    expect(await queryOf().findOne(notes, created.id)).toEqual(created);

    const [updated, updating] = await onNotes(() =>
      writerOf().update(notes, created.id, { "views+": 1 }, systemContext()),
    );
    // The current row, read before the change, then the UPDATE that answers the new one.
    expect(updating.map((text) => text.split(" ")[0])).toEqual(["SELECT", "UPDATE"]);
    expect(updating[1]).toMatch(/ RETURNING /);
    expect(updated).toMatchObject({ id: created.id, views: 8 });
    expect(await queryOf().findOne(notes, created.id)).toEqual(updated);
  });

  it("checks create and update rules that read only the row and the request in memory, and rules through relations in the store", async () => {
    const anonymous = { ...systemContext(), superuser: false };
    await services.collections.create(
      {
        name: "guarded",
        type: "base",
        createRule: `title != "forbidden" && @request.body.views != 13`,
        updateRule: `title != "frozen"`,
        fields: [
          { name: "title", type: "text" },
          { name: "views", type: "number" },
        ],
      },
      null,
    );
    await services.collections.create(
      {
        name: "linked",
        type: "base",
        createRule: `note.title = "open"`,
        fields: [{ name: "note", type: "relation", collectionId: notes.id, maxSelect: 1 }],
      },
      null,
    );
    // Definitions as now committed (each schema change replaces the collection objects).
    const current = (name: string) => services.registry.get(name) as Collection;
    const [guarded, linked] = [current("guarded"), current("linked")];
    notes = current("notes");
    const statementsOn = async (table: string, write: () => Promise<unknown>) => {
      const seen: string[] = [];
      const stop = services.store.queries.listen((q) => {
        if (q.sql.includes(`"${table}"`) || q.sql.includes(` ${table} `))
          seen.push(q.sql.split(" ")[0] as string);
      });
      try {
        await write().catch((err: unknown) => seen.push(`failed ${(err as ApiError).status}`));
      } finally {
        stop();
      }
      return seen;
    };
    const countOf = async (collection: Collection) => queryOf().count(collection, queryOf().and([]));

    let id = "";
    expect(
      await statementsOn("guarded", async () => {
        id = (await writerOf().create(guarded, { title: "fine" }, anonymous)).id;
      }),
    ).toEqual(["INSERT"]);
    expect(
      await statementsOn("guarded", () => writerOf().create(guarded, { title: "forbidden" }, anonymous)),
    ).toEqual(["INSERT", "failed 400"]);
    expect(await statementsOn("guarded", () => writerOf().create(guarded, { views: 13 }, anonymous))).toEqual(
      ["INSERT", "failed 400"],
    );
    expect(await countOf(guarded)).toBe(1);

    expect(
      await statementsOn("guarded", () => writerOf().update(guarded, id, { title: "frozen" }, anonymous)),
    ).toEqual(["SELECT", "UPDATE"]);
    expect(
      await statementsOn("guarded", () => writerOf().update(guarded, id, { title: "again" }, anonymous)),
    ).toEqual(["SELECT", "failed 404"]);
    expect(await queryOf().findOne(guarded, id)).toMatchObject({ title: "frozen" });

    const open = await writerOf().create(notes, { title: "open" }, systemContext());
    const shut = await writerOf().create(notes, { title: "shut" }, systemContext());
    const throughRelation = await statementsOn("linked", () =>
      writerOf().create(linked, { note: open.id }, anonymous),
    );
    expect(throughRelation).toEqual(["INSERT", "SELECT"]);
    expect(
      await statementsOn("linked", () => writerOf().create(linked, { note: shut.id }, anonymous)),
    ).toEqual(["INSERT", "SELECT", "failed 400"]);
    expect(await countOf(linked)).toBe(1);
  });

  it("writes a change's audit entry and outbox event in one statement on PostgreSQL (one round trip)", async () => {
    const statements: string[] = [];
    const stop = services.store.queries.listen((q) => {
      if (/"?_(audit|outbox)"?/.test(q.sql)) statements.push(q.sql);
    });
    let id: string;
    try {
      id = (await writerOf().create(notes, { title: "one trip" }, systemContext())).id;
    } finally {
      stop();
    }
    expect(statements.length).toBe(kind === "postgres" ? 1 : 2);
    expect(await auditOf(id)).toEqual(["record.create"]);
    expect(await outboxOf(id)).toEqual(["create"]);
  });

  it("reads a page with its size written into the statement and its offset bound", async () => {
    for (const title of ["p1", "p2", "p3", "p4", "p5"])
      await writerOf().create(notes, { title, views: 1000 }, systemContext());
    const where = queryOf().filterSql("views = 1000", queryOf().scope(notes, SYSTEM_REQUEST));
    const texts: string[] = [];
    const stop = services.store.queries.listen((q) => {
      if (q.sql.startsWith("SELECT") && q.sql.includes("notes")) texts.push(q.sql);
    });
    const page = (limit: number, offset: number) =>
      queryOf().list(notes, {
        where,
        sort: "title",
        scope: queryOf().scope(notes, SYSTEM_REQUEST),
        limit,
        offset,
      });
    let first: string[];
    let second: string[];
    let third: string[];
    try {
      first = (await page(2, 0)).map((r) => r.title as string);
      second = (await page(2, 2)).map((r) => r.title as string);
      third = (await page(3, 3)).map((r) => r.title as string);
    } finally {
      stop();
    }
    expect([first, second, third]).toEqual([
      ["p1", "p2"],
      ["p3", "p4"],
      ["p4", "p5"],
    ]);
    expect(texts.map((text) => /LIMIT (\S+) OFFSET (\S+)$/.exec(text)?.[1])).toEqual(["2", "2", "3"]);
    // The offset stays a parameter: one statement serves every page of a size.
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).not.toMatch(/OFFSET \d/);
    await expect(page(Number.NaN, 0)).rejects.toThrow(TypeError);
    await expect(page(1.5, 0)).rejects.toThrow(TypeError);
  });

  it("refuses invalid input with a 400 and per-field codes, leaving no row, audit entry or event", async () => {
    const before = await queryOf().count(notes, queryOf().and([]));
    const err = await writerOf()
      .create(notes, { views: 1 }, systemContext())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, data: { title: { code: "validation_required" } } });
    expect(await queryOf().count(notes, queryOf().and([]))).toBe(before);
  });

  it("writes in a caller's transaction commit or roll back together", async () => {
    const ids: string[] = [];
    await expect(
      transactionWithAfterCommit(services.store, async (tx) => {
        ids.push((await writerOf().create(notes, { title: "a" }, systemContext(), { db: tx })).id);
        ids.push((await writerOf().create(notes, { title: "b" }, systemContext(), { db: tx })).id);
        throw new Error("rolled back on purpose");
      }),
    ).rejects.toThrow("rolled back on purpose");
    for (const id of ids) {
      expect(await queryOf().findOne(notes, id)).toBeUndefined();
      expect(await auditOf(id)).toEqual([]);
      expect(await outboxOf(id)).toEqual([]);
    }
  });

  it("fires the model hooks of each write in PocketBase's order (fired-hooks recorder)", async () => {
    const hooks = recordFiredHooks(services.hooks);
    try {
      const r = await writerOf().create(notes, { title: "hooked" }, systemContext());
      expect(hooks.fired).toEqual(["recordCreate", "recordValidate", "recordAfterCreateSuccess"]);
      hooks.reset();
      await writerOf()
        .update(notes, r.id, { title: "" }, systemContext())
        .catch(() => {});
      expect(hooks.fired).toEqual(["recordUpdate", "recordValidate", "recordAfterUpdateError"]);
      hooks.reset();
      await writerOf().delete(notes, r.id, systemContext());
      expect(hooks.counts()).toEqual({ recordDelete: 1, recordAfterDeleteSuccess: 1 });
    } finally {
      hooks.stop();
    }
  });
});
