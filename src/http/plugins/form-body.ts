import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, badRequest } from "../../errors/api-error.js";
import { invalidJson } from "../../errors/invalid-json.js";
import { checkJsonShape } from "./json-body.js";

/** A request body with where each key came from: form strings need coercion, JSON values don't. */
export interface ParsedBody {
  body: Record<string, unknown>;
  /** Keys whose values are form strings (form fields other than `@jsonPayload`). */
  formKeys: Set<string>;
}

/** The most fields one form body may have (multipart or URL-encoded). */
export const MAX_FORM_FIELDS = 1000;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const URLENCODED = /^application\/x-www-form-urlencoded\b/i;

/** The form keys of URL-encoded bodies, set by their content parser. */
const urlEncodedKeys = new WeakMap<FastifyRequest, Set<string>>();

/**
 * Builds a body from form fields in PocketBase's conventions: every value stays a string (the
 * endpoint coerces what it reads), a name given more than once becomes a list of its values in
 * order, and each `@jsonPayload` field is a JSON object merged over the fields, after them.
 */
export function formBody(fields: Iterable<readonly [string, string]>, maxDepth: number): ParsedBody {
  const body: Record<string, unknown> = Object.create(null);
  const formKeys = new Set<string>();
  const payloads: string[] = [];
  for (const [name, value] of fields) {
    if (FORBIDDEN_KEYS.has(name)) throw badRequest(`The key "${name}" is not allowed.`);
    if (name === "@jsonPayload") {
      payloads.push(value);
      continue;
    }
    const existing = body[name];
    body[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    formKeys.add(name);
  }
  for (const text of payloads) {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      throw invalidJson("@jsonPayload", text);
    }
    if (!payload || typeof payload !== "object" || Array.isArray(payload))
      throw badRequest("@jsonPayload must be a JSON object.");
    checkJsonShape(payload, maxDepth);
    for (const [k, v] of Object.entries(payload)) {
      body[k] = v;
      formKeys.delete(k);
    }
  }
  return { body: { ...body }, formKeys };
}

/**
 * The name/value pairs of an `application/x-www-form-urlencoded` body: `+` is a space and a
 * malformed `%` escape is a 400, not a value read some other way.
 */
export function urlEncodedFields(text: string): [string, string][] {
  const fields: [string, string][] = [];
  if (text === "") return fields;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      throw badRequest("The URL-encoded body has an invalid % escape.");
    }
  };
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    if (fields.length >= MAX_FORM_FIELDS)
      throw new ApiError(413, `The form body has more than ${MAX_FORM_FIELDS} fields.`);
    const eq = pair.indexOf("=");
    fields.push(eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))]);
  }
  return fields;
}

/**
 * A form value an endpoint reads as a whole number: "" is 0 and decimal digits are their number,
 * as PocketBase binds form fields to integer fields; anything else is returned as it is, for the
 * endpoint's validation to refuse.
 */
export function formInteger(value: unknown): unknown {
  if (value === "") return 0;
  if (typeof value === "string" && /^[-+]?\d{1,15}$/.test(value)) return Number(value);
  return value;
}

/** Whether a request's body is `application/x-www-form-urlencoded`. */
export function isUrlEncoded(request: FastifyRequest): boolean {
  return URLENCODED.test(request.headers["content-type"] ?? "");
}

/** The keys of a request's body that hold form strings (none for a JSON body). */
export function urlEncodedFormKeys(request: FastifyRequest): Set<string> {
  return urlEncodedKeys.get(request) ?? new Set();
}

/**
 * Reads `application/x-www-form-urlencoded` bodies (within the server's body limit) into the
 * same body a multipart form without files gives; routes read it as they read JSON.
 */
export function registerUrlEncodedBody(app: FastifyInstance, maxDepth: number): void {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (request, text, done) => {
      try {
        const { body, formKeys } = formBody(urlEncodedFields(text as string), maxDepth);
        urlEncodedKeys.set(request, formKeys);
        done(null, body);
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
