import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestServices } from "../test-support/services.js";
import type { FindOptions, HooksAppData } from "./types.js";

// What hooks read through $app-style helpers (findRecordsByFilter and friends): pages by sort,
// limit and offset, with the values a JavaScript hook may pass.
describe("hooks' data helpers page through records", () => {
  let opened: Awaited<ReturnType<typeof openTestServices>>;
  let app: HooksAppData;
  beforeAll(async () => {
    opened = await openTestServices("sqlite");
    await opened.services.collections.create(
      { name: "notes", type: "base", fields: [{ name: "title", type: "text" }] },
      null,
    );
    app = opened.services.hooks.dataApp();
    for (const title of ["n1", "n2", "n3", "n4", "n5"]) await app.createRecord("notes", { title });
  });
  afterAll(async () => {
    await opened?.close();
  });

  const titles = async (options: Record<string, unknown>) =>
    (await app.findRecordsByFilter("notes", "", { sort: "title", ...options } as FindOptions)).map(
      (r) => r.title,
    );

  it("returns the page the limit and offset name", async () => {
    expect(await titles({ limit: 2, offset: 0 })).toEqual(["n1", "n2"]);
    expect(await titles({ limit: 2, offset: 2 })).toEqual(["n3", "n4"]);
    expect(await titles({ limit: 3, offset: 3 })).toEqual(["n4", "n5"]);
  });

  it("takes numbers given as strings, and falls back to the defaults for what is not a number", async () => {
    expect(await titles({ limit: "2", offset: "1" })).toEqual(["n2", "n3"]);
    expect(await titles({ limit: 2.9, offset: 0.5 })).toEqual(["n1", "n2"]);
    expect(await titles({ limit: Number.NaN, offset: "many" })).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(await titles({ limit: -4, offset: -1 })).toEqual(["n1"]);
  });

  it("finds the first match of a filter", async () => {
    expect(await app.findFirstRecordByFilter("notes", "title = {:t}", { t: "n3" })).toMatchObject({
      title: "n3",
    });
    expect(await app.findFirstRecordByFilter("notes", "title = 'none'")).toBeNull();
  });
});
