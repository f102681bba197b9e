import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../errors/api-error.js";
import { compileFilter, compileSort, needsData, parseFilter } from "./index.js";
import type { RequestInfo, RuleScope } from "./scope.js";
import { comments, posts } from "./test-support/collections.js";
import { loadDataset, openPostgres, openSqlite, type TestDb } from "./test-support/databases.js";
import { FIXED } from "./test-support/fixed-data.js";
import { authAs, evaluateIds, queryIds, request, scopeFor } from "./test-support/harness.js";

const dbs: TestDb[] = [];
let pgMissing = false;

beforeAll(async () => {
  const sqlite = await openSqlite();
  dbs.push(sqlite);
  const pg = await openPostgres();
  if (pg) dbs.push(pg);
  else if (process.env.CI === "true") throw new Error("PostgreSQL is unreachable (CI=true)");
  else {
    pgMissing = true;
    console.warn("PostgreSQL unreachable: rules SQL tests run on SQLite only");
  }
  for (const db of dbs) await loadDataset(db, FIXED);
});

afterAll(async () => {
  for (const db of dbs) await db.close();
});

const asAnn = () => request({ auth: authAs(FIXED, "u1") });

interface Case {
  filter: string;
  expected: string[];
  req?: () => RequestInfo;
  extra?: Partial<RuleScope>;
}

const POST_CASES: Case[] = [
  { filter: 'title = "Hello World"', expected: ["p1"] },
  { filter: 'title != ""', expected: ["p1", "p2", "p4"] },
  { filter: "title = null", expected: ["p3"] },
  { filter: "title != null", expected: ["p1", "p2", "p4"] },
  { filter: "views > 0", expected: ["p1", "p4"] },
  { filter: "views >= -2.5 && views < 10", expected: ["p2", "p3"] },
  { filter: "views = null", expected: ["p3"] },
  { filter: 'views = "10"', expected: ["p1"] },
  { filter: "views <= -2.5", expected: ["p2"] },
  { filter: "active = true", expected: ["p1", "p4"] },
  { filter: 'active = "true"', expected: ["p1", "p4"] },
  { filter: "active = 1", expected: ["p1", "p4"] },
  { filter: "active = null", expected: ["p2", "p3"] },
  { filter: "active = views", expected: ["p3"] },
  { filter: 'title ~ "world"', expected: ["p1"] },
  { filter: 'title ~ "100%"', expected: [] },
  { filter: 'title ~ "%100%"', expected: ["p2"] },
  { filter: 'title ~ "d_p"', expected: ["p2"] },
  { filter: 'title ~ "dxp"', expected: [] },
  { filter: 'title !~ "o"', expected: ["p3"] },
  { filter: 'title ~ "ünï"', expected: [] },
  { filter: 'title ~ "Ünï"', expected: ["p4"] },
  { filter: 'title > "S"', expected: ["p2", "p4"] },
  { filter: 'title < "😀"', expected: ["p1", "p2", "p3", "p4"] },
  { filter: 'title:lower = "hello world"', expected: ["p1"] },
  { filter: 'labels ?= "a"', expected: ["p1", "p4"] },
  { filter: 'labels = "a"', expected: ["p4"] },
  { filter: 'labels:each = "a"', expected: ["p4"] },
  { filter: 'labels != "a"', expected: ["p2", "p3"] },
  { filter: 'labels ?!= "a"', expected: ["p1", "p2", "p3"] },
  { filter: "labels:length = 0", expected: ["p2"] },
  { filter: "labels:length > 1", expected: ["p1"] },
  { filter: 'author.name = "Ann"', expected: ["p1", "p4"] },
  { filter: 'author.name = ""', expected: ["p3"] },
  { filter: 'author.team.name = "Blue"', expected: ["p2"] },
  { filter: 'tags.name ?= "news"', expected: ["p1", "p4"] },
  { filter: 'tags.name = "news"', expected: ["p4"] },
  { filter: 'tags.name ?~ "TECH"', expected: ["p1"] },
  { filter: "tags.weight ?> 2", expected: ["p1"] },
  { filter: "tags.weight < 0", expected: ["p2"] },
  { filter: "tags:length = 2", expected: ["p1"] },
  { filter: 'comments_via_post.message ?~ "great"', expected: ["p1", "p2"] },
  { filter: "comments_via_post.votes > 0", expected: [] },
  { filter: "comments_via_post.votes >= 0", expected: ["p2", "p3", "p4"] },
  { filter: 'comments_via_post.author.name ?= "bob"', expected: ["p1"] },
  { filter: "meta.a.b = 1", expected: ["p1"] },
  { filter: 'meta.s = "x"', expected: ["p1"] },
  { filter: "meta.s = null", expected: ["p2", "p3"] },
  { filter: "meta.n = null", expected: ["p1", "p2", "p3"] },
  { filter: "meta.n > 1", expected: ["p4"] },
  { filter: "meta.b = true", expected: ["p3"] },
  { filter: "meta.list.1 = 2", expected: ["p1"] },
  { filter: "meta = null", expected: ["p2"] },
  { filter: 'meta.s ~ "y"', expected: ["p4"] },
  { filter: "meta.s = title", expected: ["p3"] },
  { filter: "@request.auth.id = author", expected: ["p1", "p4"], req: asAnn },
  { filter: "author = @request.auth.id && active = true", expected: ["p1", "p4"], req: asAnn },
  { filter: "author = @request.auth.id", expected: ["p3"] },
  { filter: '@request.auth.name = "Ann"', expected: ["p1", "p2", "p3", "p4"], req: asAnn },
  { filter: '@request.auth.team.name = "Red"', expected: ["p1", "p2", "p3", "p4"], req: asAnn },
  { filter: '@request.auth.team.name = "Blue"', expected: [], req: asAnn },
  { filter: '@request.auth.collectionName = "users"', expected: ["p1", "p2", "p3", "p4"], req: asAnn },
  { filter: '@request.auth.id != ""', expected: [] },
  { filter: '@collection.tags.weight ?> 2 && title != ""', expected: ["p1", "p2", "p4"] },
  { filter: "@collection.comments.post ?= id && @collection.comments.votes ?> 0", expected: ["p1"] },
  {
    filter: "@collection.comments:a.post ?= id && @collection.comments:b.votes ?> 0",
    expected: ["p1", "p2"],
  },
  { filter: "@collection.users.age > 0", expected: [] },
  { filter: "@collection.users.age >= 0", expected: ["p1", "p2", "p3", "p4"] },
  { filter: "strftime('%Y', published) = \"2024\"", expected: ["p1", "p4"] },
  { filter: "strftime('%j', published) = \"060\"", expected: ["p4"] },
  { filter: "strftime('%W', published) = \"01\"", expected: ["p1"] },
  { filter: "strftime('%s', published) = \"1704448800\"", expected: ["p1"] },
  {
    filter: "strftime('%Y-%m-%d %H:%M:%f', published, '+1 days') = \"2024-01-01 23:59:59.999\"",
    expected: ["p2"],
  },
  { filter: "strftime('%d|%w', published, 'start of month') = \"01|4\"", expected: ["p4"] },
  { filter: "strftime('%Y', published) = \"\"", expected: ["p3"] },
  { filter: "geoDistance(loc.lon, loc.lat, 2.35, 48.85) < 1", expected: ["p1"] },
  { filter: "geoDistance(loc.lon, loc.lat, 2.35, 48.85) < 400", expected: ["p1", "p4"] },
  { filter: 'status = "a" || status = "b" && views < 0', expected: ["p1", "p2", "p4"] },
  { filter: '(status = "a" || status = "b") && views < 5', expected: ["p2"] },
  { filter: "published >= @yearStart", expected: ["p1", "p4"] },
  { filter: "@now > published", expected: ["p1", "p2", "p3", "p4"] },
  {
    filter: "@month = 3 && @year = 2024 && @day = 1 && @hour = 8 && @weekday = 5",
    expected: ["p1", "p2", "p3", "p4"],
  },
  {
    filter: "@request.body.title = title",
    expected: ["p1"],
    req: () => request({ body: { title: "Hello World" } }),
  },
  { filter: "@request.body.views < views", expected: ["p4"], req: () => request({ body: { views: "11" } }) },
  // `@request.body.<relation>.<field>` reads the record(s) the body names (PocketBase does too).
  {
    filter: "@request.body.author.name = author.name",
    expected: ["p1", "p4"],
    req: () => request({ body: { author: "u1" } }),
  },
  {
    filter: '@request.body.author.team.name = "Blue"',
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ body: { author: "u2" } }),
  },
  { filter: '@request.body.author.name = ""', expected: ["p1", "p2", "p3", "p4"] },
  {
    filter: '@request.body.tags.name ?= "Tech" && @request.body.tags.weight > 0',
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ body: { tags: ["g1", "g2"] } }),
  },
  {
    filter: '@request.body.tags.name = "news"',
    expected: [],
    req: () => request({ body: { tags: ["g1", "g2"] } }),
  },
  {
    filter: "@request.body.labels:length = 2",
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ body: { labels: ["a", "b"] } }),
  },
  {
    filter: "@request.body.labels ?= status",
    expected: ["p1", "p2", "p4"],
    req: () => request({ body: { labels: ["a", "b"] } }),
  },
  {
    filter: '@request.body.labels:each ~ "a"',
    expected: [],
    req: () => request({ body: { labels: ["a", "b"] } }),
  },
  {
    filter: "@request.body.title:isset = true",
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ body: { title: "" } }),
  },
  { filter: "@request.body.title:isset = true", expected: [] },
  {
    filter: '@request.query.q = "1"',
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ query: { q: "1" } }),
  },
  {
    filter: '@request.headers.x_token = "abc"',
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ headers: { "X-Token": "abc" } }),
  },
  { filter: '@request.method = "GET" && @request.context = "default"', expected: ["p1", "p2", "p3", "p4"] },
  {
    filter: "@request.body.title:changed = true",
    expected: [],
    req: () => request({ body: { title: "Hello World" } }),
    extra: { current: { title: "Hello World" } },
  },
  {
    filter: "@request.body.title:changed = true",
    expected: ["p1", "p2", "p3", "p4"],
    req: () => request({ body: { title: "x" } }),
    extra: { current: { title: "Hello World" } },
  },
  { filter: 'author.email = "ann@x.io"', expected: ["p1", "p4"], req: asAnn },
  { filter: 'author.email = "bob@x.io"', expected: [], req: asAnn },
  {
    filter: 'author.email = "bob@x.io"',
    expected: ["p2"],
    req: () => request({ auth: authAs(FIXED, "u2") }),
  },
  { filter: 'author.email = "bob@x.io"', expected: ["p2"], req: () => request({ isSuperuser: true }) },
  { filter: 'author.password = "h2"', expected: ["p2"], req: () => request({ isSuperuser: true }) },
  { filter: 'author.tokenKey = "k1"', expected: ["p1", "p4"], extra: { source: "rule" } },
  { filter: "// a comment\nid = 'p1' // trailing", expected: ["p1"] },
  { filter: '@request.auth.team.name = "" && @request.auth.id = ""', expected: ["p1", "p2", "p3", "p4"] },
  { filter: "@request.auth.nosuchfield = null", expected: ["p1", "p2", "p3", "p4"], req: asAnn },
  { filter: 'title = "x\'; DROP TABLE posts; --"', expected: [] },
];

describe("filters on SQLite, PostgreSQL and in memory agree with the worked-out results", () => {
  it.each(POST_CASES)("$filter", async ({ filter, expected, req, extra }) => {
    const scope = scopeFor(posts, (req ?? (() => request()))(), extra);
    expect(evaluateIds(filter, scope, FIXED)).toEqual(expected);
    for (const db of dbs) expect(await queryIds(db, filter, scope), db.name).toEqual(expected);
  });

  it("filters comments through the post relation", async () => {
    const scope = scopeFor(comments, request());
    const filter = 'post.title ~ "hello" && votes > 0';
    expect(evaluateIds(filter, scope, FIXED)).toEqual(["c1"]);
    for (const db of dbs) expect(await queryIds(db, filter, scope)).toEqual(["c1"]);
  });

  it("reports PostgreSQL availability", () => {
    if (pgMissing) console.warn("skipped: PostgreSQL checks");
    else expect(dbs.map((d) => d.name)).toEqual(["sqlite", "postgres"]);
    expect(dbs.length).toBeGreaterThan(0);
  });
});

function compileError(filter: string, req: RequestInfo = request()): ApiError {
  try {
    compileFilter(parseFilter(filter), scopeFor(posts, req), dbs[0]!.frags, "r");
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected ${filter} to fail`);
}

describe("bad names and types are 400s naming the problem", () => {
  it.each([
    ["nope = 1", /unknown field "nope" in collection "posts"/],
    ["author.nope = 1", /unknown field "nope" in collection "users"/],
    ['author.password = "x"', /field "password" is hidden/],
    ['@request.auth.tokenKey = "x"', /field "tokenKey" is hidden/],
    ["title = views", /a text can't be compared with a number/],
    ['views ~ "1"', /~ needs text, not a number/],
    ["views:lower = 1", /:lower needs text/],
    ["title:length = 1", /:length needs a multi-valued field/],
    ["title:isset = true", /:isset modifier can only be used with @request.body/],
    ["@request.query.x:changed = true", /:changed modifier can't be used/],
    ["@collection.nope.x = 1", /unknown collection "nope"/],
    ["title.x = 1", /"title" is not a relation or json field/],
    ["loc = 1", /can only be used as loc.lon or loc.lat/],
    ["meta.a = meta.b", /two json values can't be compared/],
    ["strftime('%Q', published) = ''", /does not support "%Q"/],
    ["strftime('%Y', published, '+1 month') = ''", /does not support the modifier/],
    ["strftime('%Y', labels) = ''", /must be a single value/],
    ["geoDistance(title, 1, 2, 3) < 1", /must be a number/],
  ])("%s", (filter, message) => {
    const err = compileError(filter, request({ auth: authAs(FIXED, "u1") }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/at .*\.ts/);
  });
});

describe("compiled SQL", () => {
  it("binds values as parameters", () => {
    const scope = scopeFor(posts, request());
    for (const db of dbs) {
      const query =
        sql`SELECT 1 FROM posts AS r WHERE ${compileFilter(parseFilter('title = "evil\'s"'), scope, db.frags, "r")}`.compile(
          db.db,
        );
      expect(query.sql).not.toContain("evil");
      expect(query.parameters).toContain("evil's");
    }
  });

  it("caps shared @collection rows", () => {
    const filter = ["a", "b", "c", "d", "e"]
      .map((alias) => `@collection.tags:${alias}.name ?= title`)
      .join(" && ");
    expect(compileError(filter).message).toMatch(/too many different @collection references \(max 4\)/);
  });

  it("needsData is exact with a scope", () => {
    const scope = scopeFor(posts, request({ auth: authAs(FIXED, "u1") }));
    expect(needsData(parseFilter("meta.a.b = 1"))).toBe(true);
    expect(needsData(parseFilter("meta.a.b = 1"), scope)).toBe(false);
    expect(needsData(parseFilter("@request.auth.name = title"), scope)).toBe(false);
    expect(needsData(parseFilter("@request.auth.team.name = title"), scope)).toBe(true);
    expect(needsData(parseFilter("tags ?= 'g1'"), scope)).toBe(false);
    expect(needsData(parseFilter("tags.name ?= 'x'"), scope)).toBe(true);
  });
});

describe("compileSort", () => {
  const order = async (db: TestDb, sort: string) => {
    const scope = scopeFor(posts, request());
    const terms = compileSort(sort, scope, db.frags, "r");
    const result = await sql<{ id: string }>`SELECT r.id FROM posts AS r ORDER BY ${sql.join(terms)}`.execute(
      db.db,
    );
    return result.rows.map((r) => r.id);
  };

  it.each([
    ["-views", ["p4", "p1", "p3", "p2"]],
    ["title", ["p3", "p1", "p2", "p4"]],
    ["author.name,-id", ["p3", "p4", "p1", "p2"]],
    ["-active,+views", ["p1", "p4", "p2", "p3"]],
    ["status,-published", ["p3", "p4", "p1", "p2"]],
  ])("%s", async (sort, expected) => {
    for (const db of dbs) expect(await order(db, sort), db.name).toEqual(expected);
  });

  it("accepts @random", async () => {
    for (const db of dbs) expect((await order(db, "@random")).sort()).toEqual(["p1", "p2", "p3", "p4"]);
  });

  it.each([
    ["labels", /multi-valued/],
    ["nope", /unknown field "nope"/],
    ["author.password", /hidden/],
    ["a,b,c,d,e,f,g,h,i", /too many sort fields/],
    ["title:lower", /can't sort by/],
  ])("refuses %s", (sort, message) => {
    const scope = scopeFor(posts, request());
    expect(() => compileSort(sort, scope, dbs[0]!.frags, "r")).toThrow(message);
  });
});
