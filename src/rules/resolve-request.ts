import { fieldType, referenceOf } from "../collections/fields/index.js";
import type { Field } from "../collections/model.js";
import type { RequestRef } from "./ast.js";
import { invalidFilter } from "./errors.js";
import type { Term } from "./ir.js";
import { readJsonPath } from "./leaf-values.js";
import type { ResolveContext } from "./resolve-context.js";
import { checkVisible, lookupField, resolvePath } from "./resolve-path.js";
import { coerceLiteral } from "./values.js";

const AUTH_META = new Set(["id", "collectionId", "collectionName"]);

/**
 * Resolves `@request.*`: known at compile time except relation traversal from the auth record or
 * from a relation value in the body.
 */
export function resolveRequest(ctx: ResolveContext, ref: RequestRef): Term {
  const request = ctx.scope.request;
  const issetArea = ref.area === "body" || ref.area === "query" || ref.area === "headers";
  if ((ref.modifier === "changed" && ref.area !== "body") || (ref.modifier === "isset" && !issetArea)) {
    throw invalidFilter(`the :${ref.modifier} modifier can't be used with @request.${ref.area}`);
  }
  switch (ref.area) {
    case "method":
      return literal(request.method.toUpperCase());
    case "context":
      return literal(request.context);
    case "query":
      return fromMap(request.query, ref);
    case "headers":
      return fromMap(normalizeHeaders(request.headers), ref);
    case "body":
      return resolveBody(ctx, ref);
    case "auth":
      return resolveAuth(ctx, ref);
  }
}

function fromMap(values: Record<string, string>, ref: RequestRef): Term {
  const key = ref.path[0] ?? "";
  const present = ref.path.length === 1 && Object.hasOwn(values, key);
  if (ref.modifier === "isset") return literal(present);
  return withLength(present ? values[key] : null, ref);
}

/** Header names as rules see them: lower-case, `-` → `_` (only single string values count). */
function normalizeHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === "string") out[name.toLowerCase().replace(/-/g, "_")] = value;
  }
  return out;
}

function resolveBody(ctx: ResolveContext, ref: RequestRef): Term {
  const body = ctx.scope.request.body;
  const [key = "", ...rest] = ref.path;
  const sent = Object.hasOwn(body, key);
  const field = lookupField(ctx.scope.collection, key);
  if (field) checkVisible(ctx, field);
  if (ref.modifier === "isset") return literal(sent && readJsonPath(body[key], rest) !== undefined);
  if (ref.modifier === "changed") {
    if (!field || rest.length > 0)
      throw invalidFilter(`:changed needs a field of "${ctx.scope.collection.name}"`);
    const current = ctx.scope.current;
    const next = bodyValue(field, body[key]);
    return literal(sent && (current === undefined || !sameValue(next, bodyValue(field, current[key]))));
  }
  if (field && rest.length > 0 && referenceOf(field)) {
    // `@request.body.post.author`: the record(s) the body's relation value names, as in PocketBase
    // (e.g. a comment's createRule `@request.body.post.author = @request.auth.id`).
    const row = { [field.name]: bodyValue(field, sent ? body[key] : null) };
    return resolvePath(
      ctx,
      { kind: "literalRow", collection: ctx.scope.collection, row },
      ref.path,
      ref.modifier,
    );
  }
  const kind = field && fieldType(field).filter(field).kind;
  if (field && rest.length > 0 && kind !== "json" && kind !== "point") {
    throw invalidFilter(
      `"${key}" is not a json field, so "${rest[0]}" can't be read from @request.body.${key}`,
    );
  }
  const value = sent ? (field ? bodyValue(field, body[key]) : body[key]) : null;
  return withLength(readJsonPath(value, rest) ?? null, ref);
}

/** A body value as the field will store it, so comparisons see what would be saved. */
function bodyValue(field: Field, raw: unknown): unknown {
  const spec = fieldType(field).filter(field);
  switch (spec.kind) {
    case "list": {
      const items = Array.isArray(raw) ? raw : raw === null || raw === undefined || raw === "" ? [] : [raw];
      return items.map((item) => coerceLiteral(item, "text"));
    }
    case "json":
    case "point":
      return raw ?? null;
    case "scalar":
      if (spec.compare !== "text") return coerceLiteral(raw, spec.compare);
      return Array.isArray(raw) ? coerceLiteral(raw[raw.length - 1], "text") : coerceLiteral(raw, "text");
    case "none":
      return raw ?? null;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resolveAuth(ctx: ResolveContext, ref: RequestRef): Term {
  const auth = ctx.scope.request.auth;
  const [first = ""] = ref.path;
  if (!auth) return withLength(null, ref);
  if (ref.path.length === 1 && AUTH_META.has(first)) return withLength(auth[first] ?? "", ref);
  const collection =
    ctx.scope.getCollection(auth.collectionId) ?? ctx.scope.getCollection(auth.collectionName);
  // Fields another auth collection lacks read as empty: a rule may serve several auth collections.
  if (!collection || !lookupField(collection, first)) return withLength(null, ref);
  return resolvePath(ctx, { kind: "literalRow", collection, row: auth }, ref.path, ref.modifier);
}

function literal(value: unknown): Term {
  return { kind: "literal", values: [value], multi: false };
}

/** A literal from a request value: arrays are multi-valued; `:length` counts them. */
function withLength(value: unknown, ref: RequestRef): Term {
  if (ref.modifier === "length") {
    return literal(Array.isArray(value) ? value.length : value === null || value === undefined ? 0 : 1);
  }
  return Array.isArray(value) ? { kind: "literal", values: value, multi: true } : literal(value);
}
