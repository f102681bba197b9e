import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, type RawResponse, raw, uniqueEmail, uniqueName } from "../test-support/api.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";

/** How a body is sent: PocketBase reads each of these on every endpoint that takes a body. */
type Encoding = "json" | "multipart" | "multipart @jsonPayload" | "urlencoded" | "urlencoded @jsonPayload";
const ENCODINGS: Encoding[] = [
  "json",
  "multipart",
  "multipart @jsonPayload",
  "urlencoded",
  "urlencoded @jsonPayload",
];
/** Form values: a list is the same name given once per value. */
type FormValues = Record<string, string | string[]>;

function encode(encoding: Encoding, form: FormValues, json: Record<string, unknown>) {
  if (encoding === "json") return { body: JSON.stringify(json), type: "application/json" };
  const pairs: [string, string][] = encoding.endsWith("@jsonPayload")
    ? [["@jsonPayload", JSON.stringify(json)]]
    : Object.entries(form).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
      );
  if (encoding.startsWith("urlencoded"))
    return { body: new URLSearchParams(pairs).toString(), type: "application/x-www-form-urlencoded" };
  const data = new FormData();
  for (const [k, v] of pairs) data.append(k, v);
  return { body: data, type: undefined };
}

interface Case {
  name: string;
  method: "POST" | "PATCH";
  path: () => string;
  superuser?: boolean;
  /** The body as form strings; `json` is the same body as JSON (default: `form`). */
  form: () => FormValues;
  json?: (form: FormValues) => Record<string, unknown>;
  /** Encodings that can't say this body (nested objects need JSON or @jsonPayload). */
  only?: Encoding[];
  check: (res: RawResponse, form: FormValues) => void;
}

describe.each(await storesUnderTest())("request body encodings on every endpoint (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let suToken: string;
  let things: string;
  let userId: string;
  const userEmail = uniqueEmail();
  const userPassword = "12345678901";

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    suToken = su.authStore.token;
    things = uniqueName("things");
    await su.collections.create({
      name: things,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "count", type: "number" },
        { name: "flag", type: "bool" },
        { name: "tags", type: "select", maxSelect: 3, values: ["a", "b", "c"] },
      ],
      createRule: "",
    });
    // A password of digits: a form's string must reach the login as a string, not a number.
    const user = await su
      .collection("users")
      .create({ email: userEmail, password: userPassword, passwordConfirm: userPassword });
    userId = user.id;
  });
  afterAll(() => server?.close());

  const cases: Case[] = [
    {
      name: "auth-with-password (users)",
      method: "POST",
      path: () => "/api/collections/users/auth-with-password",
      form: () => ({ identity: userEmail, password: userPassword }),
      check: (res) => {
        expect(res.status).toBe(200);
        expect((res.body as { record: { id: string } }).record.id).toBe(userId);
      },
    },
    {
      name: "auth-with-password (_superusers)",
      method: "POST",
      path: () => "/api/collections/_superusers/auth-with-password",
      form: () => ({ identity: SUPERUSER.email, password: SUPERUSER.password }),
      check: (res) => {
        expect(res.status).toBe(200);
        expect(typeof (res.body as { token: unknown }).token).toBe("string");
      },
    },
    {
      name: "request-password-reset",
      method: "POST",
      path: () => "/api/collections/users/request-password-reset",
      form: () => ({ email: userEmail }),
      check: (res) => expect(res.status).toBe(204),
    },
    {
      name: "request-verification",
      method: "POST",
      path: () => "/api/collections/users/request-verification",
      form: () => ({ email: userEmail }),
      check: (res) => expect(res.status).toBe(204),
    },
    {
      name: "confirm-password-reset (the token is read and refused)",
      method: "POST",
      path: () => "/api/collections/users/confirm-password-reset",
      form: () => ({ token: "not-a-token", password: "1234567890", passwordConfirm: "1234567890" }),
      check: (res) => {
        expectRawError(res, 400);
        // Read from the body: not missing, but invalid.
        expect((res.body as { data: { token?: { code: string } } }).data.token?.code).not.toBe(
          "validation_required",
        );
      },
    },
    {
      name: "impersonate (a whole number from a form string)",
      method: "POST",
      path: () => `/api/collections/users/impersonate/${userId}`,
      superuser: true,
      form: () => ({ duration: "60" }),
      json: () => ({ duration: 60 }),
      check: (res) => {
        expect(res.status).toBe(200);
        const token = (res.body as { token: string }).token;
        const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
        const left = claims.exp - Date.now() / 1000;
        expect(left).toBeGreaterThan(50);
        expect(left).toBeLessThanOrEqual(61);
      },
    },
    {
      name: "records create (form strings coerced per field, repeated keys a list)",
      method: "POST",
      path: () => `/api/collections/${things}/records`,
      form: () => ({ title: "007", count: "5", flag: "true", tags: ["a", "c"] }),
      json: () => ({ title: "007", count: 5, flag: true, tags: ["a", "c"] }),
      check: (res) => {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ title: "007", count: 5, flag: true, tags: ["a", "c"] });
      },
    },
    {
      name: "collections create",
      method: "POST",
      path: () => "/api/collections",
      superuser: true,
      form: () => ({ name: uniqueName("made"), type: "base", listRule: "" }),
      check: (res, form) => {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ name: form.name, type: "base", listRule: "" });
      },
    },
    {
      name: "settings update",
      method: "PATCH",
      path: () => "/api/settings",
      superuser: true,
      form: () => ({ appName: uniqueName("App") }),
      json: (form) => ({ meta: { appName: form.appName } }),
      only: ["json", "multipart @jsonPayload", "urlencoded @jsonPayload"],
      check: (res, form) => {
        expect(res.status).toBe(200);
        expect((res.body as { meta: { appName: string } }).meta.appName).toBe(form.appName);
      },
    },
    {
      name: "batch",
      method: "POST",
      path: () => "/api/batch",
      form: () => ({ title: uniqueName("batched") }),
      json: (form) => ({
        requests: [
          { method: "POST", url: `/api/collections/${things}/records`, body: { title: form.title } },
        ],
      }),
      only: ["json", "multipart @jsonPayload", "urlencoded @jsonPayload"],
      check: (res, form) => {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject([{ status: 200, body: { title: form.title } }]);
      },
    },
    {
      name: "realtime subscribe (the client id is read: unknown → 404)",
      method: "POST",
      path: () => "/api/realtime",
      form: () => ({ clientId: "no-such-client", subscriptions: ["a", "b"] }),
      check: (res) => expectRawError(res, 404),
    },
    {
      name: "sql",
      method: "POST",
      path: () => "/api/sql",
      superuser: true,
      form: () => ({ query: "SELECT 1 AS one" }),
      check: (res) => {
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).toContain('"one"');
      },
    },
  ];

  const table = cases.flatMap((c) =>
    ENCODINGS.filter((e) => !c.only || c.only.includes(e)).map((e) => [c.name, e, c] as const),
  );

  it.each(table)("%s as %s", async (_name, encoding, c) => {
    const form = c.form();
    const { body, type } = encode(encoding, form, c.json ? c.json(form) : form);
    const res = await raw(server.url, c.path(), {
      method: c.method,
      body,
      headers: type ? { "content-type": type } : {},
      ...(c.superuser ? { token: suToken } : {}),
    });
    c.check(res, form);
  });
});
