import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { MAX_FORM_FIELDS } from "./plugins/form-body.js";

/** The server's BACKROOM_BODY_LIMIT in these tests. */
const BODY_LIMIT = 256 * 1024;
const LOGIN = "/api/collections/users/auth-with-password";
const URLENCODED = "application/x-www-form-urlencoded";

const multipart = (boundary: string, fields: [string, string][]) =>
  `${fields
    .map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
    .join("")}--${boundary}--\r\n`;

/** Form bodies no endpoint may take: each gets a 4xx in the API's error shape, never a 500. */
const HOSTILE: [string, string, string, number][] = [
  ["URL-encoded: a field over the body limit", URLENCODED, `identity=${"a".repeat(BODY_LIMIT)}`, 413],
  [
    "URL-encoded: more fields than allowed",
    URLENCODED,
    Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=1`).join("&"),
    413,
  ],
  ["URL-encoded: a broken % escape", URLENCODED, "identity=%E0%A4%A&password=x", 400],
  ["URL-encoded: __proto__", URLENCODED, "__proto__=x&identity=a&password=b", 400],
  ["URL-encoded: constructor", URLENCODED, "constructor=x", 400],
  ["URL-encoded: @jsonPayload that isn't JSON", URLENCODED, "@jsonPayload=%7Bnope", 400],
  ["URL-encoded: @jsonPayload that is a list", URLENCODED, "@jsonPayload=%5B1%5D", 400],
  [
    "URL-encoded: @jsonPayload with __proto__",
    URLENCODED,
    `@jsonPayload=${encodeURIComponent('{"a":{"__proto__":{"x":1}}}')}`,
    400,
  ],
  [
    "multipart: a field over the body limit",
    "multipart/form-data; boundary=zz",
    multipart("zz", [["identity", "a".repeat(BODY_LIMIT)]]),
    413,
  ],
  [
    "multipart: more fields than allowed",
    "multipart/form-data; boundary=zz",
    multipart(
      "zz",
      Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i): [string, string] => [`f${i}`, "1"]),
    ),
    413,
  ],
  ["multipart: no boundary", "multipart/form-data", multipart("zz", [["identity", "a"]]), 400],
  [
    "multipart: a boundary that isn't the body's",
    "multipart/form-data; boundary=other",
    multipart("zz", [["identity", "a"]]),
    400,
  ],
  [
    "multipart: a boundary over 70 characters",
    `multipart/form-data; boundary=${"b".repeat(71)}`,
    multipart("b".repeat(71), [["identity", "a"]]),
    400,
  ],
  [
    "multipart: no closing boundary",
    "multipart/form-data; boundary=zz",
    `--zz\r\nContent-Disposition: form-data; name="identity"\r\n\r\na\r\n`,
    400,
  ],
  ["multipart: __proto__", "multipart/form-data; boundary=zz", multipart("zz", [["__proto__", "x"]]), 400],
  [
    "multipart: @jsonPayload that isn't JSON",
    "multipart/form-data; boundary=zz",
    multipart("zz", [["@jsonPayload", "{nope"]]),
    400,
  ],
  [
    "multipart: a file where no file is taken",
    "multipart/form-data; boundary=zz",
    `--zz\r\nContent-Disposition: form-data; name="identity"; filename="a.txt"\r\n\r\nhello\r\n--zz--\r\n`,
    400,
  ],
];

describe.each(await storesUnderTest())("hostile form bodies (%s)", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(kind, { bodyLimit: BODY_LIMIT });
  });
  afterAll(() => server?.close());

  it.each(HOSTILE)("%s on a login", async (_name, type, body, status) => {
    const res = await raw(server.url, LOGIN, { method: "POST", body, headers: { "content-type": type } });
    expectRawError(res, status);
  });

  it.each(HOSTILE)("%s on a records create", async (_name, type, body, status) => {
    const res = await raw(server.url, "/api/collections/users/records", {
      method: "POST",
      body,
      headers: { "content-type": type },
    });
    expectRawError(res, status);
  });

  it("still answers ordinary requests afterwards", async () => {
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });
});
