/**
 * A client's filter or sort sees through relations only the rows the requester may list (the
 * target's listRule for the same request); collection rules see every row. Worked-out results on
 * SQLite, PostgreSQL and the in-memory evaluator.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../errors/api-error.js";
import { compileFilter, compileSort, parseFilter } from "./index.js";
import type { RequestInfo, RuleScope } from "./scope.js";
import { type Catalogue, catalogue } from "./test-support/collections.js";
import { loadDataset, openPostgres, openSqlite, selectIds, type TestDb } from "./test-support/databases.js";
import { FIXED } from "./test-support/fixed-data.js";
import { authAs, evaluateIds, request, scopeFor } from "./test-support/harness.js";

const dbs: TestDb[] = [];

beforeAll(async () => {
  dbs.push(await openSqlite());
  const pg = await openPostgres();
  if (pg) dbs.push(pg);
  else if (process.env.CI === "true") throw new Error("PostgreSQL is unreachable (CI=true)");
  else console.warn("PostgreSQL unreachable: visibility tests run on SQLite only");
  for (const db of dbs) await loadDataset(db, FIXED);
});

afterAll(async () => {
  for (const db of dbs) await db.close();
});

/**
 * FIXED: posts p1 (Ann, tags g1 g2), p2 (bob, g3), p3 (no author), p4 (Ann, g1); comments c1 (p1,
 * by bob, "great"), c2 (p1, by Ann, "meh"), c3 (p2, by Ann, "Great!"); Ann (u1) is in team t1
 * "Red", bob (u2) in t2 "Blue".
 */
const RULES = catalogue({
  // Each user lists only themselves (PocketBase's default for `users`).
  users: { listRule: "id = @request.auth.id" },
  // Superusers only.
  tags: { listRule: null },
  // Only team t2 ("Blue").
  teams: { listRule: 'id = "t2"' },
  // A rule that itself goes through relations (post → author, users being guarded for clients):
  // inside a rule those steps see every row, so c1 and c2 (on Ann's post p1) are public.
  comments: { listRule: 'author = @request.auth.id || post.author.name = "Ann"' },
});

const guest = () => request();
const ann = () => request({ auth: authAs(FIXED, "u1") });
const bob = () => request({ auth: authAs(FIXED, "u2") });
const superuser = () => request({ isSuperuser: true });
const keyFor =
  (...names: string[]) =>
  () =>
    request({ isSuperuser: true, apiKey: { id: names.join("+"), mayList: (c) => names.includes(c.name) } });

async function ids(cat: Catalogue, filter: string, req: RequestInfo, extra: Partial<RuleScope> = {}) {
  const scope = scopeFor(cat.get("posts"), req, { getCollection: cat.getCollection, ...extra });
  const expected = evaluateIds(filter, scope, FIXED);
  for (const db of dbs) {
    const got = await selectIds(
      db,
      scope.collection,
      compileFilter(parseFilter(filter), scope, db.frags, "r"),
    );
    expect(got, `${db.name} vs evaluator`).toEqual(expected);
  }
  return expected;
}

describe("a client's filter steps only into rows the requester may list", () => {
  it.each([
    // users: each user sees only their own record through `author`.
    ['author.name = "Ann"', "guest", guest, []],
    ['author.name = "Ann"', "Ann", ann, ["p1", "p4"]],
    ['author.name = "Ann"', "bob", bob, []],
    ['author.name = "bob"', "bob", bob, ["p2"]],
    ['author.name = "Ann"', "a superuser", superuser, ["p1", "p4"]],
    // A row the filter may not see reads as missing: the same as a post without author.
    ['author.name = ""', "guest", guest, ["p1", "p2", "p3", "p4"]],
    ['author.name = ""', "Ann", ann, ["p2", "p3"]],
    // tags: superusers only.
    ['tags.name ?= "news"', "guest", guest, []],
    ['tags.name ?= "news"', "Ann", ann, []],
    ["tags:length = 2", "Ann", ann, ["p1"]],
    ['tags.name ?= "news"', "a superuser", superuser, ["p1", "p4"]],
    // Back-relations: the comments rule goes through relations of its own.
    ['comments_via_post.message ?~ "great"', "guest", guest, ["p1"]],
    ['comments_via_post.message ?~ "great"', "Ann", ann, ["p1", "p2"]],
    ['comments_via_post.message ?~ "great"', "bob", bob, ["p1"]],
    // Two steps: comment → author (users) is guarded too, per step.
    ['comments_via_post.author.name ?= "bob"', "bob", bob, ["p1"]],
    ['comments_via_post.author.name ?= "bob"', "Ann", ann, []],
    // @collection: a shared row, a scan ("every row"), and no visible row (one empty row).
    ['@collection.comments.message ?= "Great!"', "guest", guest, []],
    ['@collection.comments.message ?= "Great!"', "Ann", ann, ["p1", "p2", "p3", "p4"]],
    ["@collection.comments.votes > 0", "guest", guest, []],
    ["@collection.comments.votes >= -1", "guest", guest, ["p1", "p2", "p3", "p4"]],
    ['@collection.tags.name ?= "news"', "guest", guest, []],
    ['@collection.tags.name = ""', "guest", guest, ["p1", "p2", "p3", "p4"]],
    // From the auth record through a relation: Ann's team t1 is not listable.
    ['@request.auth.team.name = "Red"', "Ann", ann, []],
    ['@request.auth.team.name = "Blue"', "bob", bob, ["p1", "p2", "p3", "p4"]],
    // An API key sees what its scopes may list, all of it; nothing of the rest.
    ['author.name = "Ann"', "a key for users", keyFor("users"), ["p1", "p4"]],
    ['tags.name ?= "news"', "a key for users", keyFor("users"), []],
    ['tags.name ?= "news"', "a key for tags, users", keyFor("tags", "users"), ["p1", "p4"]],
  ] as const)("%s, as %s", async (filter, _who, req, expected) => {
    expect(await ids(RULES, filter, req())).toEqual(expected);
  });

  it("collection rules keep their meaning: every row is seen", async () => {
    const rule = { source: "rule" } as const;
    expect(await ids(RULES, 'author.name = "Ann"', guest(), rule)).toEqual(["p1", "p4"]);
    expect(await ids(RULES, 'tags.name ?= "news"', guest(), rule)).toEqual(["p1", "p4"]);
    expect(await ids(RULES, '@collection.comments.message ?= "Great!"', guest(), rule)).toEqual([
      "p1",
      "p2",
      "p3",
      "p4",
    ]);
  });

  it('filterThroughRelations: "open" restores every row of that collection (hidden fields stay refused)', async () => {
    const open = catalogue({
      users: { listRule: "id = @request.auth.id", filterThroughRelations: "open" },
      tags: { listRule: null, filterThroughRelations: "open" },
    });
    expect(await ids(open, 'author.name = "Ann"', guest())).toEqual(["p1", "p4"]);
    expect(await ids(open, 'tags.name ?= "news"', guest())).toEqual(["p1", "p4"]);
    expect(() =>
      compileFilter(
        parseFilter('author.password = "h1"'),
        scopeFor(open.get("posts"), guest(), { getCollection: open.getCollection }),
        dbs[0]!.frags,
        "r",
      ),
    ).toThrow(/hidden/);
  });

  it("the target's rule reads the same request: auth fields, body, query and headers", async () => {
    const byHeader = catalogue({ users: { listRule: '@request.headers.x_team = team && team != ""' } });
    const red = request({ headers: { "X-Team": "t1" } });
    expect(await ids(byHeader, 'author.name = "Ann"', red)).toEqual(["p1", "p4"]);
    expect(await ids(byHeader, 'author.name = "Ann"', guest())).toEqual([]);
  });

  it("bounds the rule conditions one filter pulls in (each step repeats the target's rule in the SQL)", async () => {
    // 100 comparisons: each user lists only themselves (and no one aged 5, 15, 25…).
    const bigRule = [
      ...Array.from({ length: 99 }, (_, i) => `age != ${10 * i + 5}`),
      "id = @request.auth.id",
    ].join(" && ");
    const big = catalogue({ users: { listRule: bigRule } });
    const scope = (source: "client" | "rule") =>
      scopeFor(big.get("posts"), ann(), { getCollection: big.getCollection, source });
    const filter = 'author.name = "Ann" && author.name != "b" && author.name != "c" && author.name != "d"';
    // Three steps are 300 comparisons of that rule: allowed; the fourth step is one too many.
    const three = filter.split(" && ").slice(0, 3).join(" && ");
    expect(await ids(big, three, ann())).toEqual(["p1", "p4"]);
    let error: unknown;
    try {
      compileFilter(parseFilter(filter), scope("client"), dbs[0]!.frags, "r");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toMatch(/too many steps into collections/);
    expect((error as ApiError).message).not.toMatch(/age/);
    // A collection rule of the same shape sees every row: nothing is repeated, nothing refused.
    expect(() => compileFilter(parseFilter(filter), scope("rule"), dbs[0]!.frags, "r")).not.toThrow();
  });

  it("a broken target rule hides the rows instead of describing that rule", async () => {
    const broken = catalogue({ users: { listRule: "nosuchfield = 1" } });
    expect(await ids(broken, 'author.name = "Ann"', ann())).toEqual([]);
  });
});

describe("compiled filters are reused only for requesters that get the same answer", () => {
  // Without `now` in the scope, compilations are cached: these run on the cache's real keys.
  const scope = (cat: Catalogue, req: RequestInfo): RuleScope => ({
    collection: cat.get("posts"),
    getCollection: cat.getCollection,
    request: req,
  });
  const run = async (cat: Catalogue, filter: string, req: RequestInfo) => {
    const out: string[][] = [];
    for (const db of dbs) {
      const where = compileFilter(parseFilter(filter), scope(cat, req), db.frags, "r");
      out.push(await selectIds(db, cat.get("posts"), where));
    }
    expect(new Set(out.map((o) => JSON.stringify(o))).size).toBe(1);
    return out[0];
  };

  it("per principal", async () => {
    const cat = catalogue({ users: { listRule: "id = @request.auth.id" } });
    const filter = 'author.name != "" && id != "cache-1"';
    expect(await run(cat, filter, ann())).toEqual(["p1", "p4"]);
    expect(await run(cat, filter, bob())).toEqual(["p2"]);
    expect(await run(cat, filter, guest())).toEqual([]);
    expect(await run(cat, filter, keyFor("users")())).toEqual(["p1", "p2", "p4"]);
    expect(await run(cat, filter, keyFor("tags")())).toEqual([]);
    expect(await run(cat, filter, ann())).toEqual(["p1", "p4"]);
  });

  it("per value of the auth fields the target's rule reads", async () => {
    const cat = catalogue({ teams: { listRule: "@request.auth.age >= 18" } });
    const filter = 'author.team.name = "Red" && id != "cache-2"';
    const adult = request({ auth: authAs(FIXED, "u1") });
    const minor = request({ auth: { ...authAs(FIXED, "u1"), age: 10 } as RequestInfo["auth"] });
    expect(await run(cat, filter, adult)).toEqual(["p1", "p4"]);
    expect(await run(cat, filter, minor)).toEqual([]);
    expect(await run(cat, filter, adult)).toEqual(["p1", "p4"]);
  });

  it("per request when the target's rule reads request data", async () => {
    const cat = catalogue({ users: { listRule: "@request.query.who = id" } });
    const filter = 'author.name != "" && id != "cache-3"';
    expect(await run(cat, filter, request({ query: { who: "u2" } }))).toEqual(["p2"]);
    expect(await run(cat, filter, request({ query: { who: "u1" } }))).toEqual(["p1", "p4"]);
  });

  it("sorts through a relation per requester", async () => {
    const cat = catalogue({ users: { listRule: "id = @request.auth.id" } });
    const order = async (req: RequestInfo) => {
      const out: string[][] = [];
      for (const db of dbs) {
        const terms = compileSort("author.name,-id", scope(cat, req), db.frags, "r");
        const rows = await sql<{
          id: string;
        }>`SELECT r.id FROM posts AS r ORDER BY ${sql.join(terms)}`.execute(db.db);
        out.push(rows.rows.map((r) => r.id));
      }
      expect(new Set(out.map((o) => JSON.stringify(o))).size).toBe(1);
      return out[0];
    };
    // Hidden authors sort as missing ones (""), so a guest's order is by -id alone.
    expect(await order(guest())).toEqual(["p4", "p3", "p2", "p1"]);
    // bob sees his own name only: "" < "bob".
    expect(await order(bob())).toEqual(["p4", "p3", "p1", "p2"]);
    expect(await order(superuser())).toEqual(["p3", "p4", "p1", "p2"]);
    expect(await order(guest())).toEqual(["p4", "p3", "p2", "p1"]);
  });
});
