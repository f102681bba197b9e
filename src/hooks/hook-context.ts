import type { Collection } from "../collections/model.js";
import type { RequestContext } from "../records/request-context.js";
import type { HookAuth, HookCollection, HookRequest } from "./types.js";

export function hookCollection(c: Collection): HookCollection {
  return { id: c.id, name: c.name, type: c.type };
}

export function hookAuth(ctx: RequestContext | undefined): HookAuth | null {
  const auth = ctx?.auth;
  if (!auth) return null;
  return {
    id: auth.record.id,
    collectionName: auth.collection.name,
    isSuperuser: auth.isSuperuser,
    record: { ...auth.record },
  };
}

/** The request as hooks see it, from what the records layer knows of it. */
export function hookRequest(
  ctx: RequestContext,
  body: unknown,
  pathValues: Record<string, string> = {},
): HookRequest {
  return {
    method: ctx.method,
    url: ctx.url ?? "",
    headers: ctx.rawHeaders ?? {},
    query: ctx.query,
    body,
    ip: ctx.ip,
    pathValue: (name) => pathValues[name] ?? "",
  };
}
