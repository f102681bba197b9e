import { referenceOf } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { badRequest } from "../errors/api-error.js";
import type { Db } from "../store/store.js";
import { accessFor } from "./access.js";
import { quoteLiteral } from "./delete-references.js";
import type { RecordQuery } from "./record-query.js";
import { type RequestContext, requestInfo } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";
import { recordToApi } from "./serialize.js";

export const MAX_EXPAND_DEPTH = 6;
const MAX_BACK_RELATIONS = 1000;
const ID_CHUNK = 200;
/** Back-relation lookups become `f ?= a || f ?= b …`; the rule language caps expressions per filter. */
const BACK_CHUNK = 50;

type ExpandTree = Map<string, ExpandTree>;

/** `author,comments_via_post.author` → a tree of relation names. */
export function parseExpand(expand: string): ExpandTree {
  const root: ExpandTree = new Map();
  for (const path of expand
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parts = path.split(".");
    if (parts.length > MAX_EXPAND_DEPTH)
      throw badRequest(`Expand paths may be at most ${MAX_EXPAND_DEPTH} levels deep.`);
    let node = root;
    for (const part of parts) {
      if (!/^[A-Za-z0-9_]+$/.test(part)) throw badRequest(`Invalid expand path "${path}".`);
      let next = node.get(part);
      if (!next) {
        next = new Map();
        node.set(part, next);
      }
      node = next;
    }
  }
  return root;
}

/**
 * Serializes records with their requested relations, fetched per level in one query per relation
 * (never per record), each filtered by the target collection's view rule for this requester.
 * Relations the requester may not see, or that don't exist, are silently left out (as PocketBase).
 */
export async function serializeWithExpand(
  deps: { registry: CollectionRegistry; query: RecordQuery; db?: Db },
  collection: Collection,
  records: RecordValues[],
  tree: ExpandTree,
  ctx: RequestContext,
): Promise<Record<string, unknown>[]> {
  const out = records.map((r) => recordToApi(collection, r, ctx));
  if (tree.size === 0 || records.length === 0) return out;
  const expands = out.map(() => ({}) as Record<string, unknown>);
  for (const [name, subtree] of tree) {
    const relation = collection.fields.find((f) => f.name === name);
    const reference = relation && referenceOf(relation);
    if (reference) {
      const target = deps.registry.get(reference.collectionId);
      if (!target) continue;
      const ids = [...new Set(records.flatMap((r) => idsOf(r[name])))];
      const related = await fetchVisible(deps, target, ids, ctx);
      const serialized = await serializeWithExpand(deps, target, related, subtree, ctx);
      const byId = new Map(serialized.map((s, i) => [related[i]?.id, s]));
      records.forEach((r, i) => {
        const found = idsOf(r[name])
          .map((id) => byId.get(id))
          .filter((v) => v !== undefined);
        if (found.length === 0) return;
        (expands[i] as Record<string, unknown>)[name] = reference.multi ? found : found[0];
      });
      continue;
    }
    const back = /^([A-Za-z0-9_]+)_via_([A-Za-z0-9_]+)$/.exec(name);
    if (!back) continue;
    const source = deps.registry.get(back[1] as string);
    const field = source?.fields.find((f) => f.name === back[2]);
    const pointer = field && referenceOf(field);
    if (!source || !field || pointer?.collectionId !== collection.id) continue;
    const referrers = await fetchReferrers(
      deps,
      source,
      field.name,
      pointer.multi,
      records.map((r) => r.id),
      ctx,
    );
    const serialized = await serializeWithExpand(deps, source, referrers, subtree, ctx);
    records.forEach((r, i) => {
      const mine = serialized.filter((_, j) =>
        idsOf((referrers[j] as RecordValues)[field.name]).includes(r.id),
      );
      if (mine.length > 0) (expands[i] as Record<string, unknown>)[name] = mine;
    });
  }
  out.forEach((o, i) => {
    if (Object.keys(expands[i] as object).length > 0) o.expand = expands[i];
  });
  return out;
}

function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v !== "");
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** Records by id that pass the target's view rule; none when the rule is superusers-only. */
async function fetchVisible(
  deps: { query: RecordQuery; db?: Db },
  target: Collection,
  ids: string[],
  ctx: RequestContext,
): Promise<RecordValues[]> {
  if (ids.length === 0) return [];
  let access: ReturnType<typeof accessFor>;
  try {
    access = accessFor(target, "view", ctx);
  } catch {
    return [];
  }
  const scope = deps.query.scope(target, requestInfo(ctx));
  const where = access.kind === "filter" ? deps.query.where([access.rule], scope) : undefined;
  const out: RecordValues[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    out.push(...(await deps.query.findMany(target, ids.slice(i, i + ID_CHUNK), where, deps.db)));
  }
  return out;
}

async function fetchReferrers(
  deps: { query: RecordQuery; db?: Db },
  source: Collection,
  fieldName: string,
  multi: boolean,
  ids: string[],
  ctx: RequestContext,
): Promise<RecordValues[]> {
  let access: ReturnType<typeof accessFor>;
  try {
    access = accessFor(source, "view", ctx);
  } catch {
    return [];
  }
  const scope = deps.query.scope(source, requestInfo(ctx));
  const op = multi ? "?=" : "=";
  const out: RecordValues[] = [];
  for (let i = 0; i < ids.length && out.length < MAX_BACK_RELATIONS; i += BACK_CHUNK) {
    const match = ids
      .slice(i, i + BACK_CHUNK)
      .map((id) => `${fieldName} ${op} ${quoteLiteral(id)}`)
      .join(" || ");
    const where = deps.query.where(access.kind === "filter" ? [access.rule] : [], scope);
    const combined = deps.query.filterSql(`(${match})`, {
      ...scope,
      request: { ...scope.request, isSuperuser: true },
    });
    out.push(
      ...(await deps.query.list(source, {
        where: deps.query.and([combined, where]),
        sort: "",
        scope,
        limit: MAX_BACK_RELATIONS - out.length,
        offset: 0,
        ...(deps.db ? { db: deps.db } : {}),
      })),
    );
  }
  return out;
}
