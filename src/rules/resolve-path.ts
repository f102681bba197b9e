import { fieldType, type Reference, referenceOf } from "../collections/fields/index.js";
import { type Collection, type Field, findField } from "../collections/model.js";
import type { Modifier } from "./ast.js";
import { invalidFilter } from "./errors.js";
import type { Hop, Leaf, PathTerm, Start, Term, ValueType } from "./ir.js";
import { readLeaf } from "./leaf-values.js";
import { LIMITS } from "./limits.js";
import type { ResolveContext } from "./resolve-context.js";

const ID_FIELD: Field = {
  id: "_id",
  name: "id",
  type: "text",
  system: true,
  hidden: false,
  presentable: false,
  required: true,
  min: 0,
  max: 0,
  pattern: "",
  autogeneratePattern: "",
  primaryKey: true,
  searchable: false,
};

/** Resolves `segments` (relations, back-relations, then a field and maybe a json key path) from `start`. */
export function resolvePath(
  ctx: ResolveContext,
  start: Start,
  segments: readonly string[],
  modifier: Modifier | null,
): Term {
  let collection = start.collection;
  const hops: Hop[] = [];
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i] ?? "";
    const isLast = i === segments.length - 1;
    const field = lookupField(collection, name);
    if (field) {
      checkVisible(ctx, field);
      const reference = isLast ? undefined : referenceOf(field);
      if (reference) {
        const hop = relationHop(ctx, field, reference);
        hops.push(hop);
        checkHops(hops, segments);
        collection = hop.target;
        continue;
      }
      const leaf = leafFor(ctx, start, hops, collection, field, segments.slice(i + 1), modifier);
      return finish(start, hops, leaf);
    }
    const back = backRelation(ctx, collection, name);
    if (!back) throw invalidFilter(`unknown field "${name}" in collection "${collection.name}"`);
    hops.push(back);
    checkHops(hops, segments);
    collection = back.source;
    if (isLast) return finish(start, hops, leafFor(ctx, start, hops, collection, ID_FIELD, [], modifier));
  }
  throw invalidFilter("empty field path");
}

export function lookupField(collection: Collection, name: string): Field | undefined {
  return findField(collection, name) ?? (name === "id" ? ID_FIELD : undefined);
}

export function checkVisible(ctx: ResolveContext, field: Field): void {
  if (field.hidden && !ctx.allowHidden) {
    throw invalidFilter(`the field "${field.name}" is hidden and can't be used in filters`);
  }
}

function checkHops(hops: readonly Hop[], segments: readonly string[]): void {
  if (hops.length > LIMITS.maxRelationHops) {
    throw invalidFilter(`"${segments.join(".")}" follows too many relations (max ${LIMITS.maxRelationHops})`);
  }
}

function relationHop(
  ctx: ResolveContext,
  field: Field,
  reference: Reference,
): Extract<Hop, { kind: "relation" }> {
  const target = ctx.scope.getCollection(reference.collectionId);
  if (!target) throw invalidFilter(`the relation "${field.name}" points to a missing collection`);
  return { kind: "relation", field, target, multi: reference.multi, visible: ctx.visible(target) };
}

/** `comments_via_post`: the collection `comments` and its relation field `post` pointing back here. */
function backRelation(
  ctx: ResolveContext,
  current: Collection,
  name: string,
): Extract<Hop, { kind: "back" }> | undefined {
  let at = name.indexOf("_via_");
  while (at > 0) {
    const source = ctx.scope.getCollection(name.slice(0, at));
    const field = source ? findField(source, name.slice(at + 5)) : undefined;
    const reference = field && referenceOf(field);
    if (source && field && reference?.collectionId === current.id) {
      checkVisible(ctx, field);
      const visible = ctx.visible(source);
      return { kind: "back", source, field, multi: true, listField: reference.multi, visible };
    }
    at = name.indexOf("_via_", at + 1);
  }
  return undefined;
}

function leafFor(
  ctx: ResolveContext,
  start: Start,
  hops: readonly Hop[],
  collection: Collection,
  field: Field,
  rest: readonly string[],
  modifier: Modifier | null,
): Leaf {
  if (modifier === "isset" || modifier === "changed") {
    throw invalidFilter(`the :${modifier} modifier can only be used with @request.body fields`);
  }
  const spec = fieldType(field).filter(field);
  if (spec.kind === "json") {
    if (modifier === "length")
      throw invalidFilter(`:length can't be used with the json field "${field.name}"`);
    return { kind: "json", field, path: rest.map((key) => (/^\d+$/.test(key) ? Number(key) : key)) };
  }
  if (spec.kind === "point") {
    const coord = rest[0];
    if (rest.length !== 1 || (coord !== "lon" && coord !== "lat") || modifier === "length") {
      throw invalidFilter(
        `the geoPoint field "${field.name}" can only be used as ${field.name}.lon or ${field.name}.lat`,
      );
    }
    return { kind: "geo", field, coord };
  }
  if (rest.length > 0) {
    throw invalidFilter(
      `"${field.name}" is not a relation or json field, so "${rest[0]}" can't be read from it`,
    );
  }
  if (modifier === "length") {
    if (spec.kind !== "list")
      throw invalidFilter(`:length needs a multi-valued field, "${field.name}" is not`);
    return { kind: "length", field };
  }
  if (spec.kind === "list") return { kind: "items", field };
  if (spec.kind !== "scalar") throw invalidFilter(`the field "${field.name}" can't be used in filters`);
  if (spec.compare !== "text") return { kind: "column", field, type: spec.compare };
  const ownAuthRecord = start.kind === "literalRow" && hops.length === 0;
  if (collection.type === "auth" && field.name === "email" && !ctx.allowHidden && !ownAuthRecord) {
    ctx.reads.identity = true;
    return { kind: "email", field, viewerId: ctx.scope.request.auth?.id ?? "" };
  }
  return { kind: "column", field, type: "text" };
}

function leafType(leaf: Leaf): ValueType {
  switch (leaf.kind) {
    case "column":
      return leaf.type;
    case "json":
      return "json";
    case "length":
    case "geo":
      return "number";
    default:
      return "text";
  }
}

function finish(start: Start, hops: readonly Hop[], leaf: Leaf): Term {
  if (start.kind === "literalRow" && hops.length === 0) {
    const values = readLeaf(start.row, leaf);
    return { kind: "literal", values, multi: leaf.kind === "items" };
  }
  const multi = start.kind === "scan" || hops.some((h) => h.multi) || leaf.kind === "items";
  const term: PathTerm = { kind: "path", start, hops, leaf, type: leafType(leaf), multi };
  return term;
}
