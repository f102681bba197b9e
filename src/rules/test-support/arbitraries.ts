/** fast-check generators: random fixture datasets and random filter trees over the posts collection. */
import fc from "fast-check";
import type { Collection } from "../../collections/model.js";
import type { CompareOp, Expr, Modifier, Operand } from "../ast.js";
import type { Dataset, Row } from "./databases.js";

const CHARS = [
  "a",
  "b",
  "A",
  "B",
  "z",
  "%",
  "_",
  "\\",
  " ",
  "ü",
  "Ü",
  "😀",
  "\uE000",
  "'",
  '"',
  "0",
  "1",
  "-",
  ".",
  "é",
];
export const textArb = fc.oneof(
  fc.constantFrom(
    "",
    "a",
    "A",
    "ab",
    "Ab",
    "b%",
    "_",
    "\\",
    "ü",
    "Ü",
    "É",
    "é",
    "😀",
    "\uE000",
    "100%",
    "x_y",
    "2024",
  ),
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 5 }),
);
const niceNumber = fc.oneof(
  fc.constantFrom(0, 1, -1, 2.5, -2.5, 0.1, 10, 100, 1e6, -0.5),
  fc.integer({ min: -50, max: 50 }),
);
export const numberArb = fc.oneof(
  niceNumber,
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);
const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);
const subset = (items: readonly string[]) => fc.subarray([...items]);

const dateArb = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "2024-02-30",
    "2024-13-01",
    "abc",
    "2024-01-01T24:00",
    "2461000.5",
    "2024-06-01 10:00:00.5Z",
    "2024-01-01 23:59:59.9999",
    "2024-01-01 10:00:00+01:00",
    "2024-01-01 10:00:60",
    "0999-12-31 23:00",
  ),
  fc
    .tuple(
      fc.date({
        min: new Date("1970-01-01T00:00:00Z"),
        max: new Date("2100-12-31T23:59:59Z"),
        noInvalidDate: true,
      }),
      fc.constantFrom(0, 1, 2, 3),
    )
    .map(([d, shape]) => {
      const iso = d.toISOString();
      if (shape === 0) return iso.replace("T", " ");
      if (shape === 1) return iso.slice(0, 10);
      if (shape === 2) return iso.slice(0, 16);
      return iso.slice(0, 19);
    }),
);

const jsonScalar = fc.oneof(textArb, niceNumber, fc.boolean(), fc.constant(null));
const metaArb = fc.oneof(
  fc.constant(null),
  jsonScalar,
  fc.record(
    {
      s: jsonScalar,
      n: jsonScalar,
      b: jsonScalar,
      a: fc.oneof(jsonScalar, fc.record({ b: jsonScalar }, { requiredKeys: [] })),
      list: fc.array(jsonScalar, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
);

const USERS = ["u1", "u2", "u3", "u4"];
const TAGS = ["g1", "g2", "g3", "g4"];
const POSTS = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];

export const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    teams: fc.tuple(textArb, textArb),
    users: fc.array(
      fc.record({
        name: textArb,
        email: textArb,
        emailVisibility: fc.boolean(),
        age: numberArb,
        team: pick(["t1", "t2", "", "t9"]),
      }),
      { minLength: 4, maxLength: 4 },
    ),
    tags: fc.array(fc.record({ name: textArb, color: pick(["a", "b", "c", ""]), weight: numberArb }), {
      minLength: 0,
      maxLength: 4,
    }),
    posts: fc.array(
      fc.record({
        title: textArb,
        views: numberArb,
        active: fc.boolean(),
        status: pick(["a", "b", "c", ""]),
        labels: subset(["a", "b", "c"]),
        author: pick([...USERS, "", "u9"]),
        tags: subset([...TAGS, "g9"]),
        meta: metaArb,
        loc: fc.record({ lon: niceNumber, lat: niceNumber }),
        published: dateArb,
      }),
      { minLength: 8, maxLength: 8 },
    ),
    comments: fc.array(
      fc.record({
        post: pick([...POSTS, ""]),
        message: textArb,
        votes: numberArb,
        author: pick([...USERS, ""]),
      }),
      { maxLength: 8 },
    ),
  })
  .map((d) => ({
    teams: d.teams.map((name, i) => ({ id: `t${i + 1}`, name })),
    users: d.users.map((u, i) => ({ id: `u${i + 1}`, password: "secret", tokenKey: `k${i}`, ...u })),
    tags: d.tags.map((t, i) => ({ id: `g${i + 1}`, ...t })),
    posts: d.posts.map((p, i) => ({ id: `p${i + 1}`, ...p })) as Row[],
    comments: d.comments.map((c, i) => ({ id: `c${i + 1}`, ...c })),
  }));

/**
 * List rules the fixture collections may get: none (superusers only), public, auth-dependent, going
 * through relations or @collection themselves, reading request data. They decide what a client's
 * filter sees when it steps into those collections (visibility.ts).
 */
const LIST_RULES: Record<string, (string | null)[]> = {
  users: [
    null,
    "",
    "id = @request.auth.id",
    "age > 20",
    'team.name ~ "a"',
    '@request.auth.id != ""',
    "@collection.tags.weight ?> 0 && emailVisibility = true",
  ],
  teams: [null, "", 'name != ""', "@request.auth.team = id", '@request.query.q = ""'],
  tags: [null, "", "weight > 0", '@request.auth.age > 20 || color = "a"'],
  posts: [null, "", "active = true", "author = @request.auth.id", 'author.name ~ "a"'],
  comments: [
    null,
    "",
    "author = @request.auth.id",
    "post.active = true",
    'post.author.team.name != "" || votes > 0',
  ],
};

/** Per fixture collection: its list rule, and now and then the "open" opt-out. */
export const listRulesArb: fc.Arbitrary<Record<string, Partial<Collection>>> = fc.record(
  Object.fromEntries(
    Object.entries(LIST_RULES).map(([name, rules]) => [
      name,
      fc
        .tuple(fc.constantFrom(...rules), fc.nat(5))
        .map(
          ([listRule, dice]): Partial<Collection> =>
            dice === 0 ? { listRule, filterThroughRelations: "open" } : { listRule },
        ),
    ]),
  ),
);

const field = (path: string, modifier: Modifier | null = null): Operand => ({
  kind: "field",
  path: path.split("."),
  modifier,
});
const collection = (
  name: string,
  alias: string | null,
  path: string,
  modifier: Modifier | null = null,
): Operand => ({
  kind: "collection",
  name,
  alias,
  path: path.split("."),
  modifier,
});
const request = (
  area: "auth" | "body" | "query" | "method",
  path: string,
  modifier: Modifier | null = null,
): Operand => ({
  kind: "request",
  area,
  path: path ? path.split(".") : [],
  modifier,
});
const str = (value: string): Operand => ({ kind: "string", value });

const TEXT_OPERANDS: Operand[] = [
  field("title"),
  field("title", "lower"),
  field("status"),
  field("author"),
  field("published"),
  field("id"),
  field("author.name"),
  field("author.email"),
  field("author.team.name"),
  field("tags.name"),
  field("tags.name", "each"),
  field("tags.color"),
  field("tags"),
  field("labels"),
  field("labels", "each"),
  field("comments_via_post.message"),
  field("comments_via_post.author.name"),
  field("comments_via_post.post.title"),
  field("meta.s"),
  field("meta.a.b"),
  field("meta.list.0"),
  field("meta"),
  collection("tags", null, "name"),
  collection("tags", "x", "color"),
  collection("comments", null, "post"),
  collection("tags", "x", "name", "lower"),
  request("auth", "id"),
  request("auth", "name"),
  request("auth", "team.name"),
  request("body", "title"),
  request("body", "labels"),
  request("body", "labels", "each"),
  request("body", "title", "lower"),
  // Through the records a relation value in the body names.
  request("body", "author.name"),
  request("body", "author.team.name"),
  request("body", "tags.name"),
  request("body", "tags.name", "each"),
  request("query", "q"),
  request("method", ""),
  { kind: "call", name: "strftime", args: [str("%Y-%m-%d"), field("published")] },
  { kind: "call", name: "strftime", args: [str("%W|%j|%w|%s"), field("published"), str("start of month")] },
  {
    kind: "call",
    name: "strftime",
    args: [str("%H:%M:%f"), field("published"), str("-36 hours"), str("+1 days")],
  },
];
const NUMBER_OPERANDS: Operand[] = [
  field("views"),
  field("author.age"),
  field("tags.weight"),
  field("comments_via_post.votes"),
  field("labels", "length"),
  field("tags", "length"),
  field("loc.lon"),
  field("meta.n"),
  field("meta.list.1"),
  collection("users", null, "age"),
  collection("comments", null, "votes"),
  collection("posts", null, "views"),
  request("body", "labels", "length"),
  request("body", "author.age"),
  request("body", "tags.weight"),
  {
    kind: "call",
    name: "geoDistance",
    args: [field("loc.lon"), field("loc.lat"), { kind: "number", value: 2 }, { kind: "number", value: 45 }],
  },
];
const BOOL_OPERANDS: Operand[] = [
  field("active"),
  field("author.emailVisibility"),
  field("meta.b"),
  request("body", "title", "isset"),
  request("body", "labels", "changed"),
  request("query", "q", "isset"),
];

const literalArb: fc.Arbitrary<Operand> = fc.oneof(
  textArb.map((value): Operand => ({ kind: "string", value })),
  numberArb.map((value): Operand => ({ kind: "number", value })),
  fc.boolean().map((value): Operand => ({ kind: "bool", value })),
  fc.constant<Operand>({ kind: "null" }),
  fc.constantFrom<Operand>({ kind: "macro", name: "now" }, { kind: "macro", name: "year" }),
);

const operandArb: fc.Arbitrary<Operand> = fc.oneof(
  { arbitrary: fc.constantFrom(...TEXT_OPERANDS), weight: 4 },
  { arbitrary: fc.constantFrom(...NUMBER_OPERANDS), weight: 2 },
  { arbitrary: fc.constantFrom(...BOOL_OPERANDS), weight: 1 },
);
const OPS: CompareOp[] = ["=", "!=", ">", ">=", "<", "<=", "~", "!~"];

const comparisonArb: fc.Arbitrary<Expr> = fc
  .record({
    left: operandArb,
    op: fc.constantFrom(...OPS),
    any: fc.boolean(),
    right: fc.oneof({ arbitrary: literalArb, weight: 3 }, { arbitrary: operandArb, weight: 1 }),
    swap: fc.boolean(),
  })
  .map(({ left, op, any, right, swap }) => ({
    kind: "compare",
    op,
    any,
    left: swap && right.kind !== "null" ? right : left,
    right: swap && right.kind !== "null" ? left : right,
  }));

export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: comparisonArb, weight: 3 },
    fc.record({ kind: fc.constantFrom<"and" | "or">("and", "or"), left: tie("expr"), right: tie("expr") }),
  ),
})).expr;
