import { randomBytes } from "node:crypto";
import type PocketBase from "pocketbase";
import { ClientResponseError } from "pocketbase";
import { expect } from "vitest";

/** A collection/record-safe unique name: `prefix_ab12cd34`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** A unique email for a test user. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}.${randomBytes(5).toString("hex")}@example.com`;
}

/** Awaits a promise that must reject with a ClientResponseError of the given status. */
export async function expectSdkError(
  promise: Promise<unknown>,
  status: number,
  opts: { shape?: "strict" | "lenient" | "none" } = {},
): Promise<ClientResponseError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a ${status} ClientResponseError, got success`).toBeInstanceOf(ClientResponseError);
  const err = caught as ClientResponseError;
  expect(err.status, `status (body: ${JSON.stringify(err.response)})`).toBe(status);
  if (opts.shape !== "none") expectErrorBody(err.response, status, opts.shape === "lenient");
  return err;
}

/** Field issue code at `data.<path>.code` of an error response. */
export function issueCode(err: ClientResponseError, ...path: string[]): unknown {
  let node: unknown = err.response?.data;
  for (const p of path) node = (node as Record<string, unknown> | undefined)?.[p];
  return (node as { code?: unknown } | undefined)?.code;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** A request outside the SDK (for what the SDK cannot send). `body` strings are sent verbatim. */
export async function raw(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | Uint8Array | FormData | undefined;
  if (init.body !== undefined) {
    if (typeof init.body === "string" || init.body instanceof Uint8Array || init.body instanceof FormData) {
      body = init.body as string | Uint8Array | FormData;
    } else {
      body = JSON.stringify(init.body);
    }
    if (
      !Object.keys(headers).some((h) => h.toLowerCase() === "content-type") &&
      !(init.body instanceof FormData)
    ) {
      headers["content-type"] = "application/json";
    }
  }
  if (init.token) headers.authorization = init.token;
  const res = await fetch(new URL(path, baseUrl), { method: init.method ?? "GET", headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Signs of a stack trace or a file path: never acceptable in a response. */
const PATH_LEAKS = [
  /\bat \//,
  /\bat file:/,
  /node_modules/,
  /\/work\//,
  /\/tmp\//,
  /\.ts:\d+/,
  /\.js:\d+/,
  /\bstack\b/i,
];
/** Raw driver messages: acceptable only where a superuser's own SQL is being checked (view queries). */
const SQL_LEAKS = [
  /SQLITE_/,
  /syntax error at or near/,
  /no such (column|table)/,
  /does not exist/,
  /kysely/i,
];

/** The PocketBase error shape, and nothing that tells about the server's insides. */
export function expectErrorBody(body: unknown, status: number, lenient = false): void {
  expect(body, "error body").toBeTypeOf("object");
  const b = body as Record<string, unknown>;
  expect(Object.keys(b).sort()).toEqual(["data", "message", "status"]);
  expect(b.status).toBe(status);
  expect(typeof b.message).toBe("string");
  expect((b.message as string).length).toBeGreaterThan(0);
  expect(b.data).toBeTypeOf("object");
  expect(b.data).not.toBeNull();
  const text = JSON.stringify(b);
  for (const leak of lenient ? PATH_LEAKS : [...PATH_LEAKS, ...SQL_LEAKS])
    expect(text, `error body leaks internals: ${text.slice(0, 300)}`).not.toMatch(leak);
}

/** A raw response that must be a 4xx with the error shape. */
export function expectRawError(res: RawResponse, status: number): void {
  expect(res.status, `status (body: ${res.text.slice(0, 300)})`).toBe(status);
  expectErrorBody(res.body, status);
}

/** Total records of a collection, counted as a superuser. */
export async function countRecords(su: PocketBase, collection: string, filter = ""): Promise<number> {
  const page = await su.collection(collection).getList(1, 1, filter ? { filter } : {});
  return page.totalItems;
}

/** A fresh SDK client with auto-cancellation off. */
export function sdk(pb: PocketBase): PocketBase {
  pb.autoCancellation(false);
  return pb;
}

/** Creates a user in `users` (as a guest, through the create rule) and returns a signed-in client. */
export async function signedInUser(
  newClient: () => PocketBase,
  opts: { email?: string; password?: string; name?: string; collection?: string } = {},
): Promise<{ pb: PocketBase; id: string; email: string; password: string }> {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? "a good long password";
  const collection = opts.collection ?? "users";
  const pb = sdk(newClient());
  const created = await pb
    .collection(collection)
    .create({ email, password, passwordConfirm: password, ...(opts.name ? { name: opts.name } : {}) });
  await pb.collection(collection).authWithPassword(email, password);
  return { pb, id: created.id, email, password };
}
